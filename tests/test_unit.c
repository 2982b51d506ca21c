/* test_unit.c: the stages one at a time. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blocks.h"
#include "buf.h"
#include "emit.h"
#include "frozen.h"
#include "helpers.h"
#include "json.h"
#include "krm.h"
#include "load.h"
#include "model.h"
#include "parse.h"
#include "paths.h"
#include "render.h"
#include "schema.h"
#include "source.h"
#include "template.h"
#include "validate.h"
#include "write.h"

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

TestSuite(unit, .init = setup, .fini = teardown);

/* Parses text as a rollout-file document; NULL on error. */
static struct node *
parse(const char *text)
{
	struct source *src = arena_alloc(&arena, sizeof(*src));
	struct node *root;

	if (source_from_bytes(src, "t.yaml", text, strlen(text), &arena, &diags) < 0)
		return NULL;
	return parse_document(src, 0, &arena, &diags, &root) == 0 ? root : NULL;
}

static const char *
first_error(void)
{
	return diags.n ? diags.v[0].msg : "";
}

Test(unit, source_rejects_nul_and_bad_utf8_where_they_are)
{
	static const struct {
		const char *bytes;
		size_t len;
		int line, col;
	} cases[] = {
	    {"a: 1\nb: \0\n", 10, 2, 4},
	    {"a: \xC0\x80\n", 6, 1, 4},              /* overlong */
	    {"x\r\ny: \xED\xA0\x80\n", 9, 2, 4},     /* surrogate, after CRLF */
	    {"\xC3\xA9: \xF4\x90\x80\x80", 8, 1, 4}, /* past U+10FFFF, after a 2-byte char */
	    {"a: \xF0\x8F\xBF\xBF", 7, 1, 4},        /* overlong 4-byte (U+FFFF) */
	    {"a: \xF0\x80\x80\x80", 7, 1, 4},        /* overlong 4-byte (U+0000) */
	    {"a: \xE2\x80\xA8\xFF", 7, 2, 1},        /* LS is a line break to libyaml */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct source src;
		setup();
		cr_expect_eq(
		    source_from_bytes(&src, "t", cases[i].bytes, cases[i].len, &arena, &diags), -1);
		cr_assert_eq(diags.n, 1);
		cr_expect_eq(diags.v[0].line, cases[i].line, "case %zu line", i);
		cr_expect_eq(diags.v[0].col, cases[i].col, "case %zu col", i);
		teardown();
	}
	setup();
}

Test(unit, source_caps_size_at_one_mebibyte)
{
	struct source src;
	char *big = malloc(SOURCE_MAX_BYTES + 1);

	memset(big, '#', SOURCE_MAX_BYTES + 1);
	cr_expect_eq(source_from_bytes(&src, "t", big, SOURCE_MAX_BYTES, &arena, &diags), 0);
	cr_expect_eq(source_from_bytes(&src, "t", big, SOURCE_MAX_BYTES + 1, &arena, &diags), -1);
	cr_expect(strstr(first_error(), "larger than the limit") != NULL);
	free(big);
}

Test(unit, plain_scalars_resolve_as_yaml_1_1)
{
	static const struct {
		const char *text;
		enum scalar_type type;
		bool nondecimal;
	} cases[] = {
	    {"on", SCALAR_BOOL, 0},    {"No", SCALAR_BOOL, 0},
	    {"y", SCALAR_BOOL, 0},     {"~", SCALAR_NULL, 0},
	    {"", SCALAR_NULL, 0},      {"10", SCALAR_INT, 0},
	    {"-7", SCALAR_INT, 0},     {"0755", SCALAR_INT, 1},
	    {"0x1F", SCALAR_INT, 1},   {"1_000", SCALAR_INT, 1},
	    {"1.0", SCALAR_FLOAT, 0},  {"1e3", SCALAR_FLOAT, 0},
	    {".inf", SCALAR_FLOAT, 0}, {"10s", SCALAR_STR, 0},
	    {"v1", SCALAR_STR, 0},     {"0x", SCALAR_STR, 0},
	    {"08", SCALAR_FLOAT, 0},   /* as go-yaml v2 reads it */ {"1.2.3", SCALAR_STR, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct node n = {.kind = NODE_SCALAR,
		                 .plain = true,
		                 .str = cases[i].text,
		                 .len = strlen(cases[i].text)};
		node_resolve(&n);
		cr_expect_eq(n.type, cases[i].type, "'%s' resolved to %d", cases[i].text, n.type);
		if (n.type == SCALAR_INT)
			cr_expect_eq(n.nondecimal, cases[i].nondecimal, "'%s'", cases[i].text);
	}
}

Test(unit, integers_past_64_bits_are_flagged)
{
	struct node *root =
	    parse("a: 9223372036854775807\nb: 9223372036854775808\nc: -9223372036854775808\n");

	cr_assert(root);
	cr_expect(!node_get(root, "a")->overflow);
	cr_expect(node_get(root, "b")->overflow);
	cr_expect(!node_get(root, "c")->overflow);
}

static char *
nested(int depth)
{
	char *s = malloc((size_t)depth * 2 + 8);
	char *p = s;

	p += sprintf(p, "a: ");
	for (int i = 0; i < depth - 1; i++)
		*p++ = '[';
	for (int i = 0; i < depth - 1; i++)
		*p++ = ']';
	strcpy(p, "\n");
	return s;
}

Test(unit, nesting_stops_past_64_levels)
{
	char *ok = nested(PARSE_MAX_DEPTH), *deep = nested(PARSE_MAX_DEPTH + 1);

	cr_expect(parse(ok) != NULL, "%s", first_error());
	cr_expect(parse(deep) == NULL);
	cr_expect(strstr(first_error(), "nesting deeper than 64") != NULL, "%s", first_error());
	free(ok);
	free(deep);
}

Test(unit, aliases_are_shared_within_budget_and_refused_past_it)
{
	struct node *root = parse("a: &a {x: 1}\nb: *a\n");

	cr_assert(root);
	cr_expect_eq(node_get(root, "a"), node_get(root, "b"));
	/* 10 x 10 x 10 x 10 = 10000 nodes repeated, plus the rest: over the budget */
	cr_expect(
	    parse("a: &a [1,2,3,4,5,6,7,8,9,0]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	          "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n") ==
	    NULL);
	cr_expect(strstr(first_error(), "aliases expand") != NULL, "%s", first_error());
}

Test(unit, duplicate_keys_are_found_in_big_maps_too)
{
	char *text = malloc(20 * 3000 + 32);
	char *p = text;

	for (int i = 0; i < 3000; i++)
		p += sprintf(p, "key%d: %d\n", i, i);
	sprintf(p, "key17: again\n");
	cr_expect(parse(text) == NULL);
	cr_expect_str_eq(first_error(), "duplicate key 'key17' (first at line 18)");
	cr_expect_eq(diags.v[0].line, 3001);
	free(text);
}

/* The key that sorts first is compared too: "a" is at index 0 and 1 once sorted. */
Test(unit, duplicate_of_the_first_key_in_sort_order)
{
	cr_assert(parse("b: 1\na: 2\nc: 3\na: 4\n") == NULL);
	cr_expect_str_eq(first_error(), "duplicate key 'a' (first at line 2)");
	cr_expect_eq(diags.v[0].line, 4);
}

Test(unit, one_document_per_file)
{
	cr_expect(parse("a: 1\n---\nb: 2\n") == NULL);
	cr_expect(parse("--- \na: 1\n...\n") != NULL);
}

Test(unit, writer_quotes_exactly_what_could_be_misread)
{
	static const struct {
		const char *s;
		bool plain;
	} cases[] = {
	    {"reviews", 1},    {"app.kubernetes.io/name", 1},
	    {"v1", 1},         {"ISTIO_MUTUAL", 1},
	    {"on", 0},         {"Off", 0},
	    {"YES", 0},        {"null", 0},
	    {"N", 0},          {"1.0", 0},
	    {"0755", 0},       {"", 0},
	    {"10s", 0},        {"*.example.com", 0},
	    {"a b", 0},        {"a:b", 0},
	    {"../../base", 0}, {"-dash", 0},
	    {"Null2", 1},      {"true1", 1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(emit_plain_ok(cases[i].s, strlen(cases[i].s)), cases[i].plain, "'%s'",
		             cases[i].s);
}

/* Hard strings survive the writer and read back the same to both parsers. */
Test(unit, writer_round_trips_through_both_parsers)
{
	static const char *const strs[] = {
	    "on", "1.0", "", "a\"b\\c", "tab\there", "line\nbreak", "caf\xC3\xA9", "#hash",
	    "- dash", "key: value", "~", "\x01", "[x]", "y",
	    /* found by fuzz_emit: line breaks YAML would fold, BOM, C1 controls, DEL */
	    "a\xC2\x85"
	    "b",
	    "a\xE2\x80\xA8"
	    "b",
	    "a\xE2\x80\xA9"
	    "b",
	    "\xEF\xBB\xBF"
	    "bom",
	    "c1\xC2\x80", "del\x7F"};
	struct node *map = node_new_map(&arena, 32);
	struct node *seq = node_new_seq(&arena, 32);
	struct buf b;

	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		node_map_add(map, node_new_str(&arena, strs[i]), node_new_str(&arena, strs[i]));
		node_seq_add(seq, node_new_str(&arena, strs[i]));
	}
	node_map_add(map, node_new_str(&arena, "list"), seq);
	node_map_add(map, node_new_str(&arena, "int"), node_new_int(&arena, -42));
	node_map_add(map, node_new_str(&arena, "bool"), node_new_bool(&arena, true));
	node_map_add(map, node_new_str(&arena, "block"),
	             node_new_block(&arena, "- a: 1\n  b: 2\n", 14));
	node_map_add(map, node_new_str(&arena, "block-no-nl"), node_new_block(&arena, "x\ny", 3));
	node_map_add(map, node_new_str(&arena, "block-two-nl"), node_new_block(&arena, "x\n\n", 3));
	node_map_add(map, node_new_str(&arena, "empty"), node_new_map(&arena, 0));
	buf_init(&b);
	emit_document(&b, map);
	char *a = canon_libyaml(b.data, b.len), *f = canon_libfyaml(b.data, b.len);
	cr_assert(a && f, "does not parse:\n%s", b.data);
	cr_expect(strncmp(a, f, strlen(a)) == 0, "libyaml: %s\nlibfyaml: %s\n%s", a, f, b.data);
	cr_expect(strstr(a, "s\"block-two-nl\":s\"x\\n\\n\"") != NULL, "%s", a);
	cr_expect(strstr(a, "s\"int\":i-42") && strstr(a, "s\"bool\":b1"), "%s", a);
	buf_release(&b);
	free(a);
	free(f);
}

Test(unit, writer_layout)
{
	struct node *root = parse("a: {b: [1, {c: d, e: f}], g: []}\nh: x\n");
	struct buf b;

	cr_assert(root);
	buf_init(&b);
	emit_document(&b, root);
	cr_expect_str_eq(b.data, "a:\n  b:\n  - 1\n  - c: d\n    e: f\n  g: []\nh: x\n");
	buf_release(&b);
}

/* RFC 8259: what must be escaped is, UTF-8 passes as it is, a byte that is not UTF-8 becomes
 * U+FFFD; numbers keep their text only where JSON reads it as a number. */
Test(unit, json_strings_and_scalars)
{
	static const struct {
		const char *in, *out;
	} strs[] = {
	    {"reviews", "\"reviews\""},
	    {"a\"b\\c/d", "\"a\\\"b\\\\c/d\""},
	    {"\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\""},
	    {"\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\""},
	    {"caf\xC3\xA9 \xE2\x80\xA8 \xF0\x9F\x98\x80",
	     "\"caf\xC3\xA9 \xE2\x80\xA8 \xF0\x9F\x98\x80\""},
	    {"x\xFFy\xC3", "\"x\xEF\xBF\xBDy\xEF\xBF\xBD\""},
	    {"\xED\xA0\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""}, /* a surrogate */
	};
	static const struct {
		const char *s;
		bool ok;
	} nums[] = {
	    {"0", 1},  {"-1", 1}, {"12.5", 1},  {"1e+20", 1}, {"0.125", 1}, {"1E5", 1},
	    {"", 0},   {"01", 0}, {".5", 0},    {"5.", 0},    {"+1", 0},    {".inf", 0},
	    {"1e", 0}, {"-", 0},  {"1_000", 0}, {"0x10", 0},  {"NaN", 0},   {"1.5e-3", 1},
	};
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		b.len = 0;
		json_string(&b, strs[i].in, strlen(strs[i].in));
		buf_addc(&b, '\0');
		cr_expect_str_eq(b.data, strs[i].out);
	}
	b.len = 0;
	json_string(&b, "a\0b", 3);
	cr_expect(b.len == 10 && !memcmp(b.data, "\"a\\u0000b\"", 10));
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		cr_expect_eq(json_number_ok(nums[i].s, strlen(nums[i].s)), nums[i].ok, "'%s'",
		             nums[i].s);
	buf_release(&b);
}

Test(unit, json_layout)
{
	struct node *root = parse("a: {b: [1, {c: d, 'on': yes}], g: [], h: {}}\n"
	                          "i: ~\nj: 2.50\nk: .inf\nl: '7'\n");
	struct node *seq = node_new_seq(&arena, 2);
	struct buf b;

	cr_assert(root);
	buf_init(&b);
	json_node(&b, node_copy(&arena, root, 0), 0);
	buf_addc(&b, '\0');
	cr_expect_str_eq(b.data, "{\n  \"a\": {\n    \"b\": [\n      1,\n      {\n"
	                         "        \"c\": \"d\",\n        \"on\": true\n      }\n    ],\n"
	                         "    \"g\": [],\n    \"h\": {}\n  },\n  \"i\": null,\n"
	                         "  \"j\": 2.5,\n  \"k\": \".inf\",\n  \"l\": \"7\"\n}");
	node_seq_add(seq, node_new_null(&arena));
	node_seq_add(seq, node_new_number(&arena, "12.5"));
	b.len = 0;
	json_node(&b, seq, 1);
	json_node(&b, NULL, 0);
	buf_addc(&b, '\0');
	cr_expect_str_eq(b.data, "[\n    null,\n    12.5\n  ]null");
	buf_release(&b);
}

Test(unit, durations)
{
	static const struct {
		const char *s;
		int r;
		long long ns;
	} cases[] = {
	    {"1ms", 0, 1000000},
	    {"1.5s", 0, 1500000000},
	    {"1m30s", 0, 90000000000LL},
	    {"2h", 0, 7200000000000LL},
	    {"250us", 0, 250000},
	    {".5s", 0, 500000000},
	    {"0s", 0, 0},
	    {"10", DURATION_SYNTAX, 0},
	    {"s", DURATION_SYNTAX, 0},
	    {"1d", DURATION_SYNTAX, 0},
	    {"", DURATION_SYNTAX, 0},
	    {"3000000h", DURATION_OVERFLOW, 0},
	    {"99999999999999999999ns", DURATION_OVERFLOW, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long long ns = -1;
		int r = duration_parse(cases[i].s, &ns);
		cr_expect_eq(r, cases[i].r, "'%s' gave %d", cases[i].s, r);
		if (r == 0)
			cr_expect_eq(ns, cases[i].ns, "'%s' is %lld", cases[i].s, ns);
	}
}

Test(unit, suggestions)
{
	static const char *const names[] = {"stable", "canary", "stages", "activeStage"};

	cr_expect_str_eq(schema_suggest("stabel", names, 4), "stable");
	cr_expect_str_eq(schema_suggest("activestage", names, 4), "activeStage");
	cr_expect_null(schema_suggest("gateway", names, 4));
}

/* Every keyword of the embedded schema is one the interpreter implements. */
static void
schema_walk(const struct node *s, int *unknown)
{
	if (!s || s->kind != NODE_MAP)
		return;
	for (size_t i = 0; i < s->n; i++) {
		const char *key = s->kids[2 * i]->str;
		const struct node *v = s->kids[2 * i + 1];
		if (!schema_keyword_known(key)) {
			cr_log_error("unknown schema keyword '%s' at line %d", key,
			             s->kids[2 * i]->line);
			++*unknown;
		}
		if (!strcmp(key, "properties") || !strcmp(key, "$defs"))
			for (size_t j = 0; j < v->n; j++)
				schema_walk(v->kids[2 * j + 1], unknown);
		else if (!strcmp(key, "oneOf"))
			for (size_t j = 0; j < v->n; j++)
				schema_walk(v->kids[j], unknown);
		else if (!strcmp(key, "items") || !strcmp(key, "propertyNames") ||
		         !strcmp(key, "additionalProperties"))
			schema_walk(v, unknown);
	}
}

Test(unit, schema_uses_only_implemented_keywords)
{
	const struct node *root = frozen_load("schemas/rollout.schema.json", &arena);
	int unknown = 0;

	cr_assert(root, "the schema is frozen");
	schema_walk(root, &unknown);
	cr_expect_eq(unknown, 0);
}

static struct rollout *
model_of(const char *text)
{
	struct schema s;
	struct node *doc = parse(text);

	cr_assert(doc, "%s", first_error());
	cr_assert_eq(schema_load(&s, &diags), 0);
	cr_assert_eq(schema_validate(&s, doc, &diags), 0, "%s", first_error());
	cr_assert_eq(validate_rollout(doc, &diags), 0, "%s", first_error());
	return model_build(doc, "t.yaml", &arena);
}

/* The errors the checks (kind, schema, rules) find in a rollout whose spec ends with
 * spec_tail and whose metadata.labels are labels. */
static int
errors_in(const char *labels, const char *spec_tail)
{
	struct schema s;
	char *text = arena_printf(&arena,
	                          "apiVersion: meshroll.dev/v1alpha1\nkind: Rollout\n"
	                          "metadata: {name: web, labels: {%s}}\n"
	                          "spec: {stable: v1, canary: v2, %s}\n",
	                          labels, spec_tail);
	struct node *doc = parse(text);
	int errors = diags.errors;

	cr_assert(doc, "%s", first_error());
	cr_assert_eq(schema_load(&s, &diags), 0);
	load_check(doc, &s, &diags);
	return diags.errors - errors;
}

/* Each bound itself is allowed, one past it is not. */
Test(unit, schema_bounds_are_inclusive)
{
	static const struct {
		const char *spec;
		int errors;
	} cases[] = {
	    {"stages: [0, 100]", 0},
	    {"stages: [0, 101]", 1},
	    {"stages: [-1, 100]", 1},
	    {"stages: [0, 100], port: 1", 0},
	    {"stages: [0, 100], port: 0", 1},
	    {"stages: [0, 100], port: 65535", 0},
	    {"stages: [0, 100], port: 65536", 1},
	    {"stages: [0, 100], circuitBreaker: {maxEjectionPercent: 100}", 0},
	    {"stages: [0, 100], circuitBreaker: {maxEjectionPercent: 101}", 1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(errors_in("", cases[i].spec), cases[i].errors, "%s: %s", cases[i].spec,
		             first_error());
}

/* A label key's prefix is a DNS subdomain of at most 253 characters; its name at most 63. */
Test(unit, label_key_bounds_are_inclusive)
{
	char prefix[300] = "a", name[80];

	for (size_t i = 1; i < 253; i += 2)
		strcat(prefix, ".a");
	cr_assert_eq(strlen(prefix), 253);
	memset(name, 'k', 63);
	name[63] = '\0';
	const char *key253 = arena_printf(&arena, "%s/k: v", prefix);
	const char *key254 = arena_printf(&arena, "b%s/k: v", prefix);
	const char *name63 = arena_printf(&arena, "x/%s: v", name);
	const char *name64 = arena_printf(&arena, "x/%sk: v", name);
	cr_expect_eq(errors_in(key253, "stages: [0, 100]"), 0, "%s", first_error());
	cr_expect_eq(errors_in(key254, "stages: [0, 100]"), 1);
	cr_expect(strstr(first_error(), "prefix of label key") != NULL, "%s", first_error());
	diags_rewind(&diags, 0);
	cr_expect_eq(errors_in(name63, "stages: [0, 100]"), 0, "%s", first_error());
	cr_expect_eq(errors_in(name64, "stages: [0, 100]"), 1);
}

static const char example[] = "apiVersion: meshroll.dev/v1alpha1\nkind: Rollout\n"
                              "metadata: {name: web, namespace: shop}\n"
                              "spec: {stable: v1, canary: v2, stages: [0, {weight: 30, name: "
                              "thirty}, 100], activeStage: thirty}\n";

Test(unit, model_defaults_and_stage_ids)
{
	struct rollout *r = model_of(example);

	cr_expect_str_eq(r->host, "web");
	cr_expect_str_eq(r->version_label, "version");
	cr_expect_eq(r->workload_labels.n, 1);
	cr_expect_str_eq(r->workload_labels.v[0].value, "web");
	cr_expect_eq(r->nstages, 3);
	cr_expect_str_eq(r->stages[0].id, "000");
	cr_expect_str_eq(r->stages[1].id, "thirty");
	cr_expect_str_eq(r->stages[2].id, "100");
	cr_expect_eq(r->active, 1);
	cr_expect_eq(r->mtls, MTLS_STRICT);
	cr_expect_eq(r->port, 0);
}

/* render is pure: the same model gives the same bytes, whatever arena it runs in. */
Test(unit, render_is_pure)
{
	struct rollout *r = model_of(example);
	struct templates t;
	struct arena a2;
	struct render_set s1 = {0}, s2 = {0};

	cr_assert_eq(templates_load(&t, NULL, &arena, &diags), 0);
	arena_init(&a2);
	render_tree(r, &t, &arena, &s1);
	render_tree(r, &t, &a2, &s2);
	cr_assert_eq(s1.n, 2 + 3 + 3);
	cr_assert_eq(s1.n, s2.n);
	for (size_t i = 0; i < s1.n; i++) {
		cr_expect_str_eq(s1.v[i].path, s2.v[i].path);
		cr_expect(s1.v[i].len == s2.v[i].len &&
		          !memcmp(s1.v[i].data, s2.v[i].data, s1.v[i].len));
		if (i)
			cr_expect_lt(strcmp(s1.v[i - 1].path, s1.v[i].path), 0, "paths sorted");
	}
	cr_expect_str_eq(s1.v[0].path, "shop/web/base/destinationrule.yaml");
	arena_release(&a2);
}

/* A placeholder with no value drops its key; a map emptied that way drops too. */
Test(unit, template_drops_what_has_no_value)
{
	struct rollout *r = model_of(example);
	struct templates t;
	struct buf b;
	int first = 1;

	cr_assert_eq(templates_load(&t, NULL, &arena, &diags), 0);
	buf_init(&b);
	render_stage_objects(r, 2, &t, &arena, &b, &first);
	cr_expect(strstr(b.data, "trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUAL\n  subsets:"),
	          "%s", b.data);
	cr_expect_null(strstr(b.data, "port:"));
	cr_expect(strstr(b.data, "metadata:\n  name: web\n  namespace: shop\nspec:"),
	          "no labels: %s", b.data);
	cr_expect(strstr(b.data, "      weight: 0\n") && strstr(b.data, "      weight: 100\n"));
	cr_expect(strstr(b.data, "\n---\n"));
	buf_release(&b);
}

/* The ResourceList reader and writer on their own: an item is written back as its bytes,
 * moved to column 0, and an item with the identity of a generated one is left out. */
Test(unit, resource_list_read_and_write)
{
	static const char in[] = "apiVersion: config.kubernetes.io/v1\n"
	                         "kind: ResourceList\n"
	                         "items:\n"
	                         "  - # kept, comment and all\n"
	                         "    apiVersion: v1\n"
	                         "    kind: ConfigMap   # odd spacing kept\n"
	                         "    metadata: {name: a, namespace: n}\n"
	                         "    data:\n"
	                         "      x: |\n"
	                         "        literal  \n" /* trailing spaces are content */
	                         "  - apiVersion: v1\n"
	                         "    kind: Service\n"
	                         "    metadata: {name: old, namespace: n}\n";
	struct source *src = arena_alloc(&arena, sizeof(*src));
	struct node *root, *gen = node_new_seq(&arena, 1), *obj = node_new_map(&arena, 3);
	struct node *meta = node_new_map(&arena, 2);
	struct krm_list l;
	struct buf out;

	cr_assert_eq(source_from_bytes(src, "in", in, strlen(in), &arena, &diags), 0);
	cr_assert_eq(parse_document(src, 0, &arena, &diags, &root), 0);
	cr_assert_eq(krm_read(&l, src, root, &diags), 0);
	cr_expect_eq(l.items->n, 2);
	cr_expect_null(l.config);
	node_map_add(meta, node_new_str(&arena, "name"), node_new_str(&arena, "old"));
	node_map_add(meta, node_new_str(&arena, "namespace"), node_new_str(&arena, "n"));
	node_map_add(obj, node_new_str(&arena, "apiVersion"), node_new_str(&arena, "v1"));
	node_map_add(obj, node_new_str(&arena, "kind"), node_new_str(&arena, "Service"));
	node_map_add(obj, node_new_str(&arena, "metadata"), meta);
	node_seq_add(gen, obj);
	buf_init(&out);
	krm_write(&out, &l, gen, NULL, 0, &arena);
	cr_expect_str_eq(out.data, "apiVersion: config.kubernetes.io/v1\n"
	                           "kind: ResourceList\n"
	                           "items:\n"
	                           "- # kept, comment and all\n"
	                           "  apiVersion: v1\n"
	                           "  kind: ConfigMap   # odd spacing kept\n"
	                           "  metadata: {name: a, namespace: n}\n"
	                           "  data:\n"
	                           "    x: |\n"
	                           "      literal  \n"
	                           "- apiVersion: v1\n"
	                           "  kind: Service\n"
	                           "  metadata:\n"
	                           "    name: old\n"
	                           "    namespace: \"n\"\n");
	buf_release(&out);
	/* not a ResourceList */
	struct source *bad = arena_alloc(&arena, sizeof(*bad));
	cr_assert_eq(source_from_bytes(bad, "bad", "kind: List\n", 11, &arena, &diags), 0);
	cr_assert_eq(parse_document(bad, 0, &arena, &diags, &root), 0);
	cr_expect_eq(krm_read(&l, bad, root, &diags), -1);
}

/* The writer's own guard, behind the schema's DNS-1123 names: no path can leave the output
 * directory, whatever render hands it. */
Test(unit, writer_refuses_paths_that_leave_the_tree)
{
	static const char *const bad[] = {
	    "../x.yaml", "/etc/x.yaml", "a/../../x.yaml", "a//b.yaml", "./a.yaml", "a/..", ""};
	char dir[64];

	cr_assert_eq(tmp_dir_new(dir, "guard"), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rendered f = {bad[i], "x\n", 2};
		struct render_set set = {&f, 1, 1};
		struct write_txn w;
		write_txn_init(&w, dir);
		cr_expect_eq(write_txn_add(&w, &set, &diags), -1, "'%s' was accepted", bad[i]);
		write_txn_release(&w);
	}
	cr_expect_eq(run_cmd(NULL, "rmdir %s", dir), 0, "something was written");
}

/* arena_printf, buf_addf and fmt_str format the simple conversions themselves: they must
 * write what vsnprintf writes, and fall back to it for the rest; fmt_str cuts as snprintf
 * does, and returns the same length. */
Test(unit, simple_formats_match_snprintf)
{
	char want[128], got[128], cut[8], cut_want[8];
	volatile size_t cut_size = sizeof(cut); /* the cut is the point: no warning about it */
	struct buf b;
	const char *s = "svc", *p;

#define SAME(...)                                                                                  \
	do {                                                                                       \
		int n = snprintf(want, sizeof(want), __VA_ARGS__);                                 \
		cr_expect_str_eq(p = arena_printf(&arena, __VA_ARGS__), want);                     \
		buf_init(&b);                                                                      \
		buf_addf(&b, __VA_ARGS__);                                                         \
		cr_expect_str_eq(b.len ? b.data : "", want, "buf_addf");                           \
		buf_release(&b);                                                                   \
		cr_expect_eq(fmt_str(got, sizeof(got), __VA_ARGS__), n, "fmt_str's length");       \
		cr_expect_str_eq(got, want, "fmt_str");                                            \
		snprintf(cut_want, cut_size, __VA_ARGS__);                                         \
		cr_expect_eq(fmt_str(cut, cut_size, __VA_ARGS__), n, "cut fmt_str's length");      \
		cr_expect_str_eq(cut, cut_want, "fmt_str into too small a buffer");                \
	} while (0)
	SAME("%s.%s.svc.cluster.local", s, "team-1");
	SAME("%.*s/%.*s", 2, "abcdef", 9, "xyz");
	SAME("%d|%u|%ld|%lld|%zu|%%", -7, 4000000000u, -1L, (long long)-9223372036854775807 - 1,
	     (size_t)42);
	SAME("%zu", (size_t)-1); /* past LLONG_MAX: vsnprintf's */
	SAME("%d %lld", 0, 9223372036854775807LL);
	SAME("%%%02X x%5s|%-3d|%.2f", 7, s, 4, 0.125); /* vsnprintf's */
	SAME("%s", "");
	SAME("plain");
	SAME("%c %s\n%s|%c", 's', "team-1", "svc", 'x');
	SAME(".%s.%s-%zu.tmp", "virtualservice.yaml", "render-0123456789abcdef", (size_t)17);
#undef SAME
	(void)p;
	cr_expect_str_eq(arena_concat(&arena, "a", "", "bc", "/d"), "abc/d");
	cr_expect_str_eq(arena_int(&arena, -120), "-120");
}

/* The ids of stages without a name, written without snprintf: what "%03lld" writes, cut to
 * 15 characters as snprintf into 16 bytes cuts it. */
Test(unit, weight_ids_are_what_snprintf_writes)
{
	static const long long edge[] = {
	    LLONG_MIN, LLONG_MIN + 1,    -1000000000000000LL, -100,
	    -10,       99999999999999LL, 999999999999999LL,   LLONG_MAX};
	char want[16], got[16], num[20];
	volatile size_t want_size = sizeof(want); /* the cut is the point: no warning about it */

	for (long long w = -1200; w <= 1200; w++) {
		snprintf(want, want_size, "%03lld", w);
		cr_expect_str_eq(model_weight_id(w, got), want, "%lld", w);
	}
	for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		snprintf(want, want_size, "%03lld", edge[i]);
		cr_expect_str_eq(model_weight_id(edge[i], got), want, "%lld", edge[i]);
	}
	for (int width = 0; width <= 22; width++) {
		char wide[32];
		snprintf(wide, sizeof(wide), "%0*lld", width < 20 ? width : 20, -42LL);
		size_t n = fmt_int_zeros(num, -42, width);
		cr_expect(n == strlen(wide) && !memcmp(num, wide, n), "width %d: %.*s", width,
		          (int)n, num);
	}
}

/* Items stay where they were put while the array grows (the first block grows, then whole
 * blocks are added, past the room for eight of them), and an emptied array reuses its blocks. */
Test(unit, blocks_keep_their_items_in_place)
{
	struct blocks b = {0};
	long *first = NULL, *kept[300];

	for (int round = 0; round < 2; round++) {
		for (long i = 0; i < 300; i++) {
			long *p = blocks_push(&b, sizeof(long), 16, 2);
			*p = 1000 * round + i;
			kept[i] = p;
			if (i == 0)
				first = p;
		}
		cr_expect_eq(b.n, 300);
		for (long i = 0; i < 300; i++) {
			cr_expect_eq(*(long *)blocks_at(&b, (size_t)i, sizeof(long), 16),
			             1000 * round + i);
			if (i >= 16) /* past the first block: never moved */
				cr_expect_eq(kept[i], blocks_at(&b, (size_t)i, sizeof(long), 16));
		}
		cr_expect_eq(b.nblocks, 19, "300 items in blocks of 16");
		cr_expect_eq(b.first, 16, "the first block grew to a whole one");
		size_t nblocks = b.nblocks;
		blocks_clear(&b);
		cr_expect_eq(b.n, 0);
		cr_expect_eq(b.nblocks, nblocks, "an emptied array keeps its blocks");
	}
	cr_expect_eq(first, blocks_at(&b, 0, sizeof(long), 16), "the same first block again");
	blocks_release(&b);
	cr_expect(b.n == 0 && b.v == NULL && b.nblocks == 0);
}

Test(unit, paths_give_back_what_was_added_and_can_be_emptied)
{
	static const char *const in[] = {"a/b/c.yaml", "a/b", "a//x",      "/top",
	                                 "a/b/d.yaml", "",    "a/b/c.yaml"};
	struct paths p;
	uint32_t id[7];
	char buf[64];

	paths_init(&p);
	for (size_t i = 0; i < 7; i++)
		id[i] = paths_add(&p, in[i]);
	for (size_t i = 0; i < 7; i++) {
		cr_expect_str_eq(paths_at(&p, id[i], buf, sizeof(buf)), in[i]);
		cr_expect(paths_has(&p, in[i]), "%s", in[i]);
		cr_expect_eq(paths_find(&p, in[i]), id[i]);
	}
	cr_expect_eq(id[0], id[6], "one node for each path");
	cr_expect(!paths_has(&p, "a"), "a directory above a path is not listed");
	cr_expect(!paths_has(&p, "a/b/c"));
	cr_expect_null(paths_at(&p, id[0], buf, strlen(in[0])), "too small a buffer");
	paths_mark(&p, paths_find(&p, "a"));
	cr_expect(paths_marked(&p, paths_find(&p, "a")) && !paths_marked(&p, id[1]));
	cr_expect_lt(paths_find(&p, "a"), id[1], "a directory before those below it");
	for (int i = 0; i < 20000; i++) { /* past a block and a few rehashes */
		snprintf(buf, sizeof(buf), "ns-%d/svc/%d.yaml", i % 7, i);
		paths_add(&p, buf);
	}
	cr_expect(paths_has(&p, "ns-4/svc/19996.yaml") && paths_has(&p, "a/b/d.yaml"));
	paths_clear(&p); /* as compare_reset() empties it */
	cr_expect(!paths_has(&p, "a/b/c.yaml"));
	id[0] = paths_add(&p, "q/r.yaml");
	cr_expect(paths_has(&p, "q/r.yaml") && !paths_has(&p, "a/b/c.yaml"));
	cr_expect(!paths_has(&p, "ns-4/svc/19996.yaml"));
	cr_expect_str_eq(paths_at(&p, id[0], buf, sizeof(buf)), "q/r.yaml");
	paths_release(&p);
}
