/* write.h: the write stage, the only code that writes to the filesystem.
 *
 * A run writes as one transaction: every new or changed file goes to a temporary name beside
 * its target first; only when all of them are written are they renamed into place, so a
 * reader never sees a partial file. A file whose bytes are already on disk is not touched, so its
 * mtime stays. Files meshroll owns (tree.h) that no rollout produces any more are removed after the
 * renames, with the directories that leaves empty. When anything fails, the temporaries and the
 * directories the run made are removed. */
#ifndef MESHROLL_WRITE_H
#define MESHROLL_WRITE_H

#include <stddef.h>

#include "diag.h"
#include "render.h"

struct write_entry;
struct known_dir;

struct write_txn {
	const char *dir;       /* the output directory; borrowed */
	struct write_entry *v; /* temporaries waiting for their rename; heap */
	size_t n, cap;
	char **made; /* directories this run created, parents first; heap */
	size_t nmade, capmade;
	struct known_dir *known; /* directories known to exist: a hash set; heap */
	size_t nknown, capknown;
	long pid;              /* for temporary names */
	unsigned long counter; /* for temporary names */
	int committed;         /* renamed into place: keep the directories made */
	char **expected;       /* every path the rollouts produce, relative; heap */
	size_t nexpected, capexpected;
	char **stale; /* owned files to remove, relative; heap */
	size_t nstale, capstale;
};

void write_txn_init(struct write_txn *w, const char *dir);
/* Compares each file of set with the disk and writes the changed ones to temporaries.
 * Returns 0, or -1 with an I/O diagnostic. */
int write_txn_add(struct write_txn *w, const struct render_set *set, struct diags *d);
/* After every write_txn_add(): finds the files meshroll owns below each root (relative to the
 * output directory; "" for all of it) that no rollout produces, to remove them on commit.
 * Returns 0, or -1 with an I/O diagnostic. */
int write_txn_prune(struct write_txn *w, const char *const *roots, size_t nroots, struct diags *d);
/* Renames the temporaries into place and removes the stale files. Returns 0, or -1 with a
 * diagnostic. */
int write_txn_commit(struct write_txn *w, struct diags *d);
/* Removes what a failed transaction left (temporaries, directories it made) and frees it. */
void write_txn_release(struct write_txn *w);

/* Replaces the file at path with data, atomically: a temporary beside it with the same mode,
 * synced, then renamed over it. Where path is a symbolic link, the file it points at is
 * replaced and the link kept. Returns 0, or -1 with an I/O diagnostic. */
int write_file_replace(const char *path, const char *data, size_t len, struct diags *d);

#endif
