/* cmd_status.c: status (where each rollout stands: its active stage, what that stage sends
 * to the canary, the next stage, and with -o whether its tree is what render would write);
 * writes nothing. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "compare.h"
#include "describe.h"
#include "json.h"
#include "run.h"

/* What -o found of one rollout's tree. */
enum status_tree {
	STATUS_UNKNOWN, /* no -o: not compared */
	STATUS_FRESH,   /* every file as render would write it, and none it would remove */
	STATUS_STALE,   /* a file differs, is missing, or render would remove it */
};

struct status_opts {
	const char *out, *templates; /* NULL: not given */
	bool json;
	bool ids; /* --ids: the stage ids alone */
};

static const char status_usage[] =
    "usage: meshroll status [-o DIR] [--json] [--templates DIR] FILE|DIR...\n"
    "  prints where each rollout stands, one line a rollout: its active stage, what that\n"
    "  stage sends to the canary, and the next stage; writes nothing\n"
    "  -o, --output DIR    also say whether the rollout's tree under DIR is what render\n"
    "                      would write there; exit 1 when one is stale\n"
    "      --json          print one JSON array instead, an object a rollout (README.md)\n"
    "      --templates DIR with -o: take templates from DIR where it has them\n";

/* Returns the index of the first file, or -1 with the exit status in *status (after --help
 * or a usage error). --ids is hidden from the usage: it is for the completion scripts
 * (completion/), which ask `meshroll status --ids FILE` for the stage ids that --stage and
 * promote --to take. It prints every stage id of each rollout, one a line, and exits 0; on
 * invalid input, nothing on stdout and exit 1. It goes with no other option. */
static int
status_parse(int argc, char **argv, struct status_opts *o, int *status)
{
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"json", no_argument, NULL, 'j'},
	    {"templates", required_argument, NULL, 't'},
	    {"ids", no_argument, NULL, 'i'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *why = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		if (c == 'o')
			o->out = optarg;
		else if (c == 'j')
			o->json = true;
		else if (c == 't')
			o->templates = optarg;
		else if (c == 'i')
			o->ids = true;
		else if (c == 'h')
			return *status = print_help(status_usage), -1;
		else
			return *status = usage_error(status_usage, "status: bad option '%s'",
			                             argv[optind - 1]),
			       -1;
	}
	if (optind >= argc)
		why = "status: no rollout file or directory named";
	else if (o->out && !*o->out) /* an unset $OUT in a script: not the filesystem's root */
		why = "status: -o names no directory";
	else if (o->out && !strcmp(o->out, "-"))
		why = "status: -o - has no tree to compare";
	else if (o->templates && !o->out)
		why = "status: --templates goes with -o";
	else if (o->ids && (o->out || o->json))
		why = "status: --ids goes with no other option";
	if (why)
		return *status = usage_error(status_usage, "%s", why), -1;
	return optind;
}

/* Compares each rollout's tree under out, on its own, with what render would write: the
 * files it makes, and in its "<ns>/<name>" directory those render would remove. Returns
 * EXIT_OK (stale trees are not an error here), EXIT_INVALID when a rollout would take over
 * another rollout file's tree, or EXIT_IO. */
static int
status_trees(struct run *r, const char *out, enum status_tree *trees)
{
	struct compare c = {.tree.root = -1};
	int status =
	    run_place(r, out) < 0 || compare_open(&c, r, out, NULL) < 0 ? EXIT_IO : EXIT_OK;
	struct tree_scope scope = compare_scope(r);

	if (status == EXIT_OK && c.tree.root >= 0 && compare_owners(r, &c.tree, &scope, out) < 0)
		status = EXIT_INVALID;
	for (size_t i = 0; i < r->n && status == EXIT_OK; i++) {
		const struct rollout *ro = r->rollouts[i];
		char *tree = arena_printf(&r->arena, "%s/%s", ro->ns, ro->name);
		struct tree_scope one = {.trees = &tree, .ntrees = 1};
		compare_reset(&c);
		if (compare_rollout(&c, ro) < 0 || compare_stale(&c, &one) < 0)
			status = EXIT_IO;
		trees[i] = c.differ ? STATUS_STALE : STATUS_FRESH;
	}
	compare_close(&c);
	return status;
}

/* One line: "shop/reviews: stage 010 (2 of 5): 10% to v2, next 025, tree up to date". */
static void
status_line(struct buf *b, const struct rollout *ro, enum status_tree tree)
{
	const struct stage *s = &ro->stages[ro->active];

	buf_addf(b, "%s/%s: stage %s (%zu of %zu): ", ro->ns, ro->name, s->id, ro->active + 1,
	         ro->nstages);
	if (s->match) {
		buf_adds(b, "A/B on ");
		describe_match(b, s->match);
		buf_addf(b, " to %s, others ", ro->canary);
	}
	buf_addf(b, "%d%% to %s", s->weight, ro->canary);
	if (s->mirror) {
		buf_addf(b, ", mirror %s%%", s->mirror);
		if (s->mirror_match) {
			buf_adds(b, " on ");
			describe_match(b, s->mirror_match);
		}
		buf_addf(b, " to %s", ro->canary);
	}
	if (ro->active + 1 < ro->nstages)
		buf_addf(b, ", next %s", ro->stages[ro->active + 1].id);
	else
		buf_adds(b, ", last");
	if (tree != STATUS_UNKNOWN)
		buf_adds(b, tree == STATUS_FRESH ? ", tree up to date" : ", tree stale");
	buf_addc(b, '\n');
}

static void
put(struct arena *a, struct node *map, const char *key, struct node *value)
{
	node_map_add(map, node_new_str(a, key), value);
}

/* One rollout's object of the --json array, as schemas/status.schema.json says. */
static struct node *
status_object(struct arena *a, const struct rollout *ro, enum status_tree tree)
{
	const struct stage *s = &ro->stages[ro->active];
	struct node *o = node_new_map(a, 10), *stage = node_new_map(a, 6);
	struct node *ids = node_new_seq(a, ro->nstages);

	put(a, o, "file", node_new_str(a, ro->file));
	put(a, o, "namespace", node_new_str(a, ro->ns));
	put(a, o, "name", node_new_str(a, ro->name));
	put(a, o, "stable", node_new_str(a, ro->stable));
	put(a, o, "canary", node_new_str(a, ro->canary));
	put(a, stage, "id", node_new_str(a, s->id));
	put(a, stage, "index", node_new_int(a, (long long)ro->active));
	put(a, stage, "weight", node_new_int(a, s->weight));
	put(a, stage, "match", s->match ? node_copy(a, s->match, 0) : node_new_null(a));
	put(a, stage, "mirror", s->mirror ? node_new_number(a, s->mirror) : node_new_null(a));
	put(a, stage, "mirrorMatch",
	    s->mirror_match ? node_copy(a, s->mirror_match, 0) : node_new_null(a));
	put(a, o, "stage", stage);
	for (size_t i = 0; i < ro->nstages; i++)
		node_seq_add(ids, node_new_str(a, ro->stages[i].id));
	put(a, o, "stages", ids);
	put(a, o, "next",
	    ro->active + 1 < ro->nstages ? node_new_str(a, ro->stages[ro->active + 1].id)
	                                 : node_new_null(a));
	if (tree != STATUS_UNKNOWN)
		put(a, o, "upToDate", node_new_bool(a, tree == STATUS_FRESH));
	return o;
}

/* The text or the JSON of every rollout, in the order run_load() found them. */
static void
status_print(struct run *r, const enum status_tree *trees, bool json)
{
	struct node *all = node_new_seq(&r->arena, r->n);
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < r->n; i++) {
		if (json)
			node_seq_add(all, status_object(&r->arena, r->rollouts[i], trees[i]));
		else
			status_line(&b, r->rollouts[i], trees[i]);
	}
	if (json) {
		json_node(&b, all, 0);
		buf_addc(&b, '\n');
	}
	run_print(r, b.data, b.len);
	buf_release(&b);
}

/* --ids: every stage id of each rollout, one a line, for the completion scripts. */
static void
status_ids(const struct run *r)
{
	for (size_t i = 0; i < r->n; i++)
		for (size_t j = 0; j < r->rollouts[i]->nstages; j++)
			puts(r->rollouts[i]->stages[j].id);
}

int
cmd_status(int argc, char **argv)
{
	struct status_opts o = {0};
	struct run r;
	int status = EXIT_OK, first = status_parse(argc, argv, &o, &status);

	if (first < 0)
		return status;
	run_init(&r);
	if (run_load(&r, argv + first, argc - first, o.templates, o.out ? RUN_TEMPLATES : 0) < 0)
		return run_finish(&r, EXIT_INVALID);
	if (o.ids) {
		status_ids(&r);
		return run_finish(&r, EXIT_OK);
	}
	enum status_tree *trees = arena_alloc(&r.arena, (r.n + 1) * sizeof(*trees));
	status = o.out ? status_trees(&r, o.out, trees) : EXIT_OK;
	if (status != EXIT_OK || r.diags.errors) /* nothing on stdout after an error */
		return run_finish(&r, status);
	diags_print(&r.diags, stderr); /* warnings, before the output */
	status_print(&r, trees, o.json);
	for (size_t i = 0; i < r.n; i++)
		if (trees[i] == STATUS_STALE)
			status = EXIT_INVALID;
	return run_finish(&r, status);
}
