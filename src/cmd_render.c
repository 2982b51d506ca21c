/* cmd_render.c: render (write the tree, or print one stage) and check (compare the tree on
 * disk with what render would write, writing nothing). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "compare.h"
#include "render.h"
#include "run.h"
#include "tree.h"
#include "write.h"

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
	run_print(r, out.data, out.len);
	buf_release(&out);
	return EXIT_OK;
}

static void
render_removed(void *ctx, const char *rel, int temp)
{
	fprintf(stderr, "meshroll: removed %s/%s%s\n", (const char *)ctx, rel,
	        temp ? " (a temporary of a run that crashed)" : "");
}

/* A render into a directory, one rollout at a time. */
struct render_dir {
	const char *dir;
	struct write_txn w;
	int status; /* of the writes so far */
	int begun;  /* the lock is taken */
};

/* Takes the output directory's lock, waiting for it, saying so, when another run holds it. */
static int
render_begin(struct run *r, struct render_dir *rd)
{
	int busy = write_txn_begin(&rd->w, WRITE_CREATE, &r->diags);

	rd->begun = 1;
	if (busy == 1) {
		fprintf(stderr, "meshroll: waiting for another meshroll writing '%s'\n", rd->dir);
		fflush(stderr);
		busy = write_txn_begin(&rd->w, WRITE_CREATE | WRITE_WAIT, &r->diags);
	}
	return busy < 0 ? -1 : 0;
}

/* run.each: renders one rollout and writes its changed files to temporaries. */
static int
render_each(struct run *r, struct rollout *ro, void *ctx)
{
	struct render_dir *rd = ctx;
	struct render_set set = {0};

	if (!r->base) /* run_place() reports it */
		return -1;
	if (!rd->begun && render_begin(r, rd) < 0)
		return rd->status = EXIT_IO, -1;
	render_tree(ro, &r->templates, &r->scratch, &set);
	if (write_txn_add(&rd->w, &set, &r->diags) < 0)
		rd->status = EXIT_IO;
	arena_reset(&r->scratch);
	return rd->status == EXIT_OK ? 0 : -1;
}

/* After run_load() streamed every rollout through render_each(): the checks that need all
 * of them, then the stale files, and the commit. */
static int
render_dir(struct run *r, struct render_dir *rd)
{
	struct tree_scope scope;
	int status = run_place(r, rd->dir) < 0 ? EXIT_IO : rd->status;

	if (status != EXIT_OK)
		return status;
	scope = compare_scope(r);
	if (!rd->begun && render_begin(r, rd) < 0)
		return EXIT_IO;
	if (compare_owners(r, &rd->w.tree, &scope, rd->dir) < 0)
		return EXIT_INVALID;
	if (write_txn_prune(&rd->w, &scope, &r->diags) < 0 ||
	    write_txn_commit(&rd->w, &r->diags) < 0)
		return EXIT_IO;
	write_txn_removed(&rd->w, render_removed, (void *)rd->dir);
	return EXIT_OK;
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
	if (!strcmp(o.out, "-")) {
		if (run_load(&r, argv + first, argc - first, o.templates, RUN_TEMPLATES) < 0)
			return run_finish(&r, EXIT_INVALID);
		diags_print(&r.diags, stderr); /* warnings, before the output */
		return run_finish(&r, render_stream(&r, o.stage));
	}
	struct render_dir rd = {.dir = o.out, .status = EXIT_OK};
	write_txn_init(&rd.w, o.out);
	run_base(&r, o.out);
	r.each = render_each;
	r.ctx = &rd;
	if (run_load(&r, argv + first, argc - first, o.templates, RUN_TEMPLATES | RUN_STREAM) < 0)
		status = EXIT_INVALID;
	else {
		diags_print(&r.diags, stderr); /* warnings, before the output */
		status = render_dir(&r, &rd);
	}
	write_txn_release(&rd.w);
	return run_finish(&r, status);
}

/* Prints " word", quoted for a POSIX shell where it needs it. */
static void
put_word(const char *w, FILE *fp)
{
	struct buf b;

	buf_init(&b);
	buf_addc(&b, ' ');
	buf_add_shell_word(&b, w);
	fwrite(b.data, 1, b.len, fp);
	buf_release(&b);
}

/* The render command that brings the tree up to date, for the hint: every option that changes
 * the output, each word quoted for the shell where it needs it. */
static void
check_hint(const struct compare *c, const struct opts *o, char **files, int nfiles)
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

/* A check, one rollout at a time. */
struct check_tree {
	const struct opts *o;
	struct compare c;
	struct buf diff;
	int status; /* of the comparisons so far */
	int opened; /* c is open */
};

/* run.each: renders one rollout in memory and compares it with the disk. */
static int
check_each(struct run *r, struct rollout *ro, void *ctx)
{
	struct check_tree *ct = ctx;

	if (!r->base) /* run_place() reports it */
		return -1;
	if (!ct->opened) {
		ct->opened = 1;
		if (compare_open(&ct->c, r, ct->o->out, &ct->diff) < 0)
			return ct->status = EXIT_IO, -1;
	}
	if (compare_rollout(&ct->c, ro) < 0)
		ct->status = EXIT_IO;
	return ct->status == EXIT_OK ? 0 : -1;
}

/* After run_load() streamed every rollout through check_each(). */
static int
check_tree(struct run *r, struct check_tree *ct, char **files, int nfiles)
{
	struct compare *c = &ct->c;
	int status = run_place(r, ct->o->out) < 0 ? EXIT_IO : ct->status;
	struct tree_scope scope;

	if (status == EXIT_OK && !ct->opened) {
		ct->opened = 1;
		if (compare_open(c, r, ct->o->out, &ct->diff) < 0)
			status = EXIT_IO;
	}
	if (status != EXIT_OK)
		return status;
	scope = compare_scope(r);
	if (c->tree.root >= 0 && compare_owners(r, &c->tree, &scope, ct->o->out) < 0)
		return EXIT_INVALID;
	if (compare_stale(c, &scope) < 0)
		return EXIT_IO;
	tree_unclaimed(&c->tree, c->unclaimed, c->first, &r->diags);
	if (c->differ) {
		run_print(r, ct->diff.data, ct->diff.len);
		check_hint(c, ct->o, files, nfiles);
		status = EXIT_INVALID;
	}
	return status;
}

static const char check_usage[] =
    "usage: meshroll check [-o DIR] [--templates DIR] FILE|DIR...\n"
    "  renders in memory and compares with the tree under DIR; writes nothing. Exit 0 when\n"
    "  the tree is what render would write, else 1 and a unified diff of each file that\n"
    "  differs, is missing, or is a stale file render would remove.\n"
    "  -o, --output DIR    the tree to compare with (default: deploy)\n"
    "      --templates DIR take templates from DIR where it has them\n";

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
	struct check_tree ct = {.o = &o, .c.tree.root = -1, .status = EXIT_OK};
	run_init(&r);
	buf_init(&ct.diff);
	run_base(&r, o.out);
	r.each = check_each;
	r.ctx = &ct;
	if (run_load(&r, argv + first, argc - first, o.templates, RUN_TEMPLATES | RUN_STREAM) < 0) {
		status = EXIT_INVALID;
	} else {
		diags_print(&r.diags, stderr);
		status = check_tree(&r, &ct, argv + first, argc - first);
	}
	compare_close(&ct.c);
	buf_release(&ct.diff);
	return run_finish(&r, status);
}
