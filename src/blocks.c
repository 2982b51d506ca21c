/* blocks.c: an array in blocks; see blocks.h. */
#include "blocks.h"

#include <stdlib.h>
#include <string.h>

static void *
must(void *p)
{
	if (!p)
		abort();
	return p;
}

void *
blocks_push(struct blocks *b, size_t size, size_t block, size_t first)
{
	size_t k = b->n / block;

	if (k == 0 && b->n == b->first) { /* the first block grows, up to a whole one */
		if (!b->capblocks) {
			b->capblocks = 8;
			b->v = must(calloc(b->capblocks, sizeof(*b->v)));
		}
		b->first = b->first ? 2 * b->first : first;
		b->first = b->first < block ? b->first : block;
		b->v[0] = must(realloc(b->v[0], b->first * size));
		b->nblocks = 1;
	} else if (k > 0 && k == b->nblocks) { /* a whole block more (a cleared array has it) */
		if (k == b->capblocks) {
			b->capblocks *= 2;
			b->v = must(realloc(b->v, b->capblocks * sizeof(*b->v)));
		}
		b->v[k] = must(malloc(block * size));
		b->nblocks++;
	}
	return blocks_at(b, b->n++, size, block);
}

void
blocks_release(struct blocks *b)
{
	for (size_t k = 0; k < b->nblocks; k++)
		free(b->v[k]);
	free(b->v);
	memset(b, 0, sizeof(*b));
}
