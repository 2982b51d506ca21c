/* frozen.h: the embedded schema and templates as trees parsed at build time.
 *
 * tools/freeze.c parses schemas/rollout.schema.json and the templates once, when meshroll
 * is built (checking the templates as template_parse() does), and writes build/frozen_data.c:
 * every node of every file in one table, the kids of every map and list in another, and every
 * string in one pool, all joined by indices rather than pointers, so the tables are read-only
 * data the loader needs no relocation for. frozen_load() turns a file's part of them back into
 * nodes, in one pass and without a parser. */
#ifndef MESHROLL_FROZEN_H
#define MESHROLL_FROZEN_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "node.h"

enum frozen_flag { FROZEN_PLAIN = 1, FROZEN_NONDECIMAL = 2, FROZEN_OVERFLOW = 4 };

/* A node as struct node holds it, with indices for pointers. */
struct frozen_node {
	uint32_t str, len;   /* the text: its offset in frozen_pool, its bytes ("" off scalars) */
	uint32_t tag;        /* the tag's offset in frozen_pool plus 1; 0 for none */
	uint32_t kids;       /* the first kid's index in its file's part of frozen_kids */
	uint32_t n;          /* items or pairs */
	uint32_t weight;     /* nodes in the subtree */
	uint32_t start, end; /* character offsets in the file */
	int64_t ival;
	uint16_t line, col, span;
	uint8_t kind, type; /* enum node_kind, enum scalar_type */
	uint8_t flags;      /* enum frozen_flag */
};

/* One file's part of the tables; its root is its first node. */
struct frozen_file {
	uint32_t path;         /* "<embedded>/NAME": offset in frozen_pool */
	uint32_t node, nnodes; /* its nodes in frozen_nodes */
	uint32_t kid, nkids;   /* its kids in frozen_kids: node indices within the file */
};

/* Made by tools/freeze.c (build/frozen_data.c). */
extern const struct frozen_node frozen_nodes[];
extern const uint32_t frozen_kids[];
extern const char frozen_pool[];
extern const struct frozen_file frozen_files[];
extern const size_t frozen_nfiles;

/* The tree of the embedded file name ("templates/service.yaml") in a, its nodes' source that
 * file ("<embedded>/templates/service.yaml", its embedded bytes); strings and tags point into
 * frozen_pool and are read-only. NULL when name was not frozen. */
struct node *frozen_load(const char *name, struct arena *a);

#endif
