/* json.c: node trees as JSON text, by the rules of json.h. */
#include "json.h"

#include <string.h>

#include "source.h"

/* The escape of a byte JSON does not take as it is; NULL for the others. */
static const char *
json_escape(unsigned char c)
{
	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\b':
		return "\\b";
	case '\f':
		return "\\f";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	}
	return NULL;
}

void
json_string(struct buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	buf_addc(b, '"');
	while (p < end) {
		size_t n = utf8_len(p, end);
		const char *esc = json_escape(*p);
		if (esc)
			buf_adds(b, esc);
		else if (*p < 0x20)
			buf_addf(b, "\\u%04x", *p);
		else if (n == 0)
			buf_adds(b, "\xEF\xBF\xBD"); /* U+FFFD for a byte that is not UTF-8 */
		else
			buf_add(b, p, n);
		p += n ? n : 1;
	}
	buf_addc(b, '"');
}

/* The length of the run of digits at s, up to end. */
static size_t
digits(const char *s, const char *end)
{
	const char *p = s;

	while (p < end && *p >= '0' && *p <= '9')
		p++;
	return (size_t)(p - s);
}

bool
json_number_ok(const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	size_t n;

	p += p < end && *p == '-';
	if ((n = digits(p, end)) == 0 || (n > 1 && *p == '0'))
		return false;
	p += n;
	if (p < end && *p == '.') {
		if ((n = digits(++p, end)) == 0)
			return false;
		p += n;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		p += p < end && (*p == '+' || *p == '-');
		if ((n = digits(p, end)) == 0)
			return false;
		p += n;
	}
	return p == end;
}

/* A line break and the indent of level. */
static void
json_newline(struct buf *b, int level)
{
	buf_addc(b, '\n');
	buf_pad(b, 2 * level);
}

static void
json_scalar(struct buf *b, const struct node *n)
{
	if (n->type == SCALAR_INT && !n->overflow)
		buf_addf(b, "%lld", n->ival);
	else if (n->type == SCALAR_BOOL)
		buf_adds(b, n->ival ? "true" : "false");
	else if (n->type == SCALAR_NULL)
		buf_adds(b, "null");
	else if ((n->type == SCALAR_FLOAT || n->type == SCALAR_INT) &&
	         json_number_ok(n->str, n->len))
		buf_add(b, n->str, n->len);
	else
		json_string(b, n->str, n->len);
}

void
json_node(struct buf *b, const struct node *n, int indent)
{
	bool map = n && n->kind == NODE_MAP;

	if (!n) {
		buf_adds(b, "null");
		return;
	}
	if (n->kind == NODE_SCALAR) {
		json_scalar(b, n);
		return;
	}
	buf_addc(b, map ? '{' : '[');
	for (size_t i = 0; i < n->n; i++) {
		if (i)
			buf_addc(b, ',');
		json_newline(b, indent + 1);
		if (map) {
			json_string(b, n->kids[2 * i]->str, n->kids[2 * i]->len);
			buf_adds(b, ": ");
		}
		json_node(b, map ? n->kids[2 * i + 1] : n->kids[i], indent + 1);
	}
	if (n->n)
		json_newline(b, indent);
	buf_addc(b, map ? '}' : ']');
}
