/* krm.c: reading and writing KRM ResourceLists. */
#include "krm.h"

#include <stdbool.h>
#include <string.h>

#include "emit.h"
#include "parse.h"

/* Tags are kept in items, which pass through as their bytes; elsewhere, in the functionConfig
 * above all, meshroll reads the values, and a tag is the error it is in a rollout file. */
static int
check_tags(const struct node *n, const struct node *items, struct diags *d)
{
	int ret = n->tag ? parse_tag_error(d, n) : 0;
	size_t kids = n == items ? 0 : n->kind == NODE_MAP ? 2 * n->n : n->n;

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

/* Where the "-" of the item that follows offset stands: past blanks and comments. */
static size_t
find_dash(const char *s, size_t at, size_t end)
{
	while (at < end && s[at] != '-') {
		if (s[at] == '#')
			while (at < end && s[at] != '\n')
				at++;
		else
			at++;
	}
	return at;
}

/* An input item as its bytes: from after its "-" to its end, so comments between the two
 * stay with it; an item of a flow list (JSON) as "- " and its bytes, its other lines indented
 * two columns more, which changes nothing inside brackets. */
static void
put_item(struct buf *out, const struct char_map *map, const struct node *item, bool flow,
         size_t *cursor)
{
	const char *s = map->src->data;
	size_t start = char_map_offset(map, item->start), end = char_map_offset(map, item->end);
	size_t dash = find_dash(s, *cursor, start);
	int col = 0;

	*cursor = end;
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

void
krm_write(struct buf *out, const struct krm_list *in, const struct node *generated,
          const struct krm_result *results, size_t nresults, struct arena *a)
{
	struct node *head = node_new_map(a, 2);
	struct char_map map;

	char_map_init(&map, in->src, a); /* offsets of many items: no rescans from the start */
	size_t cursor = in->items ? char_map_offset(&map, in->items->start) : 0;
	bool flow = in->items && in->src->data[cursor] == '[';

	node_map_add(head, node_new_str(a, "apiVersion"), node_new_str(a, in->api_version));
	node_map_add(head, node_new_str(a, "kind"), node_new_str(a, "ResourceList"));
	struct buf items;

	emit_document(out, head);
	buf_init(&items);
	for (size_t i = 0; in->items && i < in->items->n; i++) {
		struct node *item = in->items->kids[i];
		if (is_generated(item, generated, a)) {
			cursor = char_map_offset(&map, item->end); /* replaced by the new copy */
			continue;
		}
		put_item(&items, &map, item, flow, &cursor);
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
