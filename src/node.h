/* node.h: the YAML tree every stage works on.
 *
 * The parser builds it from a rollout file or a template (with the marks of
 * every node); render builds one for each generated document and the writer
 * prints it. Nodes live in an arena and are never freed on their own. A
 * parsed tree may share subtrees where the input used aliases. */
#ifndef MESHROLL_NODE_H
#define MESHROLL_NODE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"

struct source;

enum node_kind { NODE_SCALAR, NODE_SEQ, NODE_MAP };

/* What a scalar means under YAML 1.1 as kubectl reads it (quoted scalars are strings). */
enum scalar_type {
	SCALAR_STR,
	SCALAR_INT,
	SCALAR_FLOAT,
	SCALAR_BOOL,
	SCALAR_NULL,
	SCALAR_BLOCK, /* generated only: a string the writer prints as a literal block */
};

struct node {
	enum node_kind kind;
	enum scalar_type type;    /* scalars only */
	const struct source *src; /* the file it was read from; NULL when generated */
	int line, col;            /* 1-based start; 0 when generated */
	int span;                 /* width in characters of a scalar on its line, for carets */
	size_t start, end;        /* character offsets of the node in its source (libyaml marks) */
	const char *tag;          /* a local tag as written ("!str"); NULL for none */
	const char *str;          /* scalar text, NUL-terminated; arena */
	size_t len;
	long long ival;     /* SCALAR_INT value, SCALAR_BOOL 0/1 */
	bool plain;         /* written without quotes */
	bool nondecimal;    /* an integer not in plain decimal: octal, hex, 1_000 */
	bool overflow;      /* an integer outside 64 bits */
	struct node **kids; /* SEQ: items; MAP: key0, value0, key1, value1, ... */
	size_t n;           /* SEQ: items; MAP: pairs */
	size_t cap;         /* room in kids, in items or pairs */
	size_t weight;      /* nodes in the subtree, counting what aliases repeat */
};

/* Gives a plain scalar its YAML 1.1 type (null, bool, int, float or string). */
void node_resolve(struct node *n);
/* The value of key in a map, NULL when absent or when map is not a map. */
struct node *node_get(const struct node *map, const char *key);
/* The key node of key in a map (for a diagnostic at a field's name); NULL as node_get(). */
struct node *node_get_key(const struct node *map, const char *key);
bool node_is_str(const struct node *n);
/* "string", "integer", "number", "boolean", "null", "object", "array": JSON Schema's words. */
const char *node_type_name(const struct node *n);
/* Records a diagnostic at the node; returns -1. */
int node_error(struct diags *d, const struct node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int node_warning(struct diags *d, const struct node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Generated nodes. */
struct node *node_new_str(struct arena *a, const char *s);
struct node *node_new_int(struct arena *a, long long v);
/* The same, or NULL for no value (s NULL, v negative): a template drops what has none. */
struct node *node_new_str_or_none(struct arena *a, const char *s);
struct node *node_new_int_or_none(struct arena *a, long long v);
struct node *node_new_bool(struct arena *a, bool v);
struct node *node_new_null(struct arena *a);
/* A number in its decimal text as given ("12.5"), written as it is. */
struct node *node_new_number(struct arena *a, const char *decimal);
struct node *node_new_block(struct arena *a, const char *s, size_t len);
struct node *node_new_seq(struct arena *a, size_t cap);
struct node *node_new_map(struct arena *a, size_t cap);
/* Appends to a node made with room for it (cap); aborts past cap. */
void node_seq_add(struct node *seq, struct node *item);
void node_map_add(struct node *map, struct node *key, struct node *value);
/* A deep copy in a, without marks or tags, each map with room for extra more pairs; integers
 * in decimal, booleans as true and false, so that YAML 1.1 and 1.2 read it the same. */
struct node *node_copy(struct arena *a, const struct node *n, size_t extra);
/* A copy of a map whose string keys are sorted bytewise (labels are free-form maps). */
struct node *node_sorted_map(struct arena *a, const struct node *map);

#endif
