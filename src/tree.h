/* tree.h: reading the output tree as it is on disk, and knowing which of its files meshroll
 * owns: those whose first line is meshroll's header (render.h), and only those. */
#ifndef MESHROLL_TREE_H
#define MESHROLL_TREE_H

#include <dirent.h>
#include <stddef.h>

#include "diag.h"

/* Reads the regular file at path, not through a final link, into *data (malloc'd; the caller
 * frees it). Returns 0, 1 when there is no file there, or -1 with an I/O diagnostic. */
int tree_read(const char *path, char **data, size_t *len, struct diags *d);
/* Whether the regular file at path (not a link) begins with meshroll's header line. */
int tree_owned(const char *path);
/* Calls fn with the path (relative to out) of every file meshroll owns below out/root
 * (root "" is all of out) that is not in expected, a sorted array of relative paths.
 * Hidden entries are skipped and links are not followed. Returns 0, or -1 with an I/O
 * diagnostic. A root that does not exist holds nothing. */
int tree_stale(const char *out, const char *root, char *const *expected, size_t n,
               void (*fn)(void *ctx, const char *rel), void *ctx, struct diags *d);
/* DT_DIR, DT_REG or DT_UNKNOWN for another type: from the entry, else lstat (a link is not
 * followed, so it is neither). */
int tree_entry_type(const struct dirent *e, const char *path);
/* Bytewise order of directory entries for scandir, whatever the locale. */
int tree_dirent_cmp(const struct dirent **a, const struct dirent **b);
/* strcmp for qsort and bsearch over arrays of char *. */
int tree_path_cmp(const void *a, const void *b);

#endif
