/* scan.h: the listings of directories that tree.c takes as tree_dir() first opens them,
 * for the stale walk (tree_stale()), which so reads no directory of a rollout tree twice.
 *
 * A scan starts at a rollout tree's directory ("<ns>/<name>", depth 2) and takes in each
 * directory opened below it while it stays open in the chain. An entry that is opened since
 * (a directory, which the scan takes in too, or a file through tree_open_file(), which only
 * the files a run produces are) is no business of the walk's; the others are left to it,
 * and the walk still weighs each against the run's expected paths. Internal to tree.c. */
#ifndef MESHROLL_SCAN_H
#define MESHROLL_SCAN_H

#include <stddef.h>

#include "diag.h"
#include "tree.h"

/* One entry of a listing. */
struct listed {
	size_t name;        /* offset in the listing's names */
	unsigned char type; /* DT_* */
	unsigned char seen; /* a scan's: opened since (a directory, or a file render makes) */
};

/* The entries of one directory that the walk looks at, sorted bytewise. */
struct listing {
	char *names; /* back to back, NUL-terminated; heap */
	size_t len, cap;
	struct listed *v; /* heap */
	size_t n, capv;
};

void listing_release(struct listing *l);
/* Reads the entries of the directory open as fd (from its offset: the caller rewinds one
 * read before) into l, sorted; getdents64 on fd itself, no second open. Returns 0, or -1
 * with errno. */
int tree_list(int fd, struct listing *l);

/* tree_dir() opened (made, when its state says so) the directory t->path as the deepest of
 * the chain, fd: scans it when it is a tree's, or lies below one being scanned and was not
 * taken in yet. Returns 0, or -1 with a diagnostic. */
int scan_enter(struct tree *t, int fd, struct diags *d);
/* The chain's directory at level k closes (t->path still holds it): when it was being
 * scanned, its entries no one opened are left to the walk. */
void scan_leave(struct tree *t, int k);
/* tree_open_file() opened name in dfd. */
void scan_see(struct tree *t, int dfd, const char *name);
/* Ends every scan of the chain, for the walk; no more start (tree_scan_reset() again). */
void scan_end(struct tree *t);
/* Frees s; NULL is none. */
void scan_free(struct tree_scan *s);
/* Whether a scan took in the tree (s may be NULL). */
int scan_has(const struct tree_scan *s, const char *tree);
/* Whether the run made the tree (s may be NULL). */
int scan_made(const struct tree_scan *s, const char *tree);
/* After scan_end(): calls fn with each entry the scans left below tree, in the walk's order
 * (a directory's entries right after it): its directory relative to out, its name and
 * DT_* type. Stops at fn's first nonzero return, and returns it. */
int scan_left(const struct tree_scan *s, const char *tree,
              int (*fn)(void *ctx, const char *dir, const char *name, unsigned char type),
              void *ctx);

#endif
