/* edit.c: replacing one scalar of a YAML file in place, by its libyaml marks. */
#include "edit.h"

#include <stdio.h>
#include <string.h>

#include "emit.h"

/* Whether a stage's id is its weight (it has no name). */
static int
stage_unnamed(const struct stage *s)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%03d", s->weight);
	return strcmp(buf, s->id) == 0;
}

/* The length of the space or line break at at, or of the one ending there; 0 for none. The
 * breaks are libyaml's (source_break_len()): U+2028 ends a line as LF does. */
static size_t
space_at(const struct source *src, size_t at)
{
	char c = at < src->len ? src->data[at] : 0;

	return c == ' ' || c == '\t' ? 1 : source_break_len(src, at);
}

static size_t
space_before(const struct source *src, size_t at)
{
	char c = at > 0 ? src->data[at - 1] : 0;

	return c == ' ' || c == '\t' ? 1 : source_break_before(src, at);
}

/* Where the line holding at ends: its line break, or the end of the file. */
static size_t
line_end(const struct source *src, size_t at)
{
	while (at < src->len && !source_break_len(src, at))
		at++;
	return at;
}

/* Where a node's own text starts: its marks start at its anchor and tag, if any; those are
 * skipped with the spaces, line breaks and comments after them. */
static size_t
text_start(const struct source *src, const struct node *n)
{
	size_t at = source_offset(src, n->start), end = source_offset(src, n->end);

	while (at < end && (src->data[at] == '&' || src->data[at] == '!')) {
		while (at < end && !space_at(src, at))
			at++;
		while (at < end && (space_at(src, at) || src->data[at] == '#'))
			at = src->data[at] == '#' ? line_end(src, at) : at + space_at(src, at);
	}
	return at;
}

static int
is_block_scalar(char c)
{
	return c == '|' || c == '>';
}

const char *
edit_stage_text(const struct source *src, const struct node *old, const struct stage *target,
                struct arena *a)
{
	char c = old ? src->data[text_start(src, old)] : 0, quote = c == '\'' ? c : '"';

	if (stage_unnamed(target) && (!old || old->type == SCALAR_INT))
		return arena_printf(a, "%d", target->weight);
	if (is_block_scalar(c))
		return target->id; /* the text of a block scalar is its value */
	if (c != '"' && c != '\'' && emit_plain_ok(target->id, strlen(target->id)))
		return target->id;
	return arena_printf(a, "%c%s%c", quote, target->id, quote); /* ids need no escapes */
}

/* The key node of a map entry, by its name. */
static const struct node *
key_named(const struct node *map, const char *name)
{
	for (size_t i = 0; map && i < map->n; i++)
		if (node_is_str(map->kids[2 * i]) && !strcmp(map->kids[2 * i]->str, name))
			return map->kids[2 * i];
	return NULL;
}

/* Whether n stands more than once in the tree under root: an alias repeats it. */
static int
node_repeated(const struct node *root, const struct node *n, int *seen)
{
	size_t kids = root->kind == NODE_MAP ? 2 * root->n : root->kind == NODE_SEQ ? root->n : 0;

	*seen += root == n;
	for (size_t i = 0; i < kids && *seen < 2; i++)
		node_repeated(root->kids[i], n, seen);
	return *seen > 1;
}

static int
edit_replace(const struct source *src, const struct node *doc, const struct node *old,
             const char *text, struct buf *out, struct diags *d)
{
	const struct node *key = key_named(node_get(doc, "spec"), "activeStage");
	size_t from = text_start(src, old), to = source_offset(src, old->end);
	int seen = 0;

	/* an alias shares its anchor's node, which stands elsewhere in the file */
	if (old->start < key->end)
		return node_error(d, key,
		                  "spec.activeStage is an alias; write the stage in its place, "
		                  "then promote");
	if (node_repeated(doc, old, &seen))
		return node_error(d, old,
		                  "an alias elsewhere repeats spec.activeStage's anchor and would "
		                  "change with it; write its value in place of the alias, then "
		                  "promote");
	if (is_block_scalar(src->data[from])) { /* its one line of text, below its header */
		from = line_end(src, from);
		while (from < to && space_at(src, from))
			from += space_at(src, from);
		to = line_end(src, from);
	}
	buf_add(out, src->data, from);
	buf_adds(out, text);
	buf_add(out, src->data + to, src->len - to);
	return 0;
}

/* The last node in n's text: a scalar, an alias, or a flow collection (whose marks hold its
 * closing bracket). A block collection's end mark is the next key's start. */
static const struct node *
last_node(const struct source *src, const struct node *n)
{
	char c;

	while (n->kind != NODE_SCALAR && n->n && (c = src->data[text_start(src, n)]) != '[' &&
	       c != '{')
		n = n->kids[n->kind == NODE_MAP ? 2 * n->n - 1 : n->n - 1];
	return n;
}

/* The line break at at, the end of a line; at the end of the file, the last one before it. */
static const char *
line_break(const struct source *src, size_t at)
{
	static const char *const breaks[] = {"\n",       "\r\n",         "\r",
	                                     "\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9"};

	if (at == src->len) {
		while (at > 0 && !source_break_before(src, at))
			at--;
		if (at == 0)
			return "\n";
		at -= source_break_before(src, at);
	}
	for (size_t i = 0; i < sizeof(breaks) / sizeof(breaks[0]); i++)
		if (!strncmp(src->data + at, breaks[i], strlen(breaks[i])))
			return breaks[i];
	return "\n"; /* not reached: at is a break */
}

static int
edit_insert(const struct source *src, const struct node *doc, const char *text, struct buf *out,
            struct diags *d)
{
	const struct node *spec = node_get(doc, "spec"), *key = key_named(spec, "stages");

	if (src->data[text_start(src, spec)] == '{' || !key)
		return node_error(d, spec,
		                  "spec is written in flow style; add activeStage by hand");
	const struct node *last = last_node(src, node_get(spec, "stages"));
	if (last->start < key->end)
		return node_error(
		    d, key, "spec.stages ends with an alias; add activeStage after it by hand");
	/* the end of the line of stages' last text; a block scalar's end mark is past the blank
	 * lines after it */
	size_t at = source_offset(src, last->end);
	while (at > source_offset(src, last->start) && space_before(src, at))
		at -= space_before(src, at);
	at = line_end(src, at);
	const char *eol = line_break(src, at);
	size_t brk = at < src->len ? strlen(eol) : 0;
	int line, col; /* of spec's first key, where its keys are indented to */
	source_locate(src, text_start(src, spec), &line, &col);
	buf_add(out, src->data, at + brk);
	if (!brk)
		buf_adds(out, eol);
	buf_pad(out, col - 1);
	buf_addf(out, "activeStage: %s%s", text, eol);
	buf_add(out, src->data + at + brk, src->len - at - brk);
	return 0;
}

int
edit_active_stage(const struct source *src, const struct node *doc, const char *text,
                  struct buf *out, struct diags *d)
{
	const struct node *old = node_get(node_get(doc, "spec"), "activeStage");

	return old ? edit_replace(src, doc, old, text, out, d)
	           : edit_insert(src, doc, text, out, d);
}
