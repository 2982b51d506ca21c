/* node.c: the YAML tree, scalar resolution and small constructors. */
#include "node.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"

static bool
str_in(const char *s, const char *const *words)
{
	for (; *words; words++) /* the first byte first: most scalars are none of these words */
		if (s[0] == (*words)[0] && strcmp(s, *words) == 0)
			return true;
	return false;
}

/* Decimal, octal (leading 0), hex (0x), binary (0b), with '_' allowed: go-yaml v2's ints. */
static bool
resolve_int(struct node *n)
{
	const char *s = n->str;
	bool neg = false;
	int base = 10;
	unsigned long long v = 0;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, s += 2;
	else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
		base = 2, s += 2;
	else if (s[0] == '0' && s[1] == 'o')
		base = 8, s += 2;
	else if (s[0] == '0' && s[1])
		base = 8, s += 1;
	if (!*s)
		return false;
	bool over = false, underscore = false;
	for (; *s; s++) {
		int digit;
		if (*s == '_') {
			underscore = true;
			continue;
		}
		if (*s >= '0' && *s <= '9')
			digit = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			digit = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			digit = *s - 'A' + 10;
		else
			return false;
		if (digit >= base)
			return false;
		if (v > (~0ULL - (unsigned)digit) / (unsigned)base)
			over = true;
		else
			v = v * (unsigned)base + (unsigned)digit;
	}
	if (v > (unsigned long long)9223372036854775807LL + neg)
		over = true;
	n->type = SCALAR_INT;
	n->overflow = over;
	n->nondecimal = base != 10 || underscore;
	n->ival = over ? 0 : neg ? (long long)(0 - v) : (long long)v;
	return true;
}

static bool
resolve_float(const char *s)
{
	static const char *const special[] = {".inf",  ".Inf",  ".INF",  "+.inf", "+.Inf",
	                                      "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
	                                      ".NaN",  ".NAN",  NULL};
	bool digits = false;

	if (str_in(s, special))
		return true;
	if (*s == '-' || *s == '+')
		s++;
	while (*s >= '0' && *s <= '9')
		s++, digits = true;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			digits = true;
	if (!digits)
		return false;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

void
node_resolve(struct node *n)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
	static const char *const trues[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
	                                    "True", "TRUE", "on",  "On",  "ON",  NULL};
	static const char *const falses[] = {"n",     "N",     "no",  "No",  "NO",  "false",
	                                     "False", "FALSE", "off", "Off", "OFF", NULL};

	n->type = SCALAR_STR;
	if (!n->plain)
		return;
	if (str_in(n->str, nulls))
		n->type = SCALAR_NULL;
	else if (str_in(n->str, trues))
		n->type = SCALAR_BOOL, n->ival = 1;
	else if (str_in(n->str, falses))
		n->type = SCALAR_BOOL, n->ival = 0;
	else if (strlen(n->str) == n->len && resolve_int(n))
		return;
	else if (strlen(n->str) == n->len && resolve_float(n->str))
		n->type = SCALAR_FLOAT;
}

struct node *
node_get(const struct node *map, const char *key)
{
	if (!map || map->kind != NODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++) {
		const struct node *k = map->kids[2 * i];
		/* the first byte before strcmp(): the schema's checks look up a word in every map
		 */
		if (k->kind == NODE_SCALAR && k->str[0] == key[0] && strcmp(k->str, key) == 0)
			return map->kids[2 * i + 1];
	}
	return NULL;
}

struct node *
node_get_key(const struct node *map, const char *key)
{
	for (size_t i = 0; map && map->kind == NODE_MAP && i < map->n; i++)
		if (!strcmp(map->kids[2 * i]->str, key))
			return map->kids[2 * i];
	return NULL;
}

bool
node_is_str(const struct node *n)
{
	return n && n->kind == NODE_SCALAR && n->type == SCALAR_STR;
}

const char *
node_type_name(const struct node *n)
{
	if (n->kind == NODE_MAP)
		return "object";
	if (n->kind == NODE_SEQ)
		return "array";
	switch (n->type) {
	case SCALAR_INT:
		return "integer";
	case SCALAR_FLOAT:
		return "number";
	case SCALAR_BOOL:
		return "boolean";
	case SCALAR_NULL:
		return "null";
	default:
		return "string";
	}
}

int
node_error(struct diags *d, const struct node *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vat(d, DIAG_ERROR, n->src, n->line, n->col, n->span, fmt, ap);
	va_end(ap);
	return -1;
}

int
node_warning(struct diags *d, const struct node *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vat(d, DIAG_WARNING, n->src, n->line, n->col, n->span, fmt, ap);
	va_end(ap);
	return 0;
}

static struct node *
node_new(struct arena *a, enum node_kind kind)
{
	struct node *n = arena_alloc(a, sizeof(*n));

	n->kind = kind;
	n->weight = 1;
	n->str = "";
	return n;
}

/* A scalar of type with the text s (borrowed). */
static struct node *
node_new_scalar(struct arena *a, enum scalar_type type, const char *s)
{
	struct node *n = node_new(a, NODE_SCALAR);

	n->type = type;
	n->str = s;
	n->len = strlen(s);
	return n;
}

struct node *
node_new_str(struct arena *a, const char *s)
{
	return node_new_scalar(a, SCALAR_STR, s);
}

struct node *
node_new_int(struct arena *a, long long v)
{
	struct node *n = node_new(a, NODE_SCALAR);

	n->type = SCALAR_INT;
	n->ival = v;
	n->str = arena_int(a, v);
	n->len = strlen(n->str);
	return n;
}

struct node *
node_new_str_or_none(struct arena *a, const char *s)
{
	return s ? node_new_str(a, s) : NULL;
}

struct node *
node_new_int_or_none(struct arena *a, long long v)
{
	return v >= 0 ? node_new_int(a, v) : NULL;
}

struct node *
node_new_bool(struct arena *a, bool v)
{
	struct node *n = node_new_scalar(a, SCALAR_BOOL, v ? "true" : "false");

	n->ival = v;
	return n;
}

struct node *
node_new_null(struct arena *a)
{
	return node_new_scalar(a, SCALAR_NULL, "null");
}

struct node *
node_new_number(struct arena *a, const char *decimal)
{
	return node_new_scalar(a, SCALAR_FLOAT, decimal);
}

struct node *
node_new_block(struct arena *a, const char *s, size_t len)
{
	struct node *n = node_new(a, NODE_SCALAR);

	n->type = SCALAR_BLOCK;
	n->str = arena_strndup(a, s, len);
	n->len = len;
	return n;
}

struct node *
node_new_seq(struct arena *a, size_t cap)
{
	struct node *n = node_new(a, NODE_SEQ);

	n->kids = arena_alloc(a, (cap ? cap : 1) * sizeof(*n->kids));
	n->cap = cap;
	return n;
}

struct node *
node_new_map(struct arena *a, size_t cap)
{
	struct node *n = node_new(a, NODE_MAP);

	n->kids = arena_alloc(a, (cap ? 2 * cap : 1) * sizeof(*n->kids));
	n->cap = cap;
	return n;
}

void
node_seq_add(struct node *seq, struct node *item)
{
	if (seq->n >= seq->cap)
		abort(); /* a bug: the caller sized it */
	seq->kids[seq->n++] = item;
	seq->weight += item->weight;
}

void
node_map_add(struct node *map, struct node *key, struct node *value)
{
	if (map->n >= map->cap)
		abort(); /* a bug: the caller sized it */
	map->kids[2 * map->n] = key;
	map->kids[2 * map->n + 1] = value;
	map->n++;
	map->weight += key->weight + value->weight;
}

struct pair {
	struct node *key, *value;
};

static int
pair_cmp(const void *pa, const void *pb)
{
	const struct pair *a = pa, *b = pb;
	size_t n = a->key->len < b->key->len ? a->key->len : b->key->len;
	int c = memcmp(a->key->str, b->key->str, n);

	if (c)
		return c;
	return a->key->len < b->key->len ? -1 : a->key->len > b->key->len;
}

struct node *
node_sorted_map(struct arena *a, const struct node *map)
{
	struct node *out = node_new_map(a, map->n);
	struct pair *pairs = arena_alloc(a, (map->n ? map->n : 1) * sizeof(*pairs));

	for (size_t i = 0; i < map->n; i++)
		pairs[i] = (struct pair){map->kids[2 * i], map->kids[2 * i + 1]};
	qsort(pairs, map->n, sizeof(*pairs), pair_cmp);
	for (size_t i = 0; i < map->n; i++)
		node_map_add(out, pairs[i].key, pairs[i].value);
	return out;
}

/* A float in one spelling, the one a JSON round trip (kustomize's patches) gives it: a whole
 * number as an integer (5.0 as 5), else the shortest decimal that reads back the same. */
static struct node *
float_copy(struct arena *a, const struct node *n)
{
	struct node *c = node_new(a, NODE_SCALAR);
	char *end;
	double v = strtod(n->str, &end);

	c->type = SCALAR_FLOAT;
	if (*end || end == n->str || !(v - v == 0)) /* not a number strtod reads, or inf, nan */
		c->str = arena_strndup(a, n->str, n->len);
	else if (v == (double)(long long)v && v > -1e15 && v < 1e15)
		c->str = arena_int(a, (long long)v);
	else if (strtod(arena_printf(a, "%.15g", v), NULL) == v)
		c->str = arena_printf(a, "%.15g", v);
	else
		c->str = arena_printf(a, "%.17g", v);
	c->len = strlen(c->str);
	return c;
}

struct node *
node_copy(struct arena *a, const struct node *n, size_t extra)
{
	struct node *c;

	switch (n->kind) {
	case NODE_SEQ:
		c = node_new_seq(a, n->n);
		for (size_t i = 0; i < n->n; i++)
			node_seq_add(c, node_copy(a, n->kids[i], extra));
		return c;
	case NODE_MAP:
		c = node_new_map(a, n->n + extra);
		for (size_t i = 0; i < n->n; i++)
			node_map_add(c, node_copy(a, n->kids[2 * i], 0),
			             node_copy(a, n->kids[2 * i + 1], extra));
		return c;
	case NODE_SCALAR:
		break;
	}
	switch (n->type) {
	case SCALAR_INT:
		if (!n->overflow)
			return node_new_int(a, n->ival);
		break;
	case SCALAR_BOOL:
		return node_new_bool(a, n->ival);
	case SCALAR_FLOAT:
		return float_copy(a, n);
	case SCALAR_STR:
	case SCALAR_BLOCK:
		c = node_new_str(a, arena_strndup(a, n->str, n->len));
		c->len = n->len;
		return c;
	case SCALAR_NULL:
		break;
	}
	c = node_new(a, NODE_SCALAR);
	c->type = n->type;
	c->str = arena_strndup(a, n->str, n->len);
	c->len = n->len;
	return c;
}
