/* compare.h: the tree on disk against what render would write, for check and status.
 *
 * Nothing here writes: the tree is read only through tree.h (no link below the output
 * directory followed, no FIFO waited on). Strings and arrays live in the run's arena; the
 * diff, when one is asked for, in a buffer the caller owns. */
#ifndef MESHROLL_COMPARE_H
#define MESHROLL_COMPARE_H

#include <stddef.h>

#include "buf.h"
#include "paths.h"
#include "run.h"
#include "tree.h"

/* A file on disk is shown in a diff only up to this size (or twice what render writes
 * there): a bigger one is not meshroll's and is reported as differing without being read. */
enum { COMPARE_MAX_BYTES = 4 * 1024 * 1024 };

/* What this run may prune (tree.h): the trees of its rollouts, and files from rollout files
 * below the directories named; in r's arena. */
struct tree_scope compare_scope(struct run *r);
/* One namespace and name, one rollout file, across runs too: a rollout found below a
 * directory may not take over a tree under out that another rollout file renders while that
 * file is still there and this run does not read it (an error); a rollout file named on its
 * own may (a warning). Returns -1 after an error. */
int compare_owners(struct run *r, struct tree *t, const struct tree_scope *scope, const char *out);

struct compare {
	struct run *r;         /* borrowed */
	struct tree tree;      /* the output directory; root -1 when it does not exist */
	struct buf *diff;      /* a unified diff of each file that differs; borrowed; NULL: none */
	size_t differ;         /* files that differ, are missing or are stale */
	struct paths expected; /* every path the rollouts compared produce */
	char **temps;          /* temporaries of other runs; arena */
	size_t ntemps, captemps;
	char **stale; /* files and temporaries render would remove; arena */
	size_t nstale, capstale;
	size_t unclaimed;  /* files outside the scope's trees that name no rollout file */
	const char *first; /* the first of them; arena */
};

/* Opens the output directory out for reading (one that does not exist holds nothing); diff
 * may be NULL. Returns 0, or -1 with an I/O diagnostic. */
int compare_open(struct compare *c, struct run *r, const char *out, struct buf *diff);
/* Renders ro in memory and compares each of its files with the disk. Returns 0, or -1 with
 * an I/O diagnostic. */
int compare_rollout(struct compare *c, const struct rollout *ro);
/* Finds, below the scope's roots, what render would remove (meshroll's files that no rollout
 * compared produces, and temporaries of no live run) and counts them as differing. Call it
 * after compare_rollout() of every rollout of the scope. Returns 0, or -1 with an I/O
 * diagnostic. */
int compare_stale(struct compare *c, const struct tree_scope *scope);
/* Forgets the files compared so far, to compare another rollout on its own. */
void compare_reset(struct compare *c);
/* Closes the output directory; c may be half-opened, or never opened if it was set to
 * {.tree.root = -1}. */
void compare_close(struct compare *c);

#endif
