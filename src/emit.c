/* emit.c: node tree to YAML text, by the output rules of emit.h. */
#include "emit.h"

#include <string.h>
#include <strings.h>

static void emit_map(struct buf *b, const struct node *map, int indent, bool inline_first);
static void emit_seq(struct buf *b, const struct node *seq, int indent, bool inline_first);

bool
emit_plain_ok(const char *s, size_t len)
{
	static const char *const words[] = {"y",   "n",    "yes",   "no",   "on",
	                                    "off", "true", "false", "null", NULL};

	if (len == 0 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
		return false;
	for (size_t i = 1; i < len; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '/' || c == '-'))
			return false;
	}
	for (const char *const *w = words; *w; w++)
		if (strlen(*w) == len && strncasecmp(*w, s, len) == 0)
			return false;
	return true;
}

/* The code point of the UTF-8 sequence at s (*n its length); a stray byte stands for itself. */
static unsigned
utf8_decode(const unsigned char *s, size_t len, size_t *n)
{
	unsigned c = s[0];
	size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;

	*n = 1;
	if (need == 1 || need > len)
		return c;
	c &= 0x3F >> (need - 1);
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return s[0];
		c = c << 6 | (s[i] & 0x3F);
	}
	*n = need;
	return c;
}

/* Double-quoted, with an escape for everything a YAML reader would not keep as it is: C0 and
 * C1 controls, DEL, the line breaks NEL, LS and PS (which would fold), BOM and non-characters. */
static void
emit_quoted(struct buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	buf_addc(b, '"');
	for (size_t i = 0, n; i < len; i += n) {
		unsigned c = utf8_decode(p + i, len - i, &n);
		if (c == '"' || c == '\\')
			buf_addc(b, '\\'), buf_addc(b, (char)c);
		else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c == '\t')
			buf_adds(b, "\\t");
		else if (c == 0x85)
			buf_adds(b, "\\N");
		else if (c == 0x2028)
			buf_adds(b, "\\L");
		else if (c == 0x2029)
			buf_adds(b, "\\P");
		else if (c < 0x20 || (c >= 0x7F && c < 0xA0) || (n == 1 && c >= 0x80))
			buf_addf(b, "\\x%02X", c);
		else if (c == 0xFEFF || c == 0xFFFE || c == 0xFFFF)
			buf_addf(b, "\\u%04X", c);
		else
			buf_add(b, p + i, n);
	}
	buf_addc(b, '"');
}

/* Whether a literal block holds s as it is: no character emit_quoted() escapes but the line
 * ends and tabs. */
static bool
emit_block_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0, n; i < len; i += n) {
		unsigned c = utf8_decode(p + i, len - i, &n);
		if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7F && c < 0xA0) ||
		    (n == 1 && c >= 0x80) || c == 0x2028 || c == 0x2029 || c == 0xFEFF ||
		    c == 0xFFFE || c == 0xFFFF)
			return false;
	}
	return true;
}

static void
emit_string(struct buf *b, const char *s, size_t len)
{
	if (emit_plain_ok(s, len))
		buf_add(b, s, len);
	else
		emit_quoted(b, s, len);
}

/* A literal block: "|" with the chomping that keeps its final newlines exact. */
static void
emit_block(struct buf *b, const struct node *n, int indent)
{
	const char *s = n->str, *end = s + n->len;
	size_t trailing = 0;

	while (trailing < n->len && s[n->len - 1 - trailing] == '\n')
		trailing++;
	buf_addc(b, '|');
	if (n->len && s[0] == ' ')
		buf_addc(b, '2');
	buf_adds(b, trailing == 0 ? "-" : trailing > 1 ? "+" : "");
	buf_addc(b, '\n');
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
		if (len)
			buf_pad(b, indent);
		buf_add(b, s, len);
		buf_addc(b, '\n');
		s += len + (nl != NULL);
	}
}

/* A scalar after "key:" or "- ", with its line end. */
static void
emit_scalar(struct buf *b, const struct node *n, int indent)
{
	switch (n->type) {
	case SCALAR_BLOCK:
		if (emit_block_ok(n->str, n->len)) {
			emit_block(b, n, indent);
			return;
		}
		emit_quoted(b, n->str, n->len);
		break;
	case SCALAR_STR:
		emit_string(b, n->str, n->len);
		break;
	case SCALAR_NULL:
		buf_adds(b, "null");
		break;
	case SCALAR_INT:
		buf_add_int(b, n->ival);
		break;
	case SCALAR_BOOL:
		buf_adds(b, n->ival ? "true" : "false");
		break;
	case SCALAR_FLOAT: /* not made by meshroll; written as it was read */
		buf_add(b, n->str, n->len);
	}
	buf_addc(b, '\n');
}

/* A value after "key:" at indent: inline scalar, or a nested block below. */
static void
emit_value(struct buf *b, const struct node *v, int indent)
{
	if (v->kind == NODE_SCALAR) {
		buf_addc(b, ' ');
		emit_scalar(b, v, indent + 2);
	} else if (v->n == 0) {
		buf_adds(b, v->kind == NODE_MAP ? " {}\n" : " []\n");
	} else if (v->kind == NODE_MAP) {
		buf_addc(b, '\n');
		emit_map(b, v, indent + 2, false);
	} else {
		buf_addc(b, '\n');
		emit_seq(b, v, indent, false);
	}
}

static void
emit_map(struct buf *b, const struct node *map, int indent, bool inline_first)
{
	for (size_t i = 0; i < map->n; i++) {
		const struct node *k = map->kids[2 * i];
		if (i > 0 || !inline_first)
			buf_pad(b, indent);
		emit_string(b, k->str, k->len);
		buf_addc(b, ':');
		emit_value(b, map->kids[2 * i + 1], indent);
	}
}

static void
emit_seq(struct buf *b, const struct node *seq, int indent, bool inline_first)
{
	for (size_t i = 0; i < seq->n; i++) {
		const struct node *item = seq->kids[i];
		if (i > 0 || !inline_first)
			buf_pad(b, indent);
		buf_adds(b, "- ");
		if (item->kind == NODE_SCALAR)
			emit_scalar(b, item, indent + 2);
		else if (item->n == 0)
			buf_adds(b, item->kind == NODE_MAP ? "{}\n" : "[]\n");
		else if (item->kind == NODE_MAP)
			emit_map(b, item, indent + 2, true);
		else
			emit_seq(b, item, indent + 2, true);
	}
}

void
emit_document(struct buf *b, const struct node *doc)
{
	if (doc->kind == NODE_MAP && doc->n)
		emit_map(b, doc, 0, false);
	else if (doc->kind == NODE_SEQ && doc->n)
		emit_seq(b, doc, 0, false);
	else if (doc->kind == NODE_SCALAR)
		emit_scalar(b, doc, 0);
	else
		buf_adds(b, doc->kind == NODE_MAP ? "{}\n" : "[]\n");
}
