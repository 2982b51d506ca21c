/* cmd_fn.c: meshroll as a KRM function. The function config is a Rollout; the output is the
 * input's items, then the objects of the rollout's active stage, replacing earlier copies of
 * themselves, with path annotations so kpt writes each to a file of its own. Errors and
 * warnings go into results; an error exits non-zero, which is what makes kpt and kustomize
 * stop. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "krm.h"
#include "load.h"
#include "parse.h"
#include "render.h"
#include "run.h"

static const char fn_usage[] =
    "usage: meshroll fn < RESOURCELIST\n"
    "  a KRM function: reads a ResourceList whose functionConfig is a Rollout on standard\n"
    "  input, and writes it with the objects of the rollout's active stage added\n";

/* A copy of obj whose metadata carries the annotations that tell kpt where it goes. */
static struct node *
annotate(struct node *obj, const char *path, struct arena *a)
{
	static const char *const keys[] = {
	    "config.kubernetes.io/index", "config.kubernetes.io/path",
	    "internal.config.kubernetes.io/index", "internal.config.kubernetes.io/path"};
	struct node *ann = node_new_map(a, 4), *meta = node_get(obj, "metadata");
	struct node *out = node_new_map(a, obj->n), *newmeta = node_new_map(a, meta->n + 1);

	for (size_t i = 0; i < 4; i++)
		node_map_add(ann, node_new_str(a, keys[i]), node_new_str(a, i % 2 ? path : "0"));
	for (size_t i = 0; i < meta->n; i++)
		node_map_add(newmeta, meta->kids[2 * i], meta->kids[2 * i + 1]);
	node_map_add(newmeta, node_new_str(a, "annotations"), ann);
	for (size_t i = 0; i < obj->n; i++)
		node_map_add(out, obj->kids[2 * i],
		             obj->kids[2 * i + 1] == meta ? newmeta : obj->kids[2 * i + 1]);
	return out;
}

static struct node *
generate(struct run *r, const struct node *config, const struct source *src)
{
	if (load_check(config, &r->schema, &r->diags) < 0)
		return NULL;
	const struct rollout *ro = model_build(config, src->path, &r->arena);
	struct node *objs = render_stage_nodes(ro, ro->active, &r->templates, &r->arena);
	for (size_t i = 0; i < objs->n; i++)
		objs->kids[i] =
		    annotate(objs->kids[i],
		             arena_printf(&r->arena, "meshroll/%s/%s/%s", ro->ns, ro->name,
		                          render_object_file(ro, i, &r->arena)),
		             &r->arena);
	return objs;
}

/* A diagnostic as a result: "spec.stages[2]: 250 is ..." gives field spec.stages[2]. */
static struct krm_result
to_result(const struct diag *g, const char *file, struct arena *a)
{
	struct krm_result res = {g->level == DIAG_ERROR ? "error" : "warning", g->msg, NULL, file};
	const char *colon = strstr(g->msg, ": ");
	size_t len = colon ? (size_t)(colon - g->msg) : 0;

	if (len && strcspn(g->msg, " '") >= len &&
	    (!strncmp(g->msg, "spec", 4) || !strncmp(g->msg, "metadata", 8) ||
	     !strncmp(g->msg, "apiVersion", 10) || !strncmp(g->msg, "kind", 4))) {
		res.field = arena_strndup(a, g->msg, len);
		res.message = colon + 2;
	}
	return res;
}

int
cmd_fn(int argc, char **argv)
{
	struct run r;
	struct source src;
	struct node *root = NULL, *generated = NULL;
	struct krm_list list = {0};
	struct buf out;

	if (argc == 2 && !strcmp(argv[1], "--help"))
		return print_help(fn_usage);
	if (argc != 1)
		return usage_error(fn_usage, "fn: takes no arguments; the input is standard input");
	run_init(&r);
	buf_init(&out);
	if (schema_load(&r.schema, &r.diags) == 0 &&
	    templates_load(&r.templates, NULL, &r.arena, &r.diags) == 0 &&
	    source_read_max(&src, "-", KRM_MAX_BYTES, &r.arena, &r.diags) == 0 &&
	    parse_document(&src, PARSE_KEEP_TAGS, &r.arena, &r.diags, &root) == 0 &&
	    krm_read(&list, &src, root, &r.diags) == 0) {
		if (!list.config)
			diag_at(
			    &r.diags, DIAG_ERROR, &src, root->line, root->col, 1,
			    "the ResourceList has no functionConfig; meshroll fn takes a Rollout");
		else
			generated = generate(&r, list.config, &src);
		if (r.diags.errors)
			generated = NULL;
		if (krm_check(&list, generated, &r.diags, &r.arena) < 0)
			generated = NULL;
		struct krm_result *res = arena_alloc(&r.arena, (r.diags.n + 1) * sizeof(*res));
		for (size_t i = 0; i < r.diags.n; i++)
			res[i] = to_result(&r.diags.v[i], list.config_path, &r.arena);
		krm_write(&out, &list, generated, res, r.diags.n, &r.arena);
		run_print(&r, out.data, out.len);
	}
	buf_release(&out);
	return run_finish(&r, EXIT_OK);
}
