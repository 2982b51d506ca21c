/* krm.c: reading and writing KRM ResourceLists. */
#include "krm.h"

#include <stdbool.h>
#include <string.h>

#include "emit.h"
#include "parse.h"

/* How many nodes n->kids holds. */
static size_t
kids_of(const struct node *n)
{
	return n->kind == NODE_MAP ? 2 * n->n : n->kind == NODE_SEQ ? n->n : 0;
}

/* Tags are kept in items, which pass through as their bytes; elsewhere, in the functionConfig
 * above all, meshroll reads the values, and a tag is the error it is in a rollout file. */
static int
check_tags(const struct node *n, const struct node *items, struct diags *d)
{
	int ret = n->tag ? parse_tag_error(d, n) : 0;
	size_t kids = n == items ? 0 : kids_of(n);

	for (size_t i = 0; i < kids; i++)
		if (check_tags(n->kids[i], items, d) < 0)
			ret = -1;
	return ret;
}

int
krm_read(struct krm_list *l, const struct source *src, struct node *root, struct diags *d)
{
	const struct node *kind = node_get(root, "kind"), *api = node_get(root, "apiVersion");
	struct node *items = node_get(root, "items");

	memset(l, 0, sizeof(*l));
	l->src = src;
	if (!root || root->kind != NODE_MAP || !node_is_str(kind) ||
	    strcmp(kind->str, "ResourceList"))
		return diag_at(d, DIAG_ERROR, src, root ? root->line : 0, root ? root->col : 0, 1,
		               "the input is not a KRM ResourceList (kind: ResourceList)");
	l->api_version = node_is_str(api) ? api->str : "config.kubernetes.io/v1";
	if (items && items->kind == NODE_SEQ && items->n)
		l->items = items;
	else if (items && items->kind != NODE_SEQ && items->type != SCALAR_NULL)
		return node_error(d, items, "items: expected a list, got %s",
		                  node_type_name(items));
	for (size_t i = 0; l->items && i < l->items->n; i++)
		if (l->items->kids[i]->kind != NODE_MAP)
			return node_error(d, l->items->kids[i],
			                  "items[%zu]: expected an object, got %s", i,
			                  node_type_name(l->items->kids[i]));
	l->config = node_get(root, "functionConfig");
	const struct node *ann = node_get(node_get(l->config, "metadata"), "annotations");
	const struct node *path = node_get(ann, "internal.config.kubernetes.io/path");
	if (!node_is_str(path))
		path = node_get(ann, "config.kubernetes.io/path");
	l->config_path = node_is_str(path) ? path->str : NULL;
	return check_tags(root, items, d);
}

static const char *
str_at(const struct node *obj, const char *a, const char *b)
{
	const struct node *n = node_get(b ? node_get(obj, a) : obj, b ? b : a);

	/* the text, whatever YAML 1.1 makes of it: a namespace may be called "n" or "on" */
	return n && n->kind == NODE_SCALAR ? n->str : "";
}

const char *
krm_object_key(const struct node *obj, struct arena *a)
{
	return arena_printf(a, "%s %s %s %s", str_at(obj, "apiVersion", NULL),
	                    str_at(obj, "kind", NULL), str_at(obj, "metadata", "namespace"),
	                    str_at(obj, "metadata", "name"));
}

/* Appends s[from..to) with each line after the first shifted by delta columns (spaces taken
 * away only where there are spaces), ending after its last line that is not blank: the blank
 * lines and the indentation of the next item are dropped, trailing spaces of a value kept. */
static void
put_reindented(struct buf *out, const char *s, size_t from, size_t to, int delta)
{
	for (size_t end = to; end > from; end--) {
		char c = s[end - 1];
		if (c == '\n')
			to = end; /* everything after this break is blank */
		else if (c != ' ' && c != '\t' && c != '\r')
			break;
	}
	if (to > from && s[to - 1] == '\n')
		to--;
	for (size_t i = from; i < to;) {
		const char *nl = memchr(s + i, '\n', to - i);
		size_t end = nl ? (size_t)(nl - s) + 1 : to;
		if (i != from) {
			int drop = 0;
			while (delta < 0 && drop < -delta && i + (size_t)drop < end &&
			       s[i + drop] == ' ')
				drop++;
			if (delta > 0 && s[i] != '\n' && s[i] != '\r')
				buf_pad(out, delta);
			i += (size_t)drop;
		}
		buf_add(out, s + i, end - i);
		i = end;
	}
	buf_addc(out, '\n');
}

/* Where the "-" of the item that starts at end stands: the last one after at, past blanks,
 * comments and items that are aliases ("- *a"). */
static size_t
find_dash(const char *s, size_t at, size_t end)
{
	size_t dash = end;

	for (; at < end; at++) {
		if (s[at] == '#')
			while (at < end && s[at] != '\n')
				at++;
		else if (s[at] == '-')
			dash = at;
	}
	return dash;
}

/* An input item as its bytes: from after its "-" to its end, so comments between the two
 * stay with it; an item of a flow list (JSON) as "- " and its bytes, its other lines indented
 * two columns more, which changes nothing inside brackets. cursor: where the item before
 * ended. */
static void
put_item(struct buf *out, const struct char_map *map, const struct node *item, bool flow,
         size_t cursor)
{
	const char *s = map->src->data;
	size_t start = char_map_offset(map, item->start), end = char_map_offset(map, item->end);
	size_t dash = find_dash(s, cursor, start);
	int col = 0;

	if (flow) {
		buf_adds(out, "- ");
		put_reindented(out, s, start, end, 2);
		return;
	}
	for (size_t i = dash; i > 0 && s[i - 1] != '\n'; i--)
		col++;
	buf_addc(out, '-');
	put_reindented(out, s, dash + 1, end, -col);
}

/* An input item anew, by the YAML writer: aliases expanded, comments and tags gone. */
static void
put_anew(struct buf *out, struct node *item, struct arena *a)
{
	struct node *seq = node_new_seq(a, 1);

	node_seq_add(seq, item);
	emit_document(out, seq);
}

static struct node *
result_node(const struct krm_result *r, struct arena *a)
{
	struct node *map = node_new_map(a, 4);

	node_map_add(map, node_new_str(a, "message"), node_new_str(a, r->message));
	node_map_add(map, node_new_str(a, "severity"), node_new_str(a, r->severity));
	if (r->field) {
		struct node *field = node_new_map(a, 1);
		node_map_add(field, node_new_str(a, "path"), node_new_str(a, r->field));
		node_map_add(map, node_new_str(a, "field"), field);
	}
	if (r->file) {
		struct node *file = node_new_map(a, 1);
		node_map_add(file, node_new_str(a, "path"), node_new_str(a, r->file));
		node_map_add(map, node_new_str(a, "file"), file);
	}
	return map;
}

static int
is_generated(const struct node *item, const struct node *generated, struct arena *a)
{
	const char *key = krm_object_key(item, a);

	for (size_t i = 0; generated && i < generated->n; i++)
		if (!strcmp(key, krm_object_key(generated->kids[i], a)))
			return 1;
	return 0;
}

/* What becomes of an input item. */
enum fate {
	FATE_BYTES, /* passed as its bytes */
	FATE_ANEW,  /* written by the YAML writer, its aliases expanded */
	FATE_DROP,  /* replaced by a generated object */
};

/* The fate of each item, and the character ranges of those passed as their bytes, in order:
 * where the anchors of the output are. */
struct plan {
	unsigned char *fate;
	size_t (*kept)[2];
	size_t nkept;
};

/* Whether character offset at is inside an item passed as its bytes. */
static bool
plan_keeps(const struct plan *p, size_t at)
{
	size_t lo = 0, hi = p->nkept;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->kept[mid][1] <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->nkept && p->kept[lo][0] <= at;
}

/* Whether n, in the item whose text is from..to, holds an alias whose anchor the output will
 * not have: one in an item replaced or written anew, or outside the items. */
static bool
loses_anchor(const struct plan *p, const struct node *n, size_t from, size_t to)
{
	if (n->start < from || n->start >= to) /* an alias led out of the item */
		return !plan_keeps(p, n->start);
	for (size_t i = 0; i < kids_of(n); i++)
		if (loses_anchor(p, n->kids[i], from, to))
			return true;
	return false;
}

/* An item is replaced when generated holds its identity; it is written anew when it is an
 * alias of another node, or uses an anchor that is not written back, which would leave its
 * alias dangling (and the anchors it holds go with it, for the items after it). */
static void
plan_make(struct plan *p, const struct krm_list *l, const struct node *generated, struct arena *a)
{
	size_t n = l->items ? l->items->n : 0, own_end = l->items ? l->items->start : 0;

	p->fate = arena_alloc(a, n + 1);
	p->kept = arena_alloc(a, (n + 1) * sizeof(*p->kept));
	p->nkept = 0;
	for (size_t i = 0; i < n; i++) {
		const struct node *item = l->items->kids[i];
		bool own = item->start >= own_end; /* else its text is an alias, "- *a" */
		if (is_generated(item, generated, a))
			p->fate[i] = FATE_DROP;
		else if (!own || loses_anchor(p, item, item->start, item->end))
			p->fate[i] = FATE_ANEW;
		else {
			p->fate[i] = FATE_BYTES;
			p->kept[p->nkept][0] = item->start;
			p->kept[p->nkept++][1] = item->end;
		}
		if (own)
			own_end = item->end;
	}
}

/* The first node of n's tree with a tag; NULL when none. */
static const struct node *
first_tag(const struct node *n)
{
	const struct node *tag = n->tag ? n : NULL;

	for (size_t i = 0; !tag && i < kids_of(n); i++)
		tag = first_tag(n->kids[i]);
	return tag;
}

int
krm_check(const struct krm_list *l, const struct node *generated, struct diags *d, struct arena *a)
{
	struct plan p;
	int ret = 0;

	plan_make(&p, l, generated, a);
	for (size_t i = 0; l->items && i < l->items->n; i++) {
		const struct node *tag =
		    p.fate[i] == FATE_ANEW ? first_tag(l->items->kids[i]) : NULL;
		if (tag)
			ret = node_error(
			    d, tag,
			    "items[%zu]: its tag '%s' would be lost: the item is written "
			    "anew, its aliases expanded, as it is an alias or an anchor it "
			    "uses is not written back (it is in an object meshroll "
			    "replaces, or outside the items)",
			    i, tag->tag);
	}
	return ret;
}

void
krm_write(struct buf *out, const struct krm_list *in, const struct node *generated,
          const struct krm_result *results, size_t nresults, struct arena *a)
{
	struct node *head = node_new_map(a, 2);
	struct char_map map;
	struct plan plan;

	char_map_init(&map, in->src, a); /* offsets of many items: no rescans from the start */
	size_t cursor = in->items ? char_map_offset(&map, in->items->start) : 0;
	bool flow = in->items && in->src->data[cursor] == '[';

	node_map_add(head, node_new_str(a, "apiVersion"), node_new_str(a, in->api_version));
	node_map_add(head, node_new_str(a, "kind"), node_new_str(a, "ResourceList"));
	struct buf items;

	emit_document(out, head);
	buf_init(&items);
	plan_make(&plan, in, generated, a);
	for (size_t i = 0; in->items && i < in->items->n; i++) {
		struct node *item = in->items->kids[i];
		size_t end = char_map_offset(&map, item->end);
		if (plan.fate[i] == FATE_BYTES)
			put_item(&items, &map, item, flow, cursor);
		else if (plan.fate[i] == FATE_ANEW)
			put_anew(&items, item, a);
		cursor = end > cursor ? end : cursor; /* an alias item ends before the cursor */
	}
	if (generated && generated->n)
		emit_document(&items, generated);
	buf_adds(out, items.len ? "items:\n" : "items: []\n");
	buf_add(out, items.data ? items.data : "", items.len);
	buf_release(&items);
	if (!nresults)
		return;
	struct node *list = node_new_seq(a, nresults), *doc = node_new_map(a, 1);
	for (size_t i = 0; i < nresults; i++)
		node_seq_add(list, result_node(&results[i], a));
	node_map_add(doc, node_new_str(a, "results"), list);
	emit_document(out, doc);
}
