/* frozen.h: the embedded schema and templates as trees parsed at build time.
 *
 * tools/freeze.c parses schemas/rollout.schema.json and the templates once, when meshroll
 * is built (checking the templates as template_parse() does), and writes build/frozen_data.c:
 * every node of every file in one table (its marks, which a reader in place needs only for
 * an error message, in a second; a scalar's integer in a third), the kids of every map and
 * list in another, and every string in one pool, all joined by indices rather than
 * pointers, so the tables are read-only data the loader needs no relocation for.
 * frozen_load() turns a file's part of them back into nodes, in one pass and without a
 * parser; a reader that only looks (schema.c) walks them in place, touching only the pages
 * it reads. */
#ifndef MESHROLL_FROZEN_H
#define MESHROLL_FROZEN_H

#include <limits.h> /* LLONG_MIN, in build/frozen_data.c */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "node.h"
#include "pattern.h"

enum frozen_flag { FROZEN_PLAIN = 1, FROZEN_NONDECIMAL = 2, FROZEN_OVERFLOW = 4 };

/* A node as a reader in place needs it, with indices for pointers: 20 bytes, so that the
 * schema's nodes a check walks lie on few pages. What only a node made from the tables needs
 * is apart, in frozen_marks. */
struct frozen_node {
	uint32_t str, len;  /* the text: its offset in frozen_pool, its bytes ("" off scalars) */
	uint32_t kids;      /* a map or list: its first kid's index in frozen_kids; a scalar: its
	                       value's index in frozen_ints (0 for a scalar with none) */
	uint32_t n;         /* items or pairs */
	uint8_t kind, type; /* enum node_kind, enum scalar_type */
	uint8_t flags;      /* enum frozen_flag */
};

/* The rest of frozen_nodes[i], in frozen_marks[i]. */
struct frozen_mark {
	uint32_t tag;        /* the tag's offset in frozen_pool plus 1; 0 for none */
	uint32_t weight;     /* nodes in the subtree */
	uint32_t start, end; /* character offsets in the file */
	uint16_t line, col, span;
};

/* One file's part of the tables; its root is its first node. */
struct frozen_file {
	uint32_t path;         /* "<embedded>/NAME": offset in frozen_pool */
	uint32_t node, nnodes; /* its nodes in frozen_nodes */
	uint32_t kid, nkids;   /* its kids in frozen_kids: indices in frozen_nodes */
};

/* The program of one of the schema's patterns, compiled at build time. */
struct frozen_pattern {
	uint32_t str;     /* the pattern's text: its offset in frozen_pool */
	uint32_t insn, n; /* its program in frozen_insns */
	uint8_t anchored; /* as struct pattern's */
};

/* Made by tools/freeze.c (build/frozen_data.c). */
extern const struct frozen_node frozen_nodes[];
extern const struct frozen_mark frozen_marks[];
extern const uint32_t frozen_kids[];
extern const long long frozen_ints[]; /* as struct node's ival; [0] is 0 */
extern const char frozen_pool[];
extern const struct frozen_file frozen_files[];
extern const size_t frozen_nfiles;
/* Every map key as its offset in frozen_pool plus 1, open addressing by hash_str(); 0: empty. */
extern const uint32_t frozen_words[];
extern const size_t frozen_nwords; /* slots, a power of two */

extern const struct pattern_insn frozen_insns[];
extern const struct frozen_pattern frozen_patterns[]; /* by str */
extern const size_t frozen_npatterns;

/* What frozen_word() gives a string no frozen map has as a key. */
#define FROZEN_NO_WORD UINT32_MAX

/* The tree of the embedded file name ("templates/service.yaml") in a, its nodes' source that
 * file ("<embedded>/templates/service.yaml", its embedded bytes); strings and tags point into
 * frozen_pool and are read-only. NULL when name was not frozen. */
struct node *frozen_load(const char *name, struct arena *a);
/* The root of the embedded file name, read in place; *path gets "<embedded>/NAME". NULL when
 * name was not frozen. */
const struct frozen_node *frozen_root(const char *name, const char **path);
/* The key s as a word: its offset in frozen_pool, the same for every map that has it; or
 * FROZEN_NO_WORD when no frozen map has it. */
uint32_t frozen_word(const char *s);
/* The value of the key that is word in a map; NULL when absent or when map is not a map. */
const struct frozen_node *frozen_get_word(const struct frozen_node *map, uint32_t word);
/* The value of key in a map, as node_get(): frozen_get_word() of frozen_word(key). */
const struct frozen_node *frozen_get(const struct frozen_node *map, const char *key);
/* The program of pattern n, the value of a "pattern" key in the schema, compiled at build time
 * (no heap; *p points into frozen_insns). Returns false when n is no such pattern. */
bool frozen_pattern(const struct frozen_node *n, struct pattern *p);

/* Kid i of a map or list: in a map, key0, value0, key1, value1, ... as in struct node. */
static inline const struct frozen_node *
frozen_kid(const struct frozen_node *n, size_t i)
{
	return &frozen_nodes[frozen_kids[n->kids + i]];
}

/* The marks of a node: its line, column, tag, ... */
static inline const struct frozen_mark *
frozen_mark(const struct frozen_node *n)
{
	return &frozen_marks[n - frozen_nodes];
}

/* As struct node's ival: a SCALAR_INT's value, a SCALAR_BOOL's 0 or 1; 0 off scalars. */
static inline long long
frozen_ival(const struct frozen_node *n)
{
	return n->kind == NODE_SCALAR ? frozen_ints[n->kids] : 0;
}

/* The text of a node, NUL-terminated; "" off scalars. */
static inline const char *
frozen_str(const struct frozen_node *n)
{
	return frozen_pool + n->str;
}

/* A string scalar, as node_is_str(). */
static inline bool
frozen_is_str(const struct frozen_node *n)
{
	return n && n->kind == NODE_SCALAR && n->type == SCALAR_STR;
}

#endif
