/* test_frozen.c: the trees frozen at build time (tools/freeze.c) are the trees the run-time
 * parser makes from the same embedded files, field by field. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "embed.h"
#include "frozen.h"
#include "parse.h"
#include "schema.h"
#include "source.h"
#include "template.h"

static struct arena arena;
static struct diags diags;

static void
setup(void)
{
	arena_init(&arena);
	diags_init(&diags, &arena);
}

static void
teardown(void)
{
	arena_release(&arena);
}

TestSuite(frozen, .init = setup, .fini = teardown);

static bool
same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Whether the frozen node f is the parsed node p in every field, and their kids too; the
 * first difference is reported with its path (for "kids[3].kids[1]: line 7, not 8"). */
static bool
same_node(const struct node *f, const struct node *p, const char *path)
{
	const char *diff = NULL;

	if (f->kind != p->kind)
		diff = "kind";
	else if (f->type != p->type)
		diff = "type";
	else if (!same_str(f->src->path, p->src->path) || f->src->data != p->src->data ||
	         f->src->len != p->src->len)
		diff = "src";
	else if (f->line != p->line || f->col != p->col || f->span != p->span)
		diff = "line, col or span";
	else if (f->start != p->start || f->end != p->end)
		diff = "start or end";
	else if (!same_str(f->tag, p->tag))
		diff = "tag";
	else if (f->len != p->len || memcmp(f->str, p->str, p->len + 1) != 0)
		diff = "str or len";
	else if (f->ival != p->ival)
		diff = "ival";
	else if (f->plain != p->plain || f->nondecimal != p->nondecimal ||
	         f->overflow != p->overflow)
		diff = "plain, nondecimal or overflow";
	else if (f->n != p->n || f->cap != p->cap || (f->kids == NULL) != (p->kids == NULL))
		diff = "n, cap or kids";
	else if (f->weight != p->weight)
		diff = "weight";
	if (diff) {
		cr_expect_fail("%s: %s differs (frozen '%s' at %d:%d, parsed '%s' at %d:%d)", path,
		               diff, f->str, f->line, f->col, p->str, p->line, p->col);
		return false;
	}
	size_t nk = p->kind == NODE_MAP ? 2 * p->n : p->kind == NODE_SEQ ? p->n : 0;
	for (size_t i = 0; i < nk; i++) {
		char kid[512];
		snprintf(kid, sizeof(kid), "%s.kids[%zu]", path, i);
		if (!same_node(f->kids[i], p->kids[i], kid))
			return false;
	}
	return true;
}

/* The embedded file name parsed now, as schema_load() and templates_load() did before the
 * trees were frozen. */
static struct node *
parse_embedded(const char *name)
{
	const struct embedded *e = embedded_find(name);
	struct source *src = arena_alloc(&arena, sizeof(*src));
	struct node *root = NULL;

	cr_assert(e, "%s is embedded", name);
	*src = (struct source){
	    .path = arena_printf(&arena, "<embedded>/%s", name), .data = e->data, .len = e->len};
	if (!strncmp(name, "templates/", 10))
		cr_assert_eq(template_parse(src, &arena, &diags, &root), 0, "%s", name);
	else
		cr_assert_eq(parse_document(src, 0, &arena, &diags, &root), 0, "%s", name);
	return root;
}

/* Every embedded YAML or JSON file is frozen, and frozen as the parser reads it. */
Test(frozen, every_embedded_file_is_the_parsed_tree)
{
	size_t n = 0;

	for (const struct embedded *e = embedded_files; e->name; e++, n++) {
		struct node *f = frozen_load(e->name, &arena);
		cr_assert(f, "%s is frozen", e->name);
		cr_expect(same_node(f, parse_embedded(e->name), "root"), "%s", e->name);
	}
	cr_expect_eq(n, frozen_nfiles);
	cr_expect_eq(n, TMPL_COUNT + 1, "the templates and the schema");
	cr_expect_null(frozen_load("templates/nonesuch.yaml", &arena));
}

/* Whether the frozen node f, read in place (frozen_kid(), frozen_str(), frozen_get()), is the
 * parsed node p in what a reader in place looks at, and its kids too. */
static bool
same_in_place(const struct frozen_node *f, const struct node *p, const char *path)
{
	const char *diff = NULL;

	if (f->kind != p->kind || f->type != p->type)
		diff = "kind or type";
	else if (f->len != p->len || memcmp(frozen_str(f), p->str, p->len + 1) != 0)
		diff = "str or len";
	else if (frozen_ival(f) != p->ival || frozen_mark(f)->line != p->line ||
	         frozen_mark(f)->col != p->col)
		diff = "ival, line or col";
	else if (f->n != p->n)
		diff = "n";
	else if (frozen_is_str(f) != node_is_str(p))
		diff = "frozen_is_str()";
	for (size_t i = 0; !diff && p->kind == NODE_MAP && i < p->n; i++) {
		const char *key = p->kids[2 * i]->str;
		const struct node *want = node_get(p, key);
		const struct frozen_node *got = frozen_get(f, key);
		if (!got || frozen_mark(got)->line != want->line ||
		    frozen_mark(got)->col != want->col)
			diff = "frozen_get()";
	}
	if (!diff && frozen_get(f, "no such key"))
		diff = "frozen_get() of an absent key";
	if (diff) {
		cr_expect_fail("%s: %s differs (frozen '%s' at %d:%d, parsed '%s' at %d:%d)", path,
		               diff, frozen_str(f), frozen_mark(f)->line, frozen_mark(f)->col,
		               p->str, p->line, p->col);
		return false;
	}
	size_t nk = p->kind == NODE_MAP ? 2 * p->n : p->kind == NODE_SEQ ? p->n : 0;
	for (size_t i = 0; i < nk; i++) {
		char kid[512];
		snprintf(kid, sizeof(kid), "%s.kids[%zu]", path, i);
		if (!same_in_place(frozen_kid(f, i), p->kids[i], kid))
			return false;
	}
	return true;
}

/* Every frozen file read in place is the parsed tree too. */
Test(frozen, every_embedded_file_read_in_place_is_the_parsed_tree)
{
	const char *path;

	for (const struct embedded *e = embedded_files; e->name; e++) {
		const struct frozen_node *f = frozen_root(e->name, &path);
		cr_assert(f, "%s is frozen", e->name);
		cr_expect_str_eq(path, arena_printf(&arena, "<embedded>/%s", e->name));
		cr_expect(same_in_place(f, parse_embedded(e->name), "root"), "%s", e->name);
	}
	cr_expect_null(frozen_root("templates/nonesuch.yaml", &path));
}

/* schema_load() reads the frozen schema in place; templates_load() takes the frozen trees,
 * each made into nodes when first used. */
Test(frozen, loaders_take_the_frozen_trees)
{
	struct schema s;
	struct templates t;
	const struct node *schema = parse_embedded("schemas/rollout.schema.json");

	cr_assert_eq(schema_load(&s, &diags), 0);
	cr_expect_str_eq(s.path, "<embedded>/schemas/rollout.schema.json");
	cr_expect(same_in_place(s.root, schema, "root"));
	cr_expect(same_in_place(s.defs, node_get(schema, "$defs"), "$defs"));
	cr_expect(same_in_place(s.duration, node_get(node_get(schema, "$defs"), "duration"),
	                        "$defs.duration"));
	cr_assert_eq(templates_load(&t, NULL, &arena, &diags), 0);
	for (int id = 0; id < TMPL_COUNT; id++)
		cr_expect_null(t.root[id], "template %d made into nodes before it was used", id);
	const struct node *vs = template_root(&t, TMPL_VIRTUALSERVICE);
	cr_expect_eq(vs, t.root[TMPL_VIRTUALSERVICE]);
	cr_expect_eq(template_root(&t, TMPL_VIRTUALSERVICE), vs, "made into nodes once");
	cr_expect_null(t.root[TMPL_SERVICE]);
	cr_expect_str_eq(vs->src->path, "<embedded>/templates/virtualservice.yaml");
	cr_expect(same_node(vs, parse_embedded("templates/virtualservice.yaml"), "root"));
}
