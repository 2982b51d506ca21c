/* diff.h: unified diffs (diff -u) of two texts, for check. */
#ifndef MESHROLL_DIFF_H
#define MESHROLL_DIFF_H

#include <stddef.h>

#include "buf.h"

/* Appends to out the unified diff, with three lines of context, that turns a into b. The
 * names head the diff ("a/x", or "/dev/null" for a file that is not there). Nothing is
 * appended when the texts are equal. */
void diff_unified(struct buf *out, const char *a_name, const char *a, size_t alen,
                  const char *b_name, const char *b, size_t blen);

#endif
