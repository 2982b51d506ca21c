/* emit.h: meshroll's own YAML writer, so the output bytes do not move when a library does.
 *
 * Rules (DESIGN.md, output rules): keys in the order of the tree; two-space indent; list
 * items at their parent key's column; no line folding; integers plain; booleans true and
 * false; a string is plain only when it matches ^[A-Za-z][A-Za-z0-9._/-]*$ and is no YAML
 * 1.1 bool or null word, else double-quoted; SCALAR_BLOCK strings as literal blocks. */
#ifndef MESHROLL_EMIT_H
#define MESHROLL_EMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "node.h"

/* Appends doc (a map, a list or a scalar) as the body of one YAML document. */
void emit_document(struct buf *b, const struct node *doc);
/* Whether a string may be written without quotes. */
bool emit_plain_ok(const char *s, size_t len);

#endif
