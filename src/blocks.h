/* blocks.h: an array that grows without moving what it holds, for what grows with the number
 * of files of a run (the write transaction's steps, the set of paths). The first block starts
 * small and doubles until it holds a whole block's items (most runs write a few files); past
 * it, whole blocks are added, so nothing is copied and at most one block is partly unused.
 * An item is found by its index. A struct blocks that is all zero is empty; its users give
 * the item's size and the items of a block, constants, at each call. */
#ifndef MESHROLL_BLOCKS_H
#define MESHROLL_BLOCKS_H

#include <stddef.h>

struct blocks {
	void **v;                  /* the blocks; heap */
	size_t n;                  /* items held */
	size_t first;              /* items the first block has room for */
	size_t nblocks, capblocks; /* blocks allocated (kept by blocks_clear()), and room in v */
};

/* Room for one more item at the end, counted in n; its bytes are undefined. The first block
 * starts with room for first items. Aborts when memory runs out. */
void *blocks_push(struct blocks *b, size_t size, size_t block, size_t first);
/* Item i (below n). */
static inline void *
blocks_at(const struct blocks *b, size_t i, size_t size, size_t block)
{
	return (char *)b->v[i / block] + i % block * size;
}
/* Forgets every item, keeping the blocks for the items to come. */
static inline void
blocks_clear(struct blocks *b)
{
	b->n = 0;
}
void blocks_release(struct blocks *b);

#endif
