/* parse.c: libyaml events to nodes; duplicate keys, depth and alias budget. */
#include "parse.h"

#include "hash.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct parser {
	yaml_parser_t yp;
	const struct source *src;
	struct arena *a;
	struct diags *d;
	unsigned flags;
	int depth;
	size_t alias_nodes;        /* nodes repeated by aliases so far */
	struct hash_table anchors; /* anchor name -> its node */
	bool fatal;                /* a syntax error or a limit: stop */
};

/* A fatal error at a libyaml mark: parsing stops. */
static int
parser_fail_at(struct parser *p, yaml_mark_t m, const char *msg)
{
	p->fatal = true;
	return diag_at(p->d, DIAG_ERROR, p->src, (int)m.line + 1, (int)m.column + 1, 1, "%s", msg);
}

/* The column of a tab in the indentation of line, when col is within that indentation (where
 * libyaml stops at one); 0 when there is none. */
static int
tab_in_indent(const struct source *src, int line, int col)
{
	size_t len, indent;
	const char *text = source_line(src, line, &len);

	if (!text)
		return 0;
	for (indent = 0; indent < len && (text[indent] == ' ' || text[indent] == '\t'); indent++)
		;
	const char *tab = memchr(text, '\t', indent);
	return tab && (size_t)col <= indent ? (int)(tab - text) + 1 : 0;
}

static int
parser_syntax_error(struct parser *p)
{
	const yaml_parser_t *yp = &p->yp;
	const char *problem = yp->problem ? yp->problem : "invalid yaml";
	int line, col;

	p->fatal = true;
	if (yp->error == YAML_READER_ERROR) {
		source_locate(p->src, yp->problem_offset, &line, &col);
		return diag_at(p->d, DIAG_ERROR, p->src, line, col, 1, "invalid yaml: %s", problem);
	}
	line = (int)yp->problem_mark.line + 1;
	col = (int)yp->problem_mark.column + 1;
	int tab = tab_in_indent(p->src, line, col);
	if (tab)
		return diag_at(p->d, DIAG_ERROR, p->src, line, tab, 1,
		               "invalid yaml: a tab in the indentation; indent with spaces");
	if (yp->context)
		return diag_at(p->d, DIAG_ERROR, p->src, line, col, 1,
		               "invalid yaml: %s (%s at line %d)", problem, yp->context,
		               (int)yp->context_mark.line + 1);
	return diag_at(p->d, DIAG_ERROR, p->src, line, col, 1, "invalid yaml: %s", problem);
}

static int
parser_next(struct parser *p, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&p->yp, ev))
		return parser_syntax_error(p);
	return 0;
}

static struct node *
parser_alias(struct parser *p, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	long i = hash_find(&p->anchors, name, strlen(name));
	struct node *target = i == HASH_NONE ? NULL : hash_get(&p->anchors, (size_t)i);

	if (!target) {
		parser_fail_at(p, ev->start_mark, arena_printf(p->a, "unknown anchor '%s'", name));
		return NULL;
	}
	p->alias_nodes += target->weight;
	if (p->alias_nodes > PARSE_MAX_ALIAS_NODES) {
		parser_fail_at(p, ev->start_mark,
		               arena_printf(p->a,
		                            "aliases expand to more than %d nodes (at alias '%s')",
		                            PARSE_MAX_ALIAS_NODES, name));
		return NULL;
	}
	return target;
}

static struct node *
parser_new(struct parser *p, enum node_kind kind, const yaml_event_t *ev)
{
	struct node *n = arena_alloc(p->a, sizeof(*n));

	n->kind = kind;
	n->src = p->src;
	n->line = (int)ev->start_mark.line + 1;
	n->col = (int)ev->start_mark.column + 1;
	n->span = 1;
	n->weight = 1;
	n->str = "";
	n->start = ev->start_mark.index;
	n->end = ev->end_mark.index;
	return n;
}

static const struct {
	const char *tag;
	int kind, type;
} core_tags[] = {
    {"tag:yaml.org,2002:map", NODE_MAP, -1},
    {"tag:yaml.org,2002:seq", NODE_SEQ, -1},
    {"tag:yaml.org,2002:int", NODE_SCALAR, SCALAR_INT},
    {"tag:yaml.org,2002:float", NODE_SCALAR, SCALAR_FLOAT},
    {"tag:yaml.org,2002:bool", NODE_SCALAR, SCALAR_BOOL},
    {"tag:yaml.org,2002:null", NODE_SCALAR, SCALAR_NULL},
};

/* Whether n's value is what a core tag says it is; -1 when tag is none of them. */
static int
core_tag_match(const struct node *n, const char *tag)
{
	for (size_t i = 0; i < sizeof(core_tags) / sizeof(core_tags[0]); i++)
		if (strcmp(tag, core_tags[i].tag) == 0)
			return (int)n->kind == core_tags[i].kind &&
			       (core_tags[i].type < 0 || (int)n->type == core_tags[i].type);
	return -1;
}

int
parse_tag_error(struct diags *d, const struct node *n)
{
	if (core_tag_match(n, n->tag) == 0)
		return node_error(d, n, "value does not match its tag '%s'", n->tag);
	return node_error(d, n, "unsupported tag '%s'", n->tag);
}

/* Core tags that agree with the value are fine; !!str makes a string; another tag is kept
 * where the caller asked for it (local tags in templates, any under PARSE_KEEP_TAGS), else
 * it is an error. */
static void
parser_tag(struct parser *p, struct node *n, const char *tag)
{
	if (!tag || strcmp(tag, "!") == 0)
		return;
	if (strcmp(tag, "tag:yaml.org,2002:str") == 0 && n->kind == NODE_SCALAR) {
		n->type = SCALAR_STR;
		return;
	}
	if (core_tag_match(n, tag) == 1)
		return;
	n->tag = arena_strdup(p->a, tag);
	if (!(p->flags & PARSE_KEEP_TAGS) &&
	    !((p->flags & PARSE_LOCAL_TAGS) && tag[0] == '!' && tag[1] != '!'))
		parse_tag_error(p->d, n);
}

static struct node *
parser_scalar(struct parser *p, const yaml_event_t *ev)
{
	struct node *n = parser_new(p, NODE_SCALAR, ev);

	n->str = arena_strndup(p->a, (const char *)ev->data.scalar.value, ev->data.scalar.length);
	n->len = ev->data.scalar.length;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (ev->end_mark.line == ev->start_mark.line && ev->end_mark.column > ev->start_mark.column)
		n->span = (int)(ev->end_mark.column - ev->start_mark.column);
	node_resolve(n);
	parser_tag(p, n, (const char *)ev->data.scalar.tag);
	/* "\0", "\x00" or "\u0000" in a quoted string: C strings would end there ("rev\0/../x"
	 * would be "rev" to the checks, and to the writer) */
	if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length))
		node_error(p->d, n, "string contains a nul character (\\0); remove it");
	return n;
}

static int
key_cmp(const void *pa, const void *pb)
{
	const struct node *a = *(struct node *const *)pa, *b = *(struct node *const *)pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->str, b->str, n);

	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return a->line != b->line ? (a->line < b->line ? -1 : 1)
	                          : (a->col > b->col) - (a->col < b->col);
}

/* Every key of a map must be a scalar and appear once; sorting keeps a big map fast. */
static void
parser_check_keys(struct parser *p, struct node *map)
{
	struct node **keys = malloc((map->n ? map->n : 1) * sizeof(*keys));
	size_t nkeys = 0;

	if (!keys)
		abort();
	for (size_t i = 0; i < map->n; i++) {
		struct node *k = map->kids[2 * i];
		if (k->kind != NODE_SCALAR)
			node_error(p->d, k, "mapping keys must be scalars");
		else
			keys[nkeys++] = k;
	}
	qsort(keys, nkeys, sizeof(*keys), key_cmp);
	for (size_t i = 1; i < nkeys; i++)
		if (keys[i]->len == keys[i - 1]->len &&
		    memcmp(keys[i]->str, keys[i - 1]->str, keys[i]->len) == 0)
			node_error(p->d, keys[i], "duplicate key '%s' (first at line %d)",
			           keys[i]->str, keys[i - 1]->line);
	free(keys);
}

static struct node *parser_node(struct parser *p, yaml_event_t *ev);

/* The items of a list or the keys and values of a map, up to its end event. */
static struct node *
parser_collection(struct parser *p, struct node *n, yaml_event_type_t end)
{
	size_t cap = 0, len = 0;
	yaml_event_t ev;

	if (++p->depth > PARSE_MAX_DEPTH) {
		p->fatal = true;
		node_error(p->d, n, "nesting deeper than %d levels", PARSE_MAX_DEPTH);
		return NULL;
	}
	for (;;) {
		if (parser_next(p, &ev) < 0)
			return NULL;
		if (ev.type == end) {
			n->end = ev.end_mark.index;
			yaml_event_delete(&ev);
			break;
		}
		struct node *kid = parser_node(p, &ev);
		if (!kid)
			return NULL;
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			n->kids = arena_grow(p->a, n->kids, cap * sizeof(*n->kids),
			                     ncap * sizeof(*n->kids));
			cap = ncap;
		}
		n->kids[len++] = kid;
		n->weight += kid->weight;
	}
	p->depth--;
	n->n = n->kind == NODE_MAP ? len / 2 : len;
	n->cap = n->n;
	if (n->kind == NODE_MAP)
		parser_check_keys(p, n);
	return n;
}

/* Builds the node that starts with ev (consumed). NULL after a fatal error. */
static struct node *
parser_node(struct parser *p, yaml_event_t *ev)
{
	struct node *n = NULL;
	const char *anchor = NULL, *tag = NULL;

	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		n = parser_alias(p, ev);
		yaml_event_delete(ev);
		return n;
	case YAML_SCALAR_EVENT:
		n = parser_scalar(p, ev);
		anchor = (const char *)ev->data.scalar.anchor;
		break;
	case YAML_SEQUENCE_START_EVENT:
		n = parser_new(p, NODE_SEQ, ev);
		anchor = (const char *)ev->data.sequence_start.anchor;
		tag = (const char *)ev->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		n = parser_new(p, NODE_MAP, ev);
		anchor = (const char *)ev->data.mapping_start.anchor;
		tag = (const char *)ev->data.mapping_start.tag;
		break;
	default:
		parser_fail_at(p, ev->start_mark, "unexpected yaml event");
		yaml_event_delete(ev);
		return NULL;
	}
	char *anchor_name = anchor ? arena_strdup(p->a, anchor) : NULL;
	yaml_event_type_t type = ev->type;
	if (n->kind != NODE_SCALAR)
		parser_tag(p, n, tag);
	yaml_event_delete(ev);
	if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT) {
		n = parser_collection(p, n,
		                      type == YAML_SEQUENCE_START_EVENT ? YAML_SEQUENCE_END_EVENT
		                                                        : YAML_MAPPING_END_EVENT);
	}
	if (n && anchor_name) /* a later anchor of the same name wins, as in YAML */
		hash_set(&p->anchors, hash_add(&p->anchors, anchor_name, strlen(anchor_name)), n);
	return n;
}

/* Events up to the first document's root; NULL (no error) for an empty stream. */
static int
parser_skip_to_root(struct parser *p, yaml_event_t *ev)
{
	for (;;) {
		if (parser_next(p, ev) < 0)
			return -1;
		switch (ev->type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_START_EVENT:
			yaml_event_delete(ev);
			continue;
		case YAML_STREAM_END_EVENT:
			yaml_event_delete(ev);
			return 1;
		default:
			return 0;
		}
	}
}

/* After the root: a document end, then the end of the stream and not a second document. */
static int
parser_expect_end(struct parser *p)
{
	yaml_event_t ev;

	for (;;) {
		if (parser_next(p, &ev) < 0)
			return -1;
		yaml_event_type_t type = ev.type;
		yaml_mark_t mark = ev.start_mark;
		yaml_event_delete(&ev);
		if (type == YAML_DOCUMENT_END_EVENT)
			continue;
		if (type == YAML_STREAM_END_EVENT)
			return 0;
		return parser_fail_at(p, mark,
		                      "a rollout file holds one yaml document; found a "
		                      "second one");
	}
}

int
parse_document(const struct source *src, unsigned flags, struct arena *a, struct diags *d,
               struct node **root)
{
	struct parser p = {.src = src, .a = a, .d = d, .flags = flags};
	int errors = d->errors;
	yaml_event_t ev;

	*root = NULL;
	if (!yaml_parser_initialize(&p.yp))
		return diag_io(d, src->path, 0, "cannot initialize the yaml parser");
	yaml_parser_set_input_string(&p.yp, (const unsigned char *)src->data, src->len);
	int r = parser_skip_to_root(&p, &ev);
	if (r == 1)
		diag_at(d, DIAG_ERROR, src, 1, 1, 1,
		        "no yaml document: the file is empty or holds only comments");
	else if (r == 0) {
		*root = parser_node(&p, &ev);
		if (*root)
			parser_expect_end(&p);
	}
	yaml_parser_delete(&p.yp);
	hash_release(&p.anchors);
	if (d->errors > errors) {
		*root = NULL;
		return -1;
	}
	return 0;
}
