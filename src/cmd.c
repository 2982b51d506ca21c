/* cmd.c: render, lint and schema. Each loads every file first and writes only when all of
 * them are valid. */
#include "cmd.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embed.h"
#include "load.h"
#include "render.h"
#include "template.h"
#include "write.h"

/* What a run holds: the arenas, the diagnostics, the schema and the loaded rollouts. */
struct run {
	struct arena arena;   /* the models, diagnostics and names */
	struct arena scratch; /* one file's parse tree or rendered tree at a time */
	struct diags diags;
	struct schema schema;
	struct templates templates;
	struct rollout **rollouts; /* heap */
	size_t n;
};

static void
run_init(struct run *r)
{
	memset(r, 0, sizeof(*r));
	arena_init(&r->arena);
	arena_init(&r->scratch);
	diags_init(&r->diags, &r->arena);
}

static void
run_release(struct run *r)
{
	schema_release(&r->schema);
	free(r->rollouts);
	arena_release(&r->scratch);
	arena_release(&r->arena);
}

/* Prints what was found and turns it into an exit status. */
static int
run_finish(struct run *r, int status)
{
	int io = r->diags.io_errors, errors = r->diags.errors;

	diags_print(&r->diags, stderr);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("meshroll: error: cannot write to standard output\n", stderr);
		status = EXIT_IO;
	}
	run_release(r);
	if (io)
		return EXIT_IO;
	return errors && status == EXIT_OK ? EXIT_INVALID : status;
}

/* Loads the templates (render only) and every file; all are checked before any is used. */
static int
run_load(struct run *r, char **files, int nfiles, const char *templates, int want_templates)
{
	if (schema_load(&r->schema, &r->arena, &r->diags) < 0)
		return -1;
	if (want_templates && templates_load(&r->templates, templates, &r->arena, &r->diags) < 0)
		return -1;
	r->rollouts = calloc((size_t)nfiles + 1, sizeof(*r->rollouts));
	if (!r->rollouts)
		abort();
	for (int i = 0; i < nfiles; i++) {
		struct rollout *ro =
		    load_rollout(files[i], &r->schema, &r->arena, &r->scratch, &r->diags);
		arena_reset(&r->scratch);
		if (ro)
			r->rollouts[r->n++] = ro;
	}
	return r->diags.errors ? -1 : 0;
}

__attribute__((format(printf, 2, 3))) static int
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

/* The stage that --stage names, by id or by weight; -1 when the rollout has none. */
static int
stage_lookup(const struct rollout *r, const char *text)
{
	int i = model_stage_index(r, text);
	char *end;
	long w = strtol(text, &end, 10);

	if (i >= 0 || !*text || *end)
		return i;
	for (size_t s = 0; s < r->nstages; s++)
		if (r->stages[s].weight == w)
			return (int)s;
	return -1;
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
		int s = stage ? stage_lookup(ro, stage) : (int)ro->active;
		if (s < 0) {
			diag_at(&r->diags, DIAG_ERROR, NULL, 0, 0, 0, "%s: no stage '%s' in '%s'",
			        ro->file, stage, ro->name);
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

static int
render_dir(struct run *r, const char *dir)
{
	struct write_txn w;
	int status = EXIT_OK;

	write_txn_init(&w, dir);
	for (size_t i = 0; i < r->n && status == EXIT_OK; i++) {
		struct render_set set = {0};
		render_tree(r->rollouts[i], &r->templates, &r->scratch, &set);
		if (write_txn_add(&w, &set, &r->diags) < 0)
			status = EXIT_IO;
		arena_reset(&r->scratch);
	}
	if (status == EXIT_OK && write_txn_commit(&w, &r->diags) < 0)
		status = EXIT_IO;
	write_txn_release(&w);
	return status;
}

static const char render_usage[] =
    "usage: meshroll render [-o DIR | -o -] [--stage ID] [--templates DIR] FILE...\n"
    "  -o, --output DIR    write the tree under DIR (default: deploy); '-' prints the\n"
    "                      objects of one stage to standard output instead\n"
    "      --stage ID      with -o -: the stage to print, by id or weight (default: the\n"
    "                      active stage)\n"
    "      --templates DIR take templates from DIR where it has them\n";

int
cmd_render(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"stage", required_argument, NULL, 's'},
	    {"templates", required_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *out = "deploy", *stage = NULL, *templates = NULL;
	struct run r;
	int c;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 's':
			stage = optarg;
			break;
		case 't':
			templates = optarg;
			break;
		case 'h':
			fputs(render_usage, stdout);
			return fflush(stdout) == 0 ? EXIT_OK : EXIT_IO;
		default:
			return usage_error(render_usage, "render: bad option '%s'",
			                   argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error(render_usage, "render: no rollout file named");
	if (stage && strcmp(out, "-") != 0)
		return usage_error(render_usage, "render: --stage goes with -o -");
	run_init(&r);
	if (run_load(&r, argv + optind, argc - optind, templates, 1) < 0)
		return run_finish(&r, EXIT_INVALID);
	diags_print(&r.diags, stderr); /* warnings, before the output */
	int status = strcmp(out, "-") == 0 ? render_stream(&r, stage) : render_dir(&r, out);
	return run_finish(&r, status);
}

static const char lint_usage[] = "usage: meshroll lint FILE...\n"
                                 "  validates each rollout file and writes nothing\n";

int
cmd_lint(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct run r;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c != 'h')
			return usage_error(lint_usage, "lint: bad option '%s'", argv[optind - 1]);
		fputs(lint_usage, stdout);
		return fflush(stdout) == 0 ? EXIT_OK : EXIT_IO;
	}
	if (optind >= argc)
		return usage_error(lint_usage, "lint: no rollout file named");
	run_init(&r);
	run_load(&r, argv + optind, argc - optind, NULL, 0);
	return run_finish(&r, EXIT_OK);
}

int
cmd_schema(int argc, char **argv)
{
	const struct embedded *e = embedded_find("schemas/rollout.schema.json");

	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		fputs("usage: meshroll schema\n  prints the JSON Schema of the rollout file\n",
		      stdout);
		return fflush(stdout) == 0 ? EXIT_OK : EXIT_IO;
	}
	if (argc > 1)
		return usage_error("usage: meshroll schema\n", "schema: takes no arguments");
	fwrite(e->data, 1, e->len, stdout);
	return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_IO;
}
