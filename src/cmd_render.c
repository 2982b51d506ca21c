/* cmd_render.c: render (write the tree, or print one stage) and check (compare the tree on
 * disk with what render would write, writing nothing). */
#include <getopt.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "diff.h"
#include "render.h"
#include "run.h"
#include "tree.h"
#include "write.h"

/* What this run may prune (tree.h): the trees of its rollouts, and files from rollout files
 * below the directories named. */
static struct tree_scope
run_scope(struct run *r)
{
	struct tree_scope s = {arena_alloc(&r->arena, (r->n + 1) * sizeof(char *)), r->n,
	                       arena_alloc(&r->arena, (r->ndirs + 1) * sizeof(char *)), r->ndirs};
	struct buf b;

	for (size_t i = 0; i < r->n; i++)
		s.trees[i] =
		    arena_printf(&r->arena, "%s/%s", r->rollouts[i]->ns, r->rollouts[i]->name);
	qsort(s.trees, s.ntrees, sizeof(*s.trees), tree_path_cmp);
	buf_init(&b);
	for (size_t i = 0; i < r->ndirs; i++) {
		b.len = 0;
		render_source(&b, r->dirs[i]);
		s.dirs[i] = arena_strndup(&r->arena, b.data, b.len);
	}
	buf_release(&b);
	return s;
}

/* Whether the file that source (as a header writes it) names, relative to out, is there. */
static int
source_exists(const char *out, const char *source)
{
	size_t n = strlen(out);
	char *path = malloc(n + strlen(source) + 2), *p = path + n + 1;
	struct stat st;

	if (!path)
		abort();
	memcpy(path, out, n);
	path[n] = '/';
	for (const char *s = source; *s; s++) {
		unsigned byte;
		if (*s == '%' && sscanf(s + 1, "%2x", &byte) == 1 && s[1] && s[2]) {
			*p++ = (char)byte;
			s += 2;
		} else {
			*p++ = *s;
		}
	}
	*p = '\0';
	int there = stat(path, &st) == 0;
	free(path);
	return there;
}

/* Whether this run reads the rollout file that source names: one of its rollouts', or one
 * below a directory it was given. */
static int
run_reads(const struct run *r, const struct tree_scope *scope, const char *source, struct buf *b)
{
	for (size_t i = 0; i < r->n; i++) {
		b->len = 0;
		render_source(b, r->rollouts[i]->source);
		if (b->len == strlen(source) && !memcmp(b->data, source, b->len))
			return 1;
	}
	return tree_scope_dirs_hold(scope, source);
}

/* One namespace and name, one rollout file, across runs too: a rollout found below a
 * directory may not take over a tree that another rollout file renders while that file is
 * still there and this run does not read it (a rollout that moved takes its tree along); a
 * rollout file named on its own may, with a warning. Returns -1 after an error. */
static int
check_owners(struct run *r, struct tree *t, const struct tree_scope *scope, const char *out)
{
	char *head = malloc(TREE_HEAD_MAX + 1);
	struct buf b;
	int ret = 0;

	if (!head)
		abort();
	buf_init(&b);
	for (size_t i = 0; i < r->n; i++) {
		const struct rollout *ro = r->rollouts[i];
		const char *top =
		    arena_printf(&r->scratch, "%s/%s/kustomization.yaml", ro->ns, ro->name);
		if (tree_owner(t, top, head) != 1 || run_reads(r, scope, head, &b) ||
		    !source_exists(out, head))
			continue;
		b.len = 0;
		render_source(&b, ro->source);
		buf_addc(&b, '\0');
		int found = tree_scope_dirs_hold(scope, b.data);
		diag_loc(
		    &r->diags, found ? DIAG_ERROR : DIAG_WARNING, ro->file, ro->line, ro->col,
		    "rollout '%s/%s' %s %s/%s/%s, which the rollout file %s/%s renders, and that "
		    "file is still there; one namespace and name takes one rollout file: rename "
		    "this rollout, or remove that file if the rollout moved here",
		    ro->ns, ro->name, found ? "would take over" : "takes over", out, ro->ns,
		    ro->name, out, head);
		ret -= found;
	}
	arena_reset(&r->scratch);
	buf_release(&b);
	free(head);
	return ret;
}

static int
render_stream(struct run *r, const char *stage)
{
	struct buf out;
	int first = 1;

	buf_init(&out);
	buf_adds(&out, RENDER_HEADER);
	for (size_t i = 0; i < r->n; i++) {
		const struct rollout *ro = r->rollouts[i];
		int s = stage ? model_stage_lookup(ro, stage) : (int)ro->active;
		if (s < 0) {
			diag_loc(&r->diags, DIAG_ERROR, ro->file, 0, 0, "%s",
			         model_stage_missing(ro, stage, &r->arena));
			buf_release(&out);
			return EXIT_USAGE;
		}
		render_stage_objects(ro, (size_t)s, &r->templates, &r->scratch, &out, &first);
		arena_reset(&r->scratch);
	}
	fwrite(out.data, 1, out.len, stdout);
	buf_release(&out);
	return EXIT_OK;
}

static void
render_removed(void *ctx, const char *rel, int temp)
{
	fprintf(stderr, "meshroll: removed %s/%s%s\n", (const char *)ctx, rel,
	        temp ? " (a temporary of a run that crashed)" : "");
}

static int
render_dir(struct run *r, const char *dir)
{
	struct write_txn w;
	int status = run_place(r, dir) < 0 ? EXIT_IO : EXIT_OK;
	struct tree_scope scope = run_scope(r);

	if (status != EXIT_OK)
		return status;

	write_txn_init(&w, dir);
	unsigned create = r->n ? WRITE_CREATE : 0; /* nothing to write: make no directory */
	int busy = write_txn_begin(&w, create, &r->diags);
	if (busy == 1) {
		fprintf(stderr, "meshroll: waiting for another meshroll writing '%s'\n", dir);
		fflush(stderr);
		busy = write_txn_begin(&w, create | WRITE_WAIT, &r->diags);
	}
	if (busy < 0)
		status = EXIT_IO;
	else if (check_owners(r, &w.tree, &scope, dir) < 0)
		status = EXIT_INVALID;
	for (size_t i = 0; i < r->n && status == EXIT_OK; i++) {
		struct render_set set = {0};
		render_tree(r->rollouts[i], &r->templates, &r->scratch, &set);
		if (write_txn_add(&w, &set, &r->diags) < 0)
			status = EXIT_IO;
		arena_reset(&r->scratch);
	}
	if (status == EXIT_OK &&
	    (write_txn_prune(&w, &scope, &r->diags) < 0 || write_txn_commit(&w, &r->diags) < 0))
		status = EXIT_IO;
	if (status == EXIT_OK)
		write_txn_removed(&w, render_removed, (void *)dir);
	write_txn_release(&w);
	return status;
}

struct opts {
	const char *out, *stage, *templates;
};

/* The options render and check share. Returns the index of the first file, or -1 with the
 * exit status in *status (after --help or a usage error). */
static int
parse_opts(int argc, char **argv, struct opts *o, const char *usage, int with_stage, int *status)
{
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"stage", required_argument, NULL, 's'},
	    {"templates", required_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		if (c == 'o')
			o->out = optarg;
		else if (c == 's' && with_stage)
			o->stage = optarg;
		else if (c == 't')
			o->templates = optarg;
		else if (c == 'h')
			return *status = print_help(usage), -1;
		else
			return *status = usage_error(usage, "%s: bad option '%s'", argv[0],
			                             argv[optind - 1]),
			       -1;
	}
	if (optind >= argc)
		return *status =
		           usage_error(usage, "%s: no rollout file or directory named", argv[0]),
		       -1;
	if (!*o->out) /* an unset $OUT in a script: not the filesystem's root */
		return *status = usage_error(usage, "%s: -o names no directory", argv[0]), -1;
	return optind;
}

static const char render_usage[] =
    "usage: meshroll render [-o DIR | -o -] [--stage ID] [--templates DIR] FILE|DIR...\n"
    "  -o, --output DIR    write the tree under DIR (default: deploy); '-' prints the\n"
    "                      objects of one stage to standard output instead\n"
    "      --stage ID      with -o -: the stage to print, by id or weight (default: the\n"
    "                      active stage)\n"
    "      --templates DIR take templates from DIR where it has them\n"
    "  A directory means every Rollout in a *.yaml or *.yml file below it. Files that\n"
    "  meshroll wrote under DIR and that no rollout makes any more are removed: in the\n"
    "  trees of the rollouts named, and those from a rollout file below a directory named.\n";

int
cmd_render(int argc, char **argv)
{
	struct opts o = {.out = "deploy"};
	struct run r;
	int status, first = parse_opts(argc, argv, &o, render_usage, 1, &status);

	if (first < 0)
		return status;
	if (o.stage && strcmp(o.out, "-") != 0)
		return usage_error(render_usage, "render: --stage goes with -o -");
	run_init(&r);
	if (run_load(&r, argv + first, argc - first, o.templates, RUN_TEMPLATES) < 0)
		return run_finish(&r, EXIT_INVALID);
	diags_print(&r.diags, stderr); /* warnings, before the output */
	status = strcmp(o.out, "-") == 0 ? render_stream(&r, o.stage) : render_dir(&r, o.out);
	return run_finish(&r, status);
}

/* A file on disk is shown in check's diff only up to this size (or twice what render writes
 * there): a bigger one is not meshroll's and is reported as differing without being read. */
enum { CHECK_MAX_BYTES = 4 * 1024 * 1024 };

struct check {
	struct run *r;
	struct tree tree; /* the tree under -o */
	struct buf diff;
	size_t differ;   /* files that differ, are missing or are stale */
	char **expected; /* every path the rollouts produce; arena */
	size_t n, cap;
	char **temps; /* temporaries of other runs; arena */
	size_t ntemps, captemps;
	char **stale; /* files and temporaries render would remove; arena */
	size_t nstale, capstale;
	size_t unclaimed;  /* files that name no rollout file */
	const char *first; /* the first of them; arena */
};

/* Appends a copy of s to an arena array of strings. */
static void
check_push(struct check *c, char ***v, size_t *n, size_t *cap, const char *s)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		*v = arena_grow(&c->r->arena, *v, *n * sizeof(char *), ncap * sizeof(char *));
		*cap = ncap;
	}
	(*v)[(*n)++] = arena_strdup(&c->r->arena, s);
}

/* Appends the diff of one path: the disk's bytes (absent: none) against new (NULL: stale, to
 * be removed). Returns 0, or -1 with an I/O diagnostic. */
static int
check_diff(struct check *c, const char *rel, const char *new, size_t newlen)
{
	size_t max = newlen > CHECK_MAX_BYTES / 2 ? 2 * newlen : CHECK_MAX_BYTES, oldlen, before;
	char *old;
	int r = tree_read(&c->tree, rel, max, &old, &oldlen, &c->r->diags);

	if (r < 0 || (r == 1 && !new))
		return r < 0 ? -1 : 0;
	before = c->diff.len;
	if (r == TREE_TOO_BIG) {
		buf_addf(&c->diff, "Files a/%s and %s differ (a/%s is %zu bytes: not shown)\n", rel,
		         new ? arena_printf(&c->r->scratch, "b/%s", rel) : "/dev/null", rel,
		         oldlen);
	} else {
		const char *a = r == 0 ? arena_printf(&c->r->scratch, "a/%s", rel) : "/dev/null";
		const char *b = new ? arena_printf(&c->r->scratch, "b/%s", rel) : "/dev/null";
		diff_unified(&c->diff, a, r == 0 ? old : "", oldlen, b, new ? new : "", newlen);
		if (c->diff.len == before && !new) /* an empty file: no line to show */
			buf_addf(&c->diff, "Files a/%s and /dev/null differ (a/%s is empty)\n", rel,
			         rel);
	}
	free(old);
	c->differ += c->diff.len > before;
	return 0;
}

static int
check_file(struct check *c, const struct rendered *f)
{
	check_push(c, &c->expected, &c->n, &c->cap, f->path);
	return check_diff(c, f->path, f->data, f->len);
}

/* A file render would remove: its diff, and its name for the summary. */
static int
check_gone(struct check *c, const char *rel)
{
	check_push(c, &c->stale, &c->nstale, &c->capstale, rel);
	return check_diff(c, rel, NULL, 0);
}

static void
check_stale(void *ctx, const char *rel, enum tree_found what)
{
	struct check *c = ctx;

	if (what == TREE_TEMP)
		check_push(c, &c->temps, &c->ntemps, &c->captemps, rel);
	else if (what == TREE_STALE)
		check_gone(c, rel);
	else if (!c->unclaimed++) /* a file render keeps: not stale */
		c->first = arena_strdup(&c->r->arena, rel);
}

/* Temporaries are stale when no run is live: when no run holds the output directory's lock,
 * nor one on a directory above the temporary (a run writing a tree below). The lock is
 * taken only to test it, so a check never holds a render up. */
static int
check_temps(struct check *c)
{
	char dir[4096];

	if (!c->ntemps || flock(c->tree.root, LOCK_EX | LOCK_NB) < 0)
		return 0;
	flock(c->tree.root, LOCK_UN);
	for (size_t i = 0; i < c->ntemps; i++) {
		tree_split(c->temps[i], dir, sizeof(dir));
		int dfd = tree_dir(&c->tree, dir, 0, &c->r->diags);
		if (dfd == -1 ||
		    (dfd >= 0 && tree_idle(&c->tree) && check_gone(c, c->temps[i]) < 0))
			return -1;
	}
	return 0;
}

/* Prints " word", quoted for a POSIX shell where it holds anything but safe characters. */
static void
put_word(const char *w, FILE *fp)
{
	static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                           "0123456789_./:=@%+-,";

	fputc(' ', fp);
	if (*w && w[strspn(w, safe)] == '\0') {
		fputs(w, fp);
		return;
	}
	fputc('\'', fp);
	for (; *w; w++)
		fputs(*w == '\'' ? "'\\''" : (char[]){*w, '\0'}, fp);
	fputc('\'', fp);
}

/* The render command that brings the tree up to date, for the hint: every option that changes
 * the output, each word quoted for the shell where it needs it. */
static void
check_hint(const struct check *c, const struct opts *o, char **files, int nfiles)
{
	for (size_t i = 0; i < c->nstale; i++)
		fprintf(stderr, "meshroll: %s/%s is stale: render removes it\n", o->out,
		        c->stale[i]);
	fprintf(stderr, "meshroll: '%s' is out of date; to update it, run:\n  meshroll render -o",
	        o->out);
	put_word(o->out, stderr);
	if (o->templates) {
		fputs(" --templates", stderr);
		put_word(o->templates, stderr);
	}
	for (int i = 0; i < nfiles; i++)
		put_word(files[i], stderr);
	fputc('\n', stderr);
}

static int
check_tree(struct run *r, const struct opts *o, char **files, int nfiles)
{
	struct check c = {.r = r};
	int status = run_place(r, o->out) < 0 || tree_open(&c.tree, o->out, &r->diags) == -1
	                 ? EXIT_IO
	                 : EXIT_OK;
	struct tree_scope scope = run_scope(r);

	buf_init(&c.diff);
	if (status == EXIT_OK && c.tree.root >= 0 && check_owners(r, &c.tree, &scope, o->out) < 0)
		status = EXIT_INVALID;
	for (size_t i = 0; i < r->n && status == EXIT_OK; i++) {
		struct render_set set = {0};
		render_tree(r->rollouts[i], &r->templates, &r->scratch, &set);
		for (size_t k = 0; k < set.n && status == EXIT_OK; k++)
			if (check_file(&c, &set.v[k]) < 0)
				status = EXIT_IO;
		arena_reset(&r->scratch);
	}
	if (status == EXIT_OK && c.n)
		qsort(c.expected, c.n, sizeof(*c.expected), tree_path_cmp);
	for (size_t i = 0; i < tree_scope_roots(&scope) && status == EXIT_OK; i++)
		if (tree_stale(&c.tree, tree_scope_root(&scope, i), &scope, c.expected, c.n, "\n",
		               check_stale, &c, &r->diags) < 0 ||
		    r->diags.io_errors)
			status = EXIT_IO;
	if (status == EXIT_OK && check_temps(&c) < 0)
		status = EXIT_IO;
	if (status == EXIT_OK)
		tree_unclaimed(&c.tree, c.unclaimed, c.first, &r->diags);
	if (status == EXIT_OK && c.differ) {
		fwrite(c.diff.data, 1, c.diff.len, stdout);
		fflush(stdout);
		check_hint(&c, o, files, nfiles);
		status = EXIT_INVALID;
	}
	tree_close(&c.tree);
	buf_release(&c.diff);
	return status;
}

static const char check_usage[] =
    "usage: meshroll check [-o DIR] [--templates DIR] FILE|DIR...\n"
    "  renders in memory and compares with the tree under DIR (default: deploy); writes\n"
    "  nothing. Exit 0 when the tree is what render would write, else 1 and a unified diff\n"
    "  of each file that differs, is missing, or is a stale file render would remove.\n";

int
cmd_check(int argc, char **argv)
{
	struct opts o = {.out = "deploy"};
	struct run r;
	int status, first = parse_opts(argc, argv, &o, check_usage, 0, &status);

	if (first < 0)
		return status;
	if (!strcmp(o.out, "-"))
		return usage_error(check_usage, "check: -o - has no tree to compare");
	run_init(&r);
	if (run_load(&r, argv + first, argc - first, o.templates, RUN_TEMPLATES) < 0)
		return run_finish(&r, EXIT_INVALID);
	diags_print(&r.diags, stderr);
	return run_finish(&r, check_tree(&r, &o, argv + first, argc - first));
}
