/* patch.c: the JSON 6902 difference between two objects. */
#include "patch.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

struct ops {
	struct arena *a;
	struct node *seq; /* the operations so far */
	struct buf path;  /* the JSON pointer of the value being compared */
};

static bool
scalar_eq(const struct node *x, const struct node *y)
{
	if (x->type != y->type)
		return false;
	if (x->type == SCALAR_INT || x->type == SCALAR_BOOL)
		return x->ival == y->ival;
	return x->len == y->len && memcmp(x->str, y->str, x->len) == 0;
}

static void
op_add(struct ops *o, const char *op, const struct node *value)
{
	struct node *m = node_new_map(o->a, 3);

	node_map_add(m, node_new_str(o->a, "op"), node_new_str(o->a, op));
	node_map_add(m, node_new_str(o->a, "path"),
	             node_new_str(o->a, arena_strndup(o->a, o->path.data, o->path.len)));
	if (value)
		node_map_add(m, node_new_str(o->a, "value"), (struct node *)value);
	if (o->seq->n == o->seq->cap) {
		size_t cap = o->seq->cap ? 2 * o->seq->cap : 8;
		o->seq->kids = arena_grow(o->a, o->seq->kids, o->seq->n * sizeof(*o->seq->kids),
		                          cap * sizeof(*o->seq->kids));
		o->seq->cap = cap;
	}
	node_seq_add(o->seq, m);
}

/* Appends "/<key>" to the path, with '~' and '/' escaped as RFC 6901 says. */
static void
path_key(struct buf *p, const char *key)
{
	buf_addc(p, '/');
	for (; *key; key++) {
		if (*key == '~' || *key == '/')
			buf_adds(p, *key == '~' ? "~0" : "~1");
		else
			buf_addc(p, *key);
	}
}

static void
path_index(struct buf *p, size_t i)
{
	buf_addf(p, "/%zu", i);
}

static void diff(struct ops *o, const struct node *from, const struct node *to);

/* The name of a list item: its "name" when it is a map that has a string one; else NULL. */
static const char *
item_name(const struct node *n)
{
	const struct node *name = n->kind == NODE_MAP ? node_get(n, "name") : NULL;

	return name && name->kind == NODE_SCALAR && name->type == SCALAR_STR ? name->str : NULL;
}

struct named {
	const char *name;
	size_t i;
};

static int
named_cmp(const void *pa, const void *pb)
{
	const struct named *x = pa, *y = pb;

	return strcmp(x->name, y->name);
}

/* For each item of to, the index of the item of from with its name, or SIZE_MAX; NULL
 * unless every item of both is named, each name once in its list, and the names both have
 * come in the same order. malloc'd. */
static size_t *
align_by_name(const struct node *from, const struct node *to)
{
	struct named *v = malloc((from->n + to->n + 1) * sizeof(*v)), *w = v + from->n;
	size_t *pos = malloc((to->n + 1) * sizeof(*pos)), last = 0;
	bool ok = v && pos;

	for (size_t i = 0; ok && i < from->n; i++)
		ok = (v[i] = (struct named){item_name(from->kids[i]), i}).name != NULL;
	for (size_t i = 0; ok && i < to->n; i++)
		ok = (w[i] = (struct named){item_name(to->kids[i]), i}).name != NULL;
	if (ok) {
		qsort(v, from->n, sizeof(*v), named_cmp);
		qsort(w, to->n, sizeof(*w), named_cmp);
	}
	for (size_t i = 1; ok && i < from->n; i++)
		ok = strcmp(v[i - 1].name, v[i].name) != 0;
	for (size_t i = 1; ok && i < to->n; i++)
		ok = strcmp(w[i - 1].name, w[i].name) != 0;
	for (size_t i = 0; ok && i < to->n; i++) {
		const struct named *at = bsearch(&(struct named){item_name(to->kids[i]), 0}, v,
		                                 from->n, sizeof(*v), named_cmp);
		pos[i] = at ? at->i : SIZE_MAX;
		ok = !at || at->i >= last;
		last = at ? at->i + 1 : last;
	}
	free(v);
	if (!ok) {
		free(pos);
		return NULL;
	}
	return pos;
}

/* Lists of named items (routes) by name: an item a stage puts before another is added where
 * it goes, rather than every item after it changed into the one before it. Other lists by
 * index. */
static void
diff_seq(struct ops *o, const struct node *from, const struct node *to)
{
	size_t len = o->path.len, common = from->n < to->n ? from->n : to->n;
	size_t *pos = align_by_name(from, to), at = 0, b = 0;

	if (pos) {
		for (size_t j = 0; j < to->n; j++, at++, o->path.len = len) {
			for (; pos[j] != SIZE_MAX && b < pos[j]; b++, o->path.len = len) {
				path_index(&o->path, at);
				op_add(o, "test", from->kids[b]);
				op_add(o, "remove", NULL);
			}
			path_index(&o->path, at);
			if (pos[j] == SIZE_MAX) {
				op_add(o, "add", to->kids[j]);
			} else {
				diff(o, from->kids[b++], to->kids[j]);
			}
		}
		for (; b < from->n; b++, o->path.len = len) {
			path_index(&o->path, at);
			op_add(o, "test", from->kids[b]);
			op_add(o, "remove", NULL);
		}
		free(pos);
		return;
	}
	for (size_t i = 0; i < common; i++, o->path.len = len) {
		path_index(&o->path, i);
		diff(o, from->kids[i], to->kids[i]);
	}
	for (size_t i = common; i < to->n; i++, o->path.len = len) {
		path_index(&o->path, i);
		op_add(o, "add", to->kids[i]);
	}
	for (size_t i = from->n; i-- > common; o->path.len = len) {
		path_index(&o->path, i);
		op_add(o, "test", from->kids[i]);
		op_add(o, "remove", NULL);
	}
}

static void
diff_map(struct ops *o, const struct node *from, const struct node *to)
{
	size_t len = o->path.len;

	for (size_t i = 0; i < from->n; i++, o->path.len = len) {
		const struct node *key = from->kids[2 * i], *value = node_get(to, key->str);
		path_key(&o->path, key->str);
		if (value) {
			diff(o, from->kids[2 * i + 1], value);
		} else {
			op_add(o, "test", from->kids[2 * i + 1]);
			op_add(o, "remove", NULL);
		}
	}
	for (size_t i = 0; i < to->n; i++, o->path.len = len) {
		const struct node *key = to->kids[2 * i];
		if (node_get(from, key->str))
			continue;
		path_key(&o->path, key->str);
		op_add(o, "add", to->kids[2 * i + 1]);
	}
}

static void
diff(struct ops *o, const struct node *from, const struct node *to)
{
	if (from == to) /* one subtree (the model's routes and policy): nothing to compare */
		return;
	if (from->kind == to->kind && from->kind == NODE_SEQ) {
		diff_seq(o, from, to);
	} else if (from->kind == to->kind && from->kind == NODE_MAP) {
		diff_map(o, from, to);
	} else if (from->kind != to->kind || !scalar_eq(from, to)) {
		op_add(o, "test", from);
		op_add(o, "replace", to);
	}
}

struct node *
patch_diff(const struct node *from, const struct node *to, struct arena *a)
{
	struct ops o = {a, node_new_seq(a, 0), {0}};

	buf_init(&o.path);
	diff(&o, from, to);
	buf_release(&o.path);
	return o.seq;
}
