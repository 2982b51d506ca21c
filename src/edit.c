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

const char *
edit_stage_text(const struct source *src, const struct node *old, const struct stage *target,
                struct arena *a)
{
	char quote = '"';

	if (stage_unnamed(target) && (!old || old->type == SCALAR_INT))
		return arena_printf(a, "%d", target->weight);
	if (old && !old->plain) {
		char c = src->data[source_offset(src, old->start)];
		quote = c == '\'' ? '\'' : '"';
	} else if (emit_plain_ok(target->id, strlen(target->id))) {
		return target->id;
	}
	return arena_printf(a, "%c%s%c", quote, target->id, quote); /* ids need no escapes */
}

/* The key node of a map entry, by its value. */
static const struct node *
key_of(const struct node *map, const struct node *value)
{
	for (size_t i = 0; map && i < map->n; i++)
		if (map->kids[2 * i + 1] == value)
			return map->kids[2 * i];
	return NULL;
}

/* The last scalar inside n: where its text ends is where n's last line ends. */
static const struct node *
last_scalar(const struct node *n)
{
	while (n->kind != NODE_SCALAR && n->n)
		n = n->kids[n->kind == NODE_MAP ? 2 * n->n - 1 : n->n - 1];
	return n;
}

static int
edit_replace(const struct source *src, const struct node *spec, const struct node *old,
             const char *text, struct buf *out, struct diags *d)
{
	const struct node *key = key_of(spec, old);

	/* an alias shares its anchor's node, which stands elsewhere in the file */
	if (!key || old->start < key->end || old->kind != NODE_SCALAR)
		return node_error(d, old,
		                  "spec.activeStage is not a plain value here; set it by hand");
	size_t from = source_offset(src, old->start), to = source_offset(src, old->end);
	buf_add(out, src->data, from);
	buf_adds(out, text);
	buf_add(out, src->data + to, src->len - to);
	return 0;
}

static int
edit_insert(const struct source *src, const struct node *spec, const char *text, struct buf *out,
            struct diags *d)
{
	const struct node *stages = node_get(spec, "stages"), *key = key_of(spec, stages);
	size_t at, spec_at = source_offset(src, spec->start);

	if (src->data[spec_at] == '{' || !key)
		return node_error(d, spec,
		                  "spec is written in flow style; add activeStage by hand");
	at = source_offset(src, last_scalar(stages)->end);
	while (at < src->len && src->data[at] != '\n')
		at++;
	const char *eol = at > 0 && at < src->len && src->data[at - 1] == '\r' ? "\r\n" : "\n";
	buf_add(out, src->data, at < src->len ? at + 1 : at);
	if (at == src->len)
		buf_adds(out, eol);
	buf_pad(out, key->col - 1);
	buf_addf(out, "activeStage: %s%s", text, eol);
	if (at < src->len)
		buf_add(out, src->data + at + 1, src->len - at - 1);
	return 0;
}

int
edit_active_stage(const struct source *src, const struct node *doc, const char *text,
                  struct buf *out, struct diags *d)
{
	const struct node *spec = node_get(doc, "spec"), *old = node_get(spec, "activeStage");

	return old ? edit_replace(src, spec, old, text, out, d)
	           : edit_insert(src, spec, text, out, d);
}
