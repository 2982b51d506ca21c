/* write.h: the write stage, the only code that writes to the filesystem.
 *
 * A run writes as one transaction. Every new or changed file goes to a temporary beside its
 * target first; a file whose bytes are already on disk is not touched (its mtime stays). Only
 * when all temporaries are written does the commit move them into place, each rename undone
 * again if a later one fails, so a run that fails changes nothing; only a crash in the middle
 * of the commit can leave some files new and some old, which check reports. Files meshroll
 * owns (tree.h) that no rollout produces any more are removed the same way.
 *
 * Renders into one output directory take turns: each holds an exclusive flock on it from
 * its first look at the tree to its end, so no run reads a tree that another is half-way
 * through committing. Temporaries are named ".<file>.meshroll-<random id>-<n>.tmp"; those of
 * other runs that a run finds are a crashed run's, and it removes them (unless a run writing
 * a tree below holds a lock on a directory between). A failed commit undoes only what is
 * still its own, so even without flock a concurrent run's newer file stays. */
#ifndef MESHROLL_WRITE_H
#define MESHROLL_WRITE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "blocks.h"
#include "diag.h"
#include "paths.h"
#include "render.h"
#include "tree.h"

struct write_entry;

/* An id a run drew before its id (a temporary's name was taken). */
struct write_oldid {
	char id[40];
	unsigned long until; /* the counter when it was replaced: names below it have it */
};

struct write_txn {
	const char *dir;     /* the output directory; borrowed */
	struct tree tree;    /* its descriptors; root -1 until write_txn_begin() */
	struct blocks steps; /* the commit's, in order: struct write_entry (write.c) */
	/* every path the rollouts produce (listed), the paths of stale files and leftovers, and
	 * the directories above them: the entries name them by id; the directories this run
	 * created below dir are marked (paths_mark) */
	struct paths paths;
	char **outmade; /* directories this run created on the way to dir, dir last; heap */
	size_t noutmade, capoutmade;
	const char *kind;           /* "meshroll" (render), "meshroll-promote": starts id */
	char id[40];                /* "<kind>-<random hex>": in this run's temporaries' names */
	struct write_oldid *oldids; /* the ids drawn before id, in order; heap */
	size_t nids;                /* of oldids */
	unsigned long counter;      /* for temporary names */
	dev_t *devs; /* the devices of the new files: the entries name them by index; heap */
	size_t ndevs;
	int committed; /* in place: keep the directories made */
};

void write_txn_init(struct write_txn *w, const char *dir);
enum write_flags {
	WRITE_CREATE = 1 << 0, /* write_txn_begin: make the output directory where it is not */
	WRITE_WAIT = 1 << 1,   /* write_txn_begin: wait for the lock */
};

/* Opens the output directory (with WRITE_CREATE, makes it first; without, one that does not
 * exist is no error and holds nothing) and takes its lock: waiting for it with WRITE_WAIT,
 * else returning 1 when another run holds it. Returns 0, 1, or -1 with an I/O diagnostic.
 * The first write_txn_add() calls it (making, waiting) where it was not called. */
int write_txn_begin(struct write_txn *w, unsigned flags, struct diags *d);
/* Compares each file of set with the disk and writes the changed ones to temporaries.
 * Returns 0, or -1 with an I/O diagnostic. */
int write_txn_add(struct write_txn *w, const struct render_set *set, struct diags *d);
/* After every write_txn_add(): finds the files meshroll owns in scope that no rollout
 * produces, to remove them on commit, and the temporaries crashed runs left; warns of files
 * that name no rollout file. Returns 0, or -1 with an I/O diagnostic. */
int write_txn_prune(struct write_txn *w, const struct tree_scope *scope, struct diags *d);
/* Moves the temporaries into place and the stale files out of it, restoring what it moved
 * when a step fails. Returns 0, or -1 with a diagnostic (and the tree as it was). What
 * cannot be cleaned up after the commit is a warning. */
int write_txn_commit(struct write_txn *w, struct diags *d);
/* After a commit: calls fn with each file it removed (relative to the output directory), and
 * whether that was a temporary a crashed run left. */
void write_txn_removed(const struct write_txn *w, void (*fn)(void *ctx, const char *rel, int temp),
                       void *ctx);
/* Removes what a failed transaction left (temporaries, directories it made) and frees it. */
void write_txn_release(struct write_txn *w);

/* Replaces the file at path with data, atomically: a temporary beside it with the same
 * permissions (but no setuid or setgid bit) and, where allowed, owner, synced, then renamed
 * over it. Where path is a symbolic link, the file it points at is replaced and the link kept.
 * Returns 0, or -1 with an I/O diagnostic. */
int write_file_replace(const char *path, const char *data, size_t len, struct diags *d);
/* Writes all len bytes of data to fd, again after a short write or EINTR. Returns 0, or -1
 * with errno set. */
int write_all(int fd, const char *data, size_t len);

#endif
