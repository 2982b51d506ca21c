/* paths.h: many relative paths, stored as a tree of interned names: each path is a node
 * (its directory's node, its last name), each distinct name is stored once. A run's paths
 * repeat the same few names ("kustomization.yaml", "base", "stages", "010") under many
 * directories, so a path costs 8 bytes, not its length. A node is named by its id, which
 * stays valid as the set grows; a directory's id is lower than those of the paths below it.
 * A struct paths that is all zero is an empty set. */
#ifndef MESHROLL_PATHS_H
#define MESHROLL_PATHS_H

#include <stddef.h>
#include <stdint.h>

#include "blocks.h"
#include "hash.h"

/* One path: its directory's node (PATHS_NONE at the top) and its last name. */
struct paths_node {
	uint32_t parent;
	uint32_t name; /* the name's number in names, shifted left by 2; the low bits: flags */
};

#define PATHS_NONE UINT32_MAX /* no node (past an enum's int) */

enum {
	PATHS_LISTED = 1,   /* added by paths_add() */
	PATHS_MARK = 2,     /* paths_mark(): the caller's */
	PATHS_BLOCK = 8192, /* nodes in a block (64 KiB) */
};

struct paths {
	struct hash_table names; /* every distinct name, once */
	struct blocks nodes;     /* every path and every directory above one, by id */
	uint32_t *set;           /* nodes as a hash set of id + 1 (0: empty); heap */
	size_t capset;
};

void paths_init(struct paths *p);
/* Adds s (and each directory above it) unlisted, where it is not in the set; returns its id. */
uint32_t paths_str(struct paths *p, const char *s);
/* Adds s as paths_str() does and lists it; returns its id. */
uint32_t paths_add(struct paths *p, const char *s);
/* The id of s, or PATHS_NONE where it is not in the set. */
uint32_t paths_find(const struct paths *p, const char *s);
/* The path of id written to buf (of size n); NULL where it does not fit. */
const char *paths_at(const struct paths *p, uint32_t id, char *buf, size_t n);
/* The node of id. */
static inline struct paths_node *
paths_node(const struct paths *p, uint32_t id)
{
	return blocks_at(&p->nodes, id, sizeof(struct paths_node), PATHS_BLOCK);
}
/* Marks id (PATHS_MARK), and whether it is marked. */
void paths_mark(struct paths *p, uint32_t id);
static inline int
paths_marked(const struct paths *p, uint32_t id)
{
	return (paths_node(p, id)->name & PATHS_MARK) != 0;
}
/* Whether s is listed. */
int paths_has(const struct paths *p, const char *s);
/* Empties the set, keeping its memory for the paths to come. */
void paths_clear(struct paths *p);
void paths_release(struct paths *p);

#endif
