/* patch.h: the JSON 6902 difference between two objects, for the stage overlays.
 *
 * A pure function of two trees: the operations that turn the base's object into the stage's,
 * in document order. Every replace and remove is preceded by a test of the base's value, so
 * that an overlay applied to a base it was not computed from fails instead of writing a mix. */
#ifndef MESHROLL_PATCH_H
#define MESHROLL_PATCH_H

#include "arena.h"
#include "node.h"

/* The operations (a sequence of {op, path, value} maps) that turn from into to; a sequence
 * with no item when they are equal. Maps are compared key by key (a key only in from is
 * removed, one only in to is added, after the keys both have); sequences item by item, the
 * longer one's tail added or removed from the end; a scalar, or a value whose kind changes,
 * is replaced whole. */
struct node *patch_diff(const struct node *from, const struct node *to, struct arena *a);

#endif
