/* run.c: loading every rollout a command names, and finishing a command. */
#include "run.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "load.h"
#include "tree.h"
#include "write.h"

void
run_init(struct run *r)
{
	memset(r, 0, sizeof(*r));
	arena_init(&r->arena);
	arena_init(&r->scratch);
	arena_init(&r->model);
	diags_init(&r->diags, &r->arena);
	conflicts_init(&r->conflicts, &r->arena);
}

void
run_print(struct run *r, const char *data, size_t len)
{
	if (write_all(STDOUT_FILENO, data, len) < 0)
		r->stdout_failed = 1;
}

int
run_finish(struct run *r, int status)
{
	int io = r->diags.io_errors, errors = r->diags.errors;

	diags_print(&r->diags, stderr);
	if (fflush(stdout) != 0 || ferror(stdout) || r->stdout_failed) {
		fputs("meshroll: error: cannot write to standard output\n", stderr);
		status = EXIT_IO;
	}
	free(r->rollouts);
	free(r->refs);
	arena_release(&r->model);
	conflicts_release(&r->conflicts);
	arena_release(&r->scratch);
	arena_release(&r->arena);
	if (io)
		return EXIT_IO;
	return errors && status == EXIT_OK ? EXIT_INVALID : status;
}

int
usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("meshroll: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	return EXIT_USAGE;
}

int
print_help(const char *text)
{
	fputs(text, stdout);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_IO;
}

/* Adds ro (kept unless streamed) and what the run keeps of it. */
static void
run_add(struct run *r, struct rollout *ro, unsigned flags)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->refs = realloc(r->refs, r->cap * sizeof(*r->refs));
		if (!r->refs)
			abort();
		if (!(flags & RUN_STREAM)) {
			r->rollouts = realloc(r->rollouts, r->cap * sizeof(*r->rollouts));
			if (!r->rollouts)
				abort();
		}
	}
	if (!(flags & RUN_STREAM))
		r->rollouts[r->n] = ro;
	r->refs[r->n++] = (struct run_ref){
	    .file = ro->file,
	    .source = ro->source,
	    .line = ro->line,
	    .col = ro->col,
	    .ns = flags & RUN_STREAM ? arena_strdup(&r->arena, ro->ns) : ro->ns,
	    .name = flags & RUN_STREAM ? arena_strdup(&r->arena, ro->name) : ro->name,
	};
}

/* Loads one file; a file found in a directory that is not a Rollout is skipped and does not
 * count toward RUN_MAX_FILES. */
/* The file at path as its repository names it: relative to the nearest directory above it
 * (links resolved) that holds a .git, else its base name; NULL when it cannot be resolved.
 * The same however path is spelled and wherever the repository is checked out. */
static const char *
repo_path(struct arena *a, const char *path)
{
	char *real = realpath(path, NULL);
	const char *home = NULL;
	struct stat st;

	if (!real)
		return NULL;
	for (size_t end = strlen(real); end > 0 && !home;) {
		while (end > 0 && real[end - 1] != '/')
			end--;
		if (end == 0)
			break;
		end--; /* real[end] is the slash after a directory */
		if (lstat(arena_printf(a, "%.*s/.git", (int)end, real), &st) == 0)
			home = arena_strdup(a, real + end + 1);
	}
	if (!home)
		home = arena_strdup(a, strrchr(real, '/') + 1);
	free(real);
	return home;
}

static char *path_real(struct arena *a, const char *path);
static char *path_relative(struct arena *a, const char *to, const char *from);

/* ro's source relative to the output directory, where it is known: in r's arena. */
static int
run_place_one(struct run *r, struct rollout *ro)
{
	char *real = r->base && strcmp(ro->source, "-") ? realpath(ro->file, NULL) : NULL;

	if (real)
		ro->source = path_relative(&r->arena, real, r->base);
	free(real);
	return r->base != NULL;
}

/* Keeps what the run needs of ro once its model is gone. */
static void
run_stream(struct run *r, struct rollout *ro)
{
	int placed = run_place_one(r, ro);

	ro->file = arena_strdup(&r->arena, ro->file);
	if (!placed)
		ro->source = arena_strdup(&r->arena, ro->source);
	run_add(r, ro, RUN_STREAM);
	r->refs[r->n - 1].placed = placed;
}

static void
run_load_file(struct run *r, const char *path, unsigned flags)
{
	int skipped;

	if (r->files > RUN_MAX_FILES)
		return; /* said once */
	struct arena *a = r->flags & RUN_STREAM ? &r->model : &r->arena;
	struct rollout *ro =
	    load_rollout(path, flags, &r->schema, a, &r->scratch, &r->diags, &skipped);

	arena_reset(&r->scratch);
	if (skipped)
		return;
	if (++r->files > RUN_MAX_FILES) {
		diag_loc(&r->diags, DIAG_ERROR, path, 0, 0,
		         "more than %d rollout files in one run; meshroll reads at most %d",
		         RUN_MAX_FILES, RUN_MAX_FILES);
		return;
	}
	if (ro && !strcmp(path, "-"))
		ro->source = "-"; /* standard input: no path to record */
	else if (ro && ro->analysis)
		ro->home = repo_path(a, path);
	if (!ro)
		return;
	if (r->flags & RUN_STREAM)
		run_stream(r, ro);
	else
		run_add(r, ro, 0);
	conflicts_add(&r->conflicts, ro, &r->scratch);
	if (r->each && !r->stopped && !r->diags.errors && !r->conflicts.nerrors &&
	    r->each(r, ro, r->ctx) < 0)
		r->stopped = 1;
	arena_reset(&r->model);
}

static int
is_yaml_name(const char *name)
{
	size_t len = strlen(name);

	return (len > 5 && !strcmp(name + len - 5, ".yaml")) ||
	       (len > 4 && !strcmp(name + len - 4, ".yml"));
}

/* Every YAML file below dir, in sorted order; directories are not followed through links. A
 * YAML name that is a FIFO, a socket or a device, or a link to one, is read too: the read
 * refuses it with an error naming it. A link to nothing or to a directory is passed over. */
static void
run_load_dir(struct run *r, const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, tree_dirent_cmp);
	size_t dlen = strlen(dir);

	if (n < 0) {
		diag_io(&r->diags, dir, errno, "cannot read directory");
		return;
	}
	if (dlen > 0 && dir[dlen - 1] == '/')
		dlen--; /* "a/" gives "a/x.yaml", as "a" does; "/" gives "/x.yaml" */
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		/* on the heap, not in the run's arena: what keeps a path copies it */
		size_t nlen = strlen(name);
		char *path = malloc(dlen + 1 + nlen + 1);
		if (!path)
			abort();
		memcpy(path, dir, dlen);
		path[dlen] = '/';
		memcpy(path + dlen + 1, name, nlen + 1);
		int type = name[0] == '.' ? DT_UNKNOWN : tree_entry_type(ents[i], path);
		struct stat st;

		if (type == DT_DIR)
			run_load_dir(r, path);
		else if (name[0] != '.' && is_yaml_name(name) &&
		         (type == DT_REG || (stat(path, &st) == 0 && !S_ISDIR(st.st_mode))))
			run_load_file(r, path, LOAD_SKIP_FOREIGN);
		free(path);
		free(ents[i]);
	}
	free(ents);
}

int
run_load(struct run *r, char **args, int nargs, const char *templates, unsigned flags)
{
	r->flags = flags;
	if (schema_load(&r->schema, &r->diags) < 0)
		return -1;
	if ((flags & RUN_TEMPLATES) &&
	    templates_load(&r->templates, templates, &r->arena, &r->diags) < 0)
		return -1;
	for (int i = 0; i < nargs; i++) {
		struct stat st;
		if (stat(args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			size_t before = r->n, errors = (size_t)r->diags.errors;
			r->dirs = arena_grow(&r->arena, r->dirs, r->ndirs * sizeof(*r->dirs),
			                     (r->ndirs + 1) * sizeof(*r->dirs));
			r->dirs[r->ndirs++] = args[i];
			run_load_dir(r, args[i]);
			if (r->n == before && (size_t)r->diags.errors == errors)
				diag_loc(
				    &r->diags, DIAG_ERROR, args[i], 0, 0,
				    "no Rollout found in this directory; name a directory that "
				    "holds rollout files (a run with none would prune the tree)");
		} else {
			run_load_file(r, args[i], 0);
		}
	}
	conflicts_report(&r->conflicts, &r->diags); /* after every rollout's own diagnostics */
	return r->diags.errors ? -1 : 0;
}

/* path without "." components and repeated or trailing slashes ("./a//b/" is "a/b"). */
static char *
path_clean(struct arena *a, const char *path)
{
	char *out = arena_alloc(a, strlen(path) + 2), *o = out;

	if (*path == '/')
		*o++ = '/';
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");
		if (n && !(n == 1 && *p == '.')) {
			if (o > out && o[-1] != '/')
				*o++ = '/';
			memcpy(o, p, n);
			o += n;
		}
		p += n + strspn(p + n, "/");
	}
	if (o == out)
		*o++ = '.';
	*o = '\0';
	return out;
}

/* The absolute path of path with every link resolved; where its end does not exist (yet),
 * the real path of what does, followed by the rest. NULL when nothing of it resolves. */
static char *
path_real(struct arena *a, const char *path)
{
	char *real = realpath(path, NULL), *clean, *slash, *out;
	int err = errno;

	if (real) {
		out = arena_strdup(a, real);
		free(real);
		return out;
	}
	clean = path_clean(a, path);
	slash = strrchr(clean, '/');
	if (err != ENOENT || !strcmp(clean, ".") || !strcmp(clean, ".."))
		return NULL;
	const char *base = slash ? slash + 1 : clean;
	const char *up = !slash           ? "."
	                 : slash == clean ? "/"
	                                  : arena_strndup(a, clean, (size_t)(slash - clean));
	char *parent = path_real(a, up);
	if (!parent)
		return NULL;
	if (!strcmp(base, "..")) {
		slash = strrchr(parent, '/');
		return slash == parent ? arena_strdup(a, "/")
		                       : arena_strndup(a, parent, (size_t)(slash - parent));
	}
	return arena_printf(a, "%s%s%s", parent, strcmp(parent, "/") ? "/" : "", base);
}

/* to relative to the directory from, both absolute and real: "../x/y.yaml", or ".". */
static char *
path_relative(struct arena *a, const char *to, const char *from)
{
	struct buf b;
	size_t common = 0;

	/* the longest prefix of whole components that both share */
	for (size_t i = 0;; i++) {
		int fend = from[i] == '\0' || from[i] == '/', tend = to[i] == '\0' || to[i] == '/';
		if (fend && tend && i > 0)
			common = i;
		if (from[i] != to[i] || !from[i])
			break;
	}
	buf_init(&b);
	for (const char *p = from + common; *p; p++)
		if (*p == '/' && p[1])
			buf_adds(&b, b.len ? "/.." : "..");
	const char *rest = to + common + (to[common] == '/');
	if (*rest)
		buf_addf(&b, "%s%s", b.len ? "/" : "", rest);
	char *out = b.len ? arena_strndup(a, b.data, b.len) : arena_strdup(a, ".");
	buf_release(&b);
	return out;
}

void
run_base(struct run *r, const char *out)
{
	r->base = path_real(&r->arena, out);
	r->base_err = errno;
}

int
run_place(struct run *r, const char *out)
{
	const char *base = r->base ? r->base : path_real(&r->arena, out);

	if (!base)
		return diag_io(&r->diags, out, r->base_err ? r->base_err : errno,
		               "cannot resolve the output directory");
	r->base = base;
	for (size_t i = 0; i < r->n; i++) {
		if (r->refs[i].placed || !r->rollouts)
			continue; /* streamed before the output directory resolved: it fails here */
		struct rollout *ro = r->rollouts[i]; /* not streamed: it is kept */
		run_place_one(r, ro);
		r->refs[i].source = ro->source;
		r->refs[i].placed = 1;
	}
	for (size_t i = 0; i < r->ndirs; i++) {
		const char *real = path_real(&r->arena, r->dirs[i]);
		if (!real)
			return diag_io(&r->diags, r->dirs[i], errno,
			               "cannot resolve the directory");
		r->dirs[i] = path_relative(&r->arena, real, base);
	}
	return 0;
}
