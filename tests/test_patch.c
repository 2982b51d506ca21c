/* test_patch.c: the overlays' JSON 6902 differences, applied by an independent implementation
 * (python's jsonpatch) to random trees. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "helpers.h"
#include "patch.h"

static unsigned long long seed = 0x6d657368726f6c6cULL;

static unsigned
rnd(unsigned n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(seed >> 33) % n;
}

/* Keys that need escaping in a JSON pointer ('/', '~') among plain ones. */
static const char *const keys[] = {"a", "b", "c", "x/y", "t~0", "weight"};
enum { NKEYS = sizeof(keys) / sizeof(keys[0]) };

static struct node *
scalar(struct arena *a)
{
	static const char *const strs[] = {"v1", "v2", "on", "10", ""};

	return rnd(2) ? node_new_int(a, rnd(4)) : node_new_str(a, strs[rnd(5)]);
}

static struct node *tree(struct arena *a, int depth);

/* A map with a name, most often one of its own among a list's: "r<n>". */
static struct node *
named_item(struct arena *a, int depth)
{
	struct node *n = node_new_map(a, 2);

	node_map_add(n, node_new_str(a, "name"), node_new_str(a, arena_printf(a, "r%u", rnd(40))));
	node_map_add(n, node_new_str(a, "a"), depth > 2 ? scalar(a) : tree(a, depth + 1));
	return n;
}

static struct node *
tree(struct arena *a, int depth)
{
	unsigned kind = depth == 0 ? 2 : depth > 2 ? 0 : rnd(3); /* an object is a map */

	if (kind == 0)
		return scalar(a);
	struct node *n = kind == 1 ? node_new_seq(a, 4) : node_new_map(a, NKEYS);
	bool named = kind == 1 && rnd(2); /* a list of named maps: routes */
	for (unsigned i = 0, len = rnd(4); i < len; i++) {
		const char *k = keys[i + rnd(2)];
		if (named)
			node_seq_add(n, named_item(a, depth + 1));
		else if (kind == 1)
			node_seq_add(n, tree(a, depth + 1));
		else if (!node_get(n, k))
			node_map_add(n, node_new_str(a, k), tree(a, depth + 1));
	}
	return n;
}

/* A changed copy of t: scalars replaced, keys dropped and added, items put in and dropped,
 * a kind changed now and then. */
static struct node *
mutate(struct arena *a, const struct node *t, int depth)
{
	if (depth > 0 && rnd(8) == 0)
		return tree(a, depth);
	if (t->kind == NODE_SCALAR)
		return rnd(3) ? (struct node *)t : scalar(a);
	struct node *n = t->kind == NODE_SEQ ? node_new_seq(a, t->n + 2) : node_new_map(a, NKEYS);
	for (size_t i = 0; i < t->n; i++) {
		if (rnd(5) == 0)
			continue; /* dropped */
		if (t->kind == NODE_SEQ)
			node_seq_add(n, mutate(a, t->kids[i], depth + 1));
		else
			node_map_add(n, t->kids[2 * i], mutate(a, t->kids[2 * i + 1], depth + 1));
	}
	if (t->kind == NODE_SEQ && rnd(3) == 0) { /* an item put in anywhere, as stages do */
		bool named =
		    t->n > 0 && t->kids[0]->kind == NODE_MAP && node_get(t->kids[0], "name");
		node_seq_add(n, named ? named_item(a, depth + 1) : tree(a, depth + 1));
		for (size_t i = n->n - 1, at = rnd((unsigned)n->n); i > at; i--) {
			struct node *x = n->kids[i];
			n->kids[i] = n->kids[i - 1];
			n->kids[i - 1] = x;
		}
	}
	const char *k = keys[rnd(NKEYS)];
	if (t->kind == NODE_MAP && rnd(3) == 0 && !node_get(n, k))
		node_map_add(n, node_new_str(a, k), tree(a, depth + 1));
	return n;
}

/* 500 random pairs: each from, patched by jsonpatch with patch_diff(from, to), is to. */
Test(patch, random_differences_apply_with_jsonpatch, .timeout = 120)
{
	char dir[64], *out = NULL;
	struct arena a;
	struct buf b;
	size_t ops = 0;

	if (!have_python_modules("jsonpatch, yaml"))
		test_skip("python3's jsonpatch is not installed; the JSON Patch check did not run");
	cr_assert_eq(tmp_dir_new(dir, "patch"), 0);
	arena_init(&a);
	buf_init(&b);
	for (int i = 0; i < 500; i++) {
		struct node *from = tree(&a, 0), *to = mutate(&a, from, 0);
		struct node *diff = patch_diff(from, to, &a);
		ops += diff->n;
		buf_adds(&b, "---\n");
		emit_document(&b, from);
		buf_adds(&b, "---\n");
		emit_document(&b, diff);
		buf_adds(&b, "---\n");
		emit_document(&b, to);
	}
	buf_addc(&b, '\0');
	char path[128];
	snprintf(path, sizeof(path), "%s/cases.yaml", dir);
	FILE *fp = fopen(path, "w");
	cr_assert(fp && fputs(b.data, fp) >= 0 && fclose(fp) == 0);
	int status = run_cmd(&out, "python3 tests/patch_apply.py %s 2>&1", path);
	cr_expect_eq(status, 0, "%s", out);
	cr_expect_str_eq(out, "500 applied\n");
	cr_expect_gt(ops, 1000, "the pairs differ too little: %zu operations", ops);
	run_cmd(NULL, "rm -rf %s", dir);
	free(out);
	buf_release(&b);
	arena_release(&a);
}

/* Equal trees give no operation; an object's fields give paths with '~' and '/' escaped. */
Test(patch, paths_and_equal_trees)
{
	struct arena a;
	struct buf b;

	arena_init(&a);
	buf_init(&b);
	struct node *x = node_new_map(&a, 2), *y = node_new_map(&a, 2);
	node_map_add(x, node_new_str(&a, "a/b~c"), node_new_int(&a, 1));
	node_map_add(y, node_new_str(&a, "a/b~c"), node_new_int(&a, 2));
	cr_expect_eq(patch_diff(x, x, &a)->n, 0);
	emit_document(&b, patch_diff(x, y, &a));
	buf_addc(&b, '\0');
	cr_expect_str_eq(b.data, "- op: test\n  path: \"/a~1b~0c\"\n  value: 1\n"
	                         "- op: replace\n  path: \"/a~1b~0c\"\n  value: 2\n");
	buf_release(&b);
	arena_release(&a);
}
