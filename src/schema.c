/* schema.c: a JSON Schema interpreter for the rollout file's structural rules. */
#include "schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "frozen.h"
#include "pattern.h"
#include "source.h"
#include "validate.h"

/* An object being checked: where a field written one level off belongs. */
struct frame {
	const struct frozen_node *props; /* the object schema's properties; NULL for none */
	const struct node *value;        /* the object */
	size_t pathlen;                  /* its path is check.path up to pathlen */
	const struct frame *up;          /* the object around it; NULL at the top */
};

struct check {
	struct schema *s;
	const struct frame *top; /* the innermost object being checked */
	struct diags *d;
	int quiet;      /* counting errors (a oneOf branch being tried), not recording */
	int failed;     /* errors found, quiet or not */
	char path[512]; /* the field path: spec.stages[2] */
	size_t pathlen;
};

static const char *const word_names[W_COUNT] = {
    [W_REF] = "$ref",
    [W_ONE_OF] = "oneOf",
    [W_TYPE] = "type",
    [W_ENUM] = "enum",
    [W_PROPERTIES] = "properties",
    [W_REQUIRED] = "required",
    [W_ADDITIONAL_PROPERTIES] = "additionalProperties",
    [W_PROPERTY_NAMES] = "propertyNames",
    [W_MIN_PROPERTIES] = "minProperties",
    [W_MAX_PROPERTIES] = "maxProperties",
    [W_ERROR_MESSAGE] = "errorMessage",
    [W_ITEMS] = "items",
    [W_MIN_ITEMS] = "minItems",
    [W_MAX_ITEMS] = "maxItems",
    [W_MIN_LENGTH] = "minLength",
    [W_MAX_LENGTH] = "maxLength",
    [W_PATTERN] = "pattern",
    [W_MINIMUM] = "minimum",
    [W_MAXIMUM] = "maximum",
};

static const char *const known_keywords[] = {
    "$schema",       "$id",           "$ref",          "$defs",
    "title",         "description",   "deprecated",    "default",
    "examples",      "errorMessage",  "type",          "enum",
    "minimum",       "maximum",       "minLength",     "maxLength",
    "pattern",       "properties",    "required",      "additionalProperties",
    "propertyNames", "minProperties", "maxProperties", "items",
    "minItems",      "maxItems",      "oneOf",         NULL,
};

bool
schema_keyword_known(const char *keyword)
{
	for (const char *const *k = known_keywords; *k; k++)
		if (strcmp(*k, keyword) == 0)
			return true;
	return false;
}

int
schema_load(struct schema *s, struct diags *d)
{
	memset(s, 0, sizeof(*s));
	/* parsed, and its patterns compiled, when meshroll was built (frozen.h); read in place */
	if (!(s->root = frozen_root("schemas/rollout.schema.json", &s->path)))
		return diag_io(d, NULL, 0, "internal error: the schema is not embedded");
	for (size_t i = 0; i < W_COUNT; i++)
		s->word[i] = frozen_word(word_names[i]);
	s->defs = frozen_get(s->root, "$defs");
	s->duration = frozen_get(s->defs, "duration");
	return 0;
}

static size_t
levenshtein(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64];

	if (lb >= 64 || la >= 64)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

const char *
schema_suggest(const char *word, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t best_dist = strlen(word) / 3 + 1;

	if (best_dist < 2)
		best_dist = 2;
	for (size_t i = 0; i < n; i++) {
		size_t dist = strcasecmp(word, names[i]) == 0 ? 0 : levenshtein(word, names[i]);
		if (dist <= best_dist && (!best || dist < best_dist)) {
			best = names[i];
			best_dist = dist;
		}
	}
	return best;
}

static void check_value(struct check *c, const struct frozen_node *s, const struct node *v);

/* The value of keyword w in schema object s; NULL when s has none. */
static const struct frozen_node *
schema_get(const struct check *c, const struct frozen_node *s, enum schema_word w)
{
	return frozen_get_word(s, c->s->word[w]);
}

/* A failure in a oneOf branch being tried is counted, not described (check_error() would
 * not show it): true then, and the caller builds no message. */
static bool
failed_quietly(struct check *c)
{
	if (!c->quiet)
		return false;
	c->failed++;
	return true;
}

__attribute__((format(printf, 3, 4))) static void
check_error(struct check *c, const struct node *at, const char *fmt, ...)
{
	va_list ap;

	if (failed_quietly(c))
		return;
	c->failed++;
	va_start(ap, fmt);
	char *msg = arena_vprintf(c->d->arena, fmt, ap);
	va_end(ap);
	if (c->pathlen)
		node_error(c->d, at, "%s: %s", c->path, msg);
	else
		node_error(c->d, at, "%s", msg);
}

/* Appends n bytes of s to the field path, as many as fit. */
static void
path_add(struct check *c, const char *s, size_t n)
{
	size_t room = sizeof(c->path) - 1 - c->pathlen;

	if (n > room)
		n = room;
	memcpy(c->path + c->pathlen, s, n);
	c->pathlen += n;
	c->path[c->pathlen] = '\0';
}

/* Appends field key to the field path ("spec" then ".port"); returns the old length, for
 * path_pop(). */
static size_t
path_push_key(struct check *c, const char *key)
{
	size_t old = c->pathlen;

	if (old)
		path_add(c, ".", 1);
	path_add(c, key, strlen(key));
	return old;
}

/* Appends item i to the field path ("[2]"); returns the old length, for path_pop(). */
static size_t
path_push_index(struct check *c, size_t i)
{
	size_t old = c->pathlen;
	char digits[20];

	path_add(c, "[", 1);
	path_add(c, digits, fmt_int(digits, (long long)i));
	path_add(c, "]", 1);
	return old;
}

static void
path_pop(struct check *c, size_t old)
{
	c->pathlen = old;
	c->path[old] = '\0';
}

static const struct frozen_node *
schema_ref(struct check *c, const struct frozen_node *ref)
{
	static const char prefix[] = "#/$defs/";

	if (!frozen_is_str(ref) || strncmp(frozen_str(ref), prefix, sizeof(prefix) - 1) != 0)
		return NULL;
	return frozen_get(c->s->defs, frozen_str(ref) + sizeof(prefix) - 1);
}

static bool
type_matches(const char *type, const struct node *v)
{
	const char *have = node_type_name(v);

	return strcmp(type, have) == 0 ||
	       (strcmp(type, "number") == 0 && v->type == SCALAR_INT && v->kind == NODE_SCALAR);
}

/* The schema's "type" accepts v: a name or a list of names. */
static bool
schema_type_ok(const struct frozen_node *type, const struct node *v)
{
	if (frozen_is_str(type))
		return type_matches(frozen_str(type), v);
	for (size_t i = 0; type && type->kind == NODE_SEQ && i < type->n; i++)
		if (type_matches(frozen_str(frozen_kid(type, i)), v))
			return true;
	return type == NULL;
}

static void
type_names(const struct frozen_node *type, char *out, size_t size)
{
	if (frozen_is_str(type)) {
		snprintf(out, size, "%s", frozen_str(type));
		return;
	}
	out[0] = '\0';
	for (size_t i = 0; i < type->n; i++) {
		size_t len = strlen(out);
		snprintf(out + len, size - len, "%s%s",
		         i == 0             ? ""
		         : i + 1 == type->n ? " or "
		                            : ", ",
		         frozen_str(frozen_kid(type, i)));
	}
}

/* Whether s[0..len) is digits, without a leading zero: what a YAML integer is when written
 * plainly in decimal. */
static bool
is_decimal(const char *s, size_t len)
{
	if (len == 0 || (s[0] == '0' && len > 1))
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* What to write instead of scalar v where an integer is wanted: "; remove the quotes", or ""
 * when there is no such obvious fix. */
static const char *
integer_hint(struct check *c, const struct node *v)
{
	const char *s = v->str;
	size_t zeros = strspn(s, "0");

	if (!v->plain && v->type == SCALAR_STR && is_decimal(s, v->len))
		return "; remove the quotes";
	if (v->plain && v->len > 1 && s[v->len - 1] == '%' && is_decimal(s, v->len - 1))
		return arena_printf(c->d->arena, "; write %.*s, without the '%%'", (int)v->len - 1,
		                    s);
	if (v->plain && zeros > 0 && is_decimal(s + zeros, v->len - zeros))
		return arena_printf(c->d->arena, "; write %s, without the leading zero", s + zeros);
	return "";
}

static bool
is_duration_schema(struct check *c, const struct frozen_node *s)
{
	return s == c->s->duration;
}

/* The error for scalar v, an integer YAML 1.1 reads otherwise than a reader expects. */
static void
ambiguous_int_error(struct check *c, const char *want, const struct node *v)
{
	const char *hint = integer_hint(c, v);

	if (v->overflow)
		check_error(c, v, "integer %s is out of range", v->str);
	else if (strstr(want, "string"))
		check_error(c, v,
		            "ambiguous integer '%s' (YAML 1.1 reads it as %lld); write it in "
		            "decimal, or quote it to make it a string",
		            v->str, v->ival);
	else
		check_error(c, v, "ambiguous integer '%s' (YAML 1.1 reads it as %lld)%s", v->str,
		            v->ival, *hint ? hint : "; write it in decimal");
}

static void
type_error(struct check *c, const struct frozen_node *s, const char *want, const struct node *v)
{
	const char *hint = strstr(want, "integer") ? integer_hint(c, v) : "";

	if (v->kind != NODE_SCALAR)
		check_error(c, v, "expected %s, got %s", want, node_type_name(v));
	else if (v->type == SCALAR_NULL)
		check_error(c, v, "expected %s, got %s", want, v->len ? "null" : "no value");
	else if (is_duration_schema(c, s) && v->plain && strspn(v->str, "0123456789.") == v->len)
		check_error(c, v, "a duration needs a unit; write %ss for %s seconds", v->str,
		            v->str);
	else if (strstr(want, "string") && v->plain)
		check_error(c, v, "expected %s, got %s %s; quote it to make it a string", want,
		            node_type_name(v), v->str);
	else if (v->type == SCALAR_STR)
		check_error(c, v, "expected %s, got string \"%s\"%s", want, v->str, hint);
	else
		check_error(c, v, "expected %s, got %s %s%s", want, node_type_name(v), v->str,
		            hint);
}

/* Type mismatches, and integers YAML 1.1 would read otherwise than a reader expects. */
static bool
check_type(struct check *c, const struct frozen_node *s, const struct node *v)
{
	const struct frozen_node *type = schema_get(c, s, W_TYPE);
	char want[64];

	bool ambiguous =
	    v->kind == NODE_SCALAR && v->type == SCALAR_INT && (v->overflow || v->nondecimal);

	if (!type || (!ambiguous && schema_type_ok(type, v)))
		return true;
	if (failed_quietly(c))
		return false;
	type_names(type, want, sizeof(want));
	if (ambiguous)
		ambiguous_int_error(c, want, v);
	else
		type_error(c, s, want, v);
	return false;
}

static void
check_enum(struct check *c, const struct frozen_node *e, const struct node *v)
{
	const char *names[16];
	char list[256] = "";
	size_t n = 0;

	for (size_t i = 0; i < e->n && node_is_str(v); i++)
		if (strcmp(frozen_str(frozen_kid(e, i)), v->str) == 0)
			return;
	if (failed_quietly(c))
		return;
	for (size_t i = 0; i < e->n && n < 16; i++) {
		const char *name = frozen_str(frozen_kid(e, i));
		names[n++] = name;
		size_t len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "", name);
	}
	const char *hint = v->kind == NODE_SCALAR ? schema_suggest(v->str, names, n) : NULL;
	if (hint)
		check_error(c, v, "'%s' is not one of %s; did you mean '%s'?", v->str, list, hint);
	else if (v->kind == NODE_SCALAR)
		check_error(c, v, "'%s' is not one of %s", v->str, list);
	else
		check_error(c, v, "expected one of %s, got %s", list, node_type_name(v));
}

/* The program of a pattern node, compiled when meshroll was built (frozen.h). Returns false,
 * with an internal error, when it was not: tools/freeze.c compiles every pattern of the
 * schema, so that is a bug. */
static bool
schema_regex(struct check *c, const struct frozen_node *pattern, struct pattern *p)
{
	if (frozen_pattern(pattern, p))
		return true;
	diag_io(c->d, c->s->path, 0, "internal error: line %d: pattern %s was not compiled",
	        frozen_mark(pattern)->line, frozen_str(pattern));
	return false;
}

static size_t
utf8_chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

/* A Go duration as Istio takes one: at least 1ms, within 64 bits of nanoseconds, to the
 * millisecond. (A cookie's ttl, which may be 0s, is not a $defs/duration.) */
static void
check_duration(struct check *c, const struct node *v)
{
	long long ns;
	int r = duration_parse(v->str, &ns);

	if (r == DURATION_OVERFLOW)
		check_error(c, v, "'%s' is too long a duration (more than 64 bits of nanoseconds)",
		            v->str);
	else if (r == 0 && ns < 1000000)
		check_error(c, v, "'%s' is shorter than 1ms", v->str);
	else if (r == 0 && ns % 1000000)
		check_error(c, v,
		            "'%s' is not a whole number of milliseconds; Istio takes durations to "
		            "the millisecond",
		            v->str);
}

static void
check_string(struct check *c, const struct frozen_node *s, const struct node *v)
{
	const struct frozen_node *min = schema_get(c, s, W_MIN_LENGTH),
	                         *max = schema_get(c, s, W_MAX_LENGTH);
	const struct frozen_node *pattern = schema_get(c, s, W_PATTERN);
	const struct frozen_node *msg = schema_get(c, s, W_ERROR_MESSAGE);
	size_t chars = utf8_chars(v->str, v->len);

	if (min && chars < (size_t)frozen_ival(min)) {
		check_error(
		    c, v, chars == 0 ? "must not be empty" : "'%s' is shorter than %lld characters",
		    v->str, frozen_ival(min));
		return;
	}
	if (max && chars > (size_t)frozen_ival(max)) {
		check_error(c, v, "is %zu characters long; the limit is %lld", chars,
		            frozen_ival(max));
		return;
	}
	struct pattern re;
	if (!pattern || !schema_regex(c, pattern, &re) || strlen(v->str) != v->len ||
	    pattern_match(&re, v->str, v->len)) {
		if (is_duration_schema(c, s))
			check_duration(c, v);
		return;
	}
	if (msg)
		check_error(c, v, "'%s' %s", v->str, frozen_str(msg));
	else
		check_error(c, v, "'%s' does not match %s", v->str, frozen_str(pattern));
}

static void
check_number(struct check *c, const struct frozen_node *s, const struct node *v)
{
	const struct frozen_node *min = schema_get(c, s, W_MINIMUM),
	                         *max = schema_get(c, s, W_MAXIMUM);

	if (v->type == SCALAR_FLOAT) { /* a decimal: compared as one, against integer bounds */
		char *end;
		double x = strtod(v->str, &end);
		if (*end || end == v->str || !(x - x == 0)) { /* .inf, .nan, 1e999 */
			check_error(c, v, "%s is not a finite number", v->str);
			return;
		}
		if (min && !(x >= (double)frozen_ival(min)))
			check_error(c, v, "%s is less than the minimum %lld", v->str,
			            frozen_ival(min));
		else if (max && !(x <= (double)frozen_ival(max)))
			check_error(c, v, "%s is greater than the maximum %lld", v->str,
			            frozen_ival(max));
		return;
	}
	if (min && v->ival < frozen_ival(min))
		check_error(c, v, "%s is less than the minimum %lld", v->str, frozen_ival(min));
	if (max && v->ival > frozen_ival(max))
		check_error(c, v, "%s is greater than the maximum %lld", v->str, frozen_ival(max));
}

/* The properties of object schema s, looking through one $ref. */
static const struct frozen_node *
schema_props(struct check *c, const struct frozen_node *s)
{
	const struct frozen_node *ref = schema_get(c, s, W_REF),
	                         *props = schema_get(c, s, W_PROPERTIES);

	return props || !ref ? props : schema_get(c, schema_ref(c, ref), W_PROPERTIES);
}

/* The field of props whose own fields include key: where key belongs, one level down. */
static const char *
field_below(struct check *c, const struct frozen_node *props, const char *key)
{
	uint32_t word = frozen_word(key);

	for (size_t i = 0; props && i < props->n; i++)
		if (frozen_get_word(schema_props(c, frozen_kid(props, 2 * i + 1)), word))
			return frozen_str(frozen_kid(props, 2 * i));
	return NULL;
}

/* Whether required field key, missing from the object of f, is written one level up or down
 * instead, where check_unknown_key() says it belongs here: that error is the one to fix. */
static bool
field_misplaced(struct check *c, const struct frame *f, const char *key)
{
	const struct frame *up = f->up;

	if (up && node_get(up->value, key) && !frozen_get(up->props, key)) {
		const char *below = field_below(c, up->props, key);
		if (below && strcmp(c->path + up->pathlen + (up->pathlen > 0), below) == 0)
			return true;
	}
	for (size_t i = 0; i < f->value->n; i++) {
		const struct frozen_node *ps = frozen_get(f->props, f->value->kids[2 * i]->str);
		const struct frozen_node *kprops = ps ? schema_props(c, ps) : NULL;
		if (kprops && node_get(f->value->kids[2 * i + 1], key) &&
		    !frozen_get(kprops, key) && !field_below(c, kprops, key))
			return true;
	}
	return false;
}

/* A field the object of c->top does not have: where it belongs if one level down or up, else
 * the field it may be a typo of. */
static void
check_unknown_key(struct check *c, const struct node *key)
{
	const struct frame *f = c->top, *up = f->up;
	const struct frozen_node *props = f->props;
	const char *names[64], *below = field_below(c, props, key->str), *to = NULL;
	struct arena *a = c->d->arena;
	size_t n = 0;

	for (size_t i = 0; props && i < props->n && n < 64; i++)
		names[n++] = frozen_str(frozen_kid(props, 2 * i));
	const char *hint = schema_suggest(key->str, names, n);
	if (below)
		to = arena_printf(a, "%s%s%s.%s", c->path, c->pathlen ? "." : "", below, key->str);
	else if (up && frozen_get(up->props, key->str))
		to = up->pathlen ? arena_printf(a, "%.*s.%s", (int)up->pathlen, c->path, key->str)
		                 : arena_printf(a, "the top-level %s", key->str);
	if (to)
		check_error(c, key, "unknown field '%s'; did you mean %s?", key->str, to);
	else if (hint)
		check_error(c, key, "unknown field '%s'; did you mean '%s'?", key->str, hint);
	else
		check_error(c, key, "unknown field '%s'", key->str);
}

static void
check_object(struct check *c, const struct frozen_node *s, const struct node *v)
{
	const struct frozen_node *props = schema_get(c, s, W_PROPERTIES),
	                         *req = schema_get(c, s, W_REQUIRED);
	const struct frozen_node *extra = schema_get(c, s, W_ADDITIONAL_PROPERTIES);
	const struct frozen_node *names = schema_get(c, s, W_PROPERTY_NAMES),
	                         *minp = schema_get(c, s, W_MIN_PROPERTIES),
	                         *maxp = schema_get(c, s, W_MAX_PROPERTIES);
	struct frame f = {.props = props, .value = v, .pathlen = c->pathlen, .up = c->top};

	c->top = &f;
	for (size_t i = 0; req && i < req->n; i++) {
		const char *name = frozen_str(frozen_kid(req, i));
		if (!node_get(v, name) && !field_misplaced(c, &f, name))
			check_error(c, v, "missing required field '%s'", name);
	}
	const struct frozen_node *msg = schema_get(c, s, W_ERROR_MESSAGE);
	if (((minp && v->n < (size_t)frozen_ival(minp)) ||
	     (maxp && v->n > (size_t)frozen_ival(maxp))) &&
	    msg)
		check_error(c, v, "%s", frozen_str(msg));
	else if (minp && v->n < (size_t)frozen_ival(minp))
		check_error(c, v, "must have at least %lld entries", frozen_ival(minp));
	else if (maxp && v->n > (size_t)frozen_ival(maxp))
		check_error(c, v, "has %zu entries; the limit is %lld", v->n, frozen_ival(maxp));
	for (size_t i = 0; i < v->n; i++) {
		const struct node *key = v->kids[2 * i], *val = v->kids[2 * i + 1];
		const struct frozen_node *ps = frozen_get(props, key->str);
		size_t old = path_push_key(c, key->str);

		if (names)
			check_value(c, names, key);
		if (ps)
			check_value(c, ps, val);
		else if (extra && extra->kind == NODE_MAP)
			check_value(c, extra, val);
		else if (extra && extra->type == SCALAR_BOOL && !frozen_ival(extra)) {
			path_pop(c, old);
			check_unknown_key(c, key);
		}
		path_pop(c, old);
	}
	c->top = f.up;
}

static void
check_array(struct check *c, const struct frozen_node *s, const struct node *v)
{
	const struct frozen_node *items = schema_get(c, s, W_ITEMS);
	const struct frozen_node *min = schema_get(c, s, W_MIN_ITEMS),
	                         *max = schema_get(c, s, W_MAX_ITEMS);

	if (min && v->n < (size_t)frozen_ival(min))
		check_error(c, v, v->n == 0 ? "must not be empty" : "must have at least %lld items",
		            frozen_ival(min));
	if (max && v->n > (size_t)frozen_ival(max))
		check_error(c, v, "has %zu items; the limit is %lld", v->n, frozen_ival(max));
	for (size_t i = 0; items && i < v->n; i++) {
		size_t old = path_push_index(c, i);
		check_value(c, items, v->kids[i]);
		path_pop(c, old);
	}
}

/* The type a branch asks for, looking through one $ref. */
static const struct frozen_node *
branch_type(struct check *c, const struct frozen_node *b)
{
	const struct frozen_node *type = schema_get(c, b, W_TYPE);
	const struct frozen_node *ref = schema_get(c, b, W_REF);

	if (!type && ref)
		type = schema_get(c, schema_ref(c, ref), W_TYPE);
	return type;
}

/* oneOf: the value must match exactly one branch. When none matches, the errors shown are
 * those of the branch whose type fits the value, which is what its author meant. */
static void
check_one_of(struct check *c, const struct frozen_node *one_of, const struct node *v)
{
	size_t matched = 0;
	const struct frozen_node *fit = NULL;
	char want[128] = "";

	for (size_t i = 0; i < one_of->n; i++) {
		const struct frozen_node *b = frozen_kid(one_of, i), *type = branch_type(c, b);
		int failed = c->failed;
		c->quiet++;
		check_value(c, b, v);
		c->quiet--;
		matched += c->failed == failed;
		c->failed = failed;
		if (!fit && type && schema_type_ok(type, v))
			fit = b;
	}
	if (matched == 1)
		return;
	if (matched > 1) {
		check_error(c, v, "matches more than one form");
		return;
	}
	if (fit) {
		check_value(c, fit, v);
		return;
	}
	if (failed_quietly(c))
		return;
	for (size_t i = 0; i < one_of->n; i++) {
		const struct frozen_node *type = branch_type(c, frozen_kid(one_of, i));
		size_t len = strlen(want);
		if (type)
			snprintf(want + len, sizeof(want) - len, "%s%s", i ? " or " : "",
			         frozen_str(type));
	}
	check_error(c, v, "expected %s, got %s%s", want, node_type_name(v),
	            strstr(want, "integer") && v->kind == NODE_SCALAR ? integer_hint(c, v) : "");
}

static void
check_value(struct check *c, const struct frozen_node *s, const struct node *v)
{
	const struct frozen_node *ref = schema_get(c, s, W_REF), *e,
	                         *one_of = schema_get(c, s, W_ONE_OF);

	if (ref) {
		const struct frozen_node *target = schema_ref(c, ref);
		if (!target) {
			diag_io(c->d, NULL, 0, "internal error: bad $ref in the schema: %s",
			        frozen_str(ref));
			c->failed++;
			return;
		}
		check_value(c, target, v);
	}
	if (one_of) {
		check_one_of(c, one_of, v);
		return;
	}
	if (!check_type(c, s, v))
		return;
	if ((e = schema_get(c, s, W_ENUM))) {
		check_enum(c, e, v);
		return;
	}
	if (v->kind == NODE_MAP)
		check_object(c, s, v);
	else if (v->kind == NODE_SEQ)
		check_array(c, s, v);
	else if (v->type == SCALAR_STR)
		check_string(c, s, v);
	else if (v->type == SCALAR_INT || v->type == SCALAR_FLOAT)
		check_number(c, s, v);
}

int
schema_validate(struct schema *s, const struct node *doc, struct diags *d)
{
	struct check c = {.s = s, .d = d};

	check_value(&c, s->root, doc);
	return c.failed ? -1 : 0;
}
