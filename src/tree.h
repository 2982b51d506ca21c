/* tree.h: the output tree on disk, reached only through directory descriptors.
 *
 * Every path below the output directory is opened one component at a time from its parent
 * with O_NOFOLLOW, so no link planted below the output directory (by a commit, say) can lead
 * a read, a write or a removal out of it. The output directory itself may be a link: the user
 * named it. meshroll owns exactly the files whose first line is its header (render.h), and the
 * temporaries that runs of it leave (tree_is_temp); a run removes only those of them that
 * are its own (struct tree_scope). */
#ifndef MESHROLL_TREE_H
#define MESHROLL_TREE_H

#include <dirent.h>
#include <stddef.h>
#include <sys/stat.h>

#include "diag.h"
#include "paths.h"
#include "render.h"

enum {
	TREE_MAX_DEPTH = 8, /* directory levels below the output directory that meshroll walks */
	/* the longest header line read: a source of PATH_MAX bytes, each written as %XX */
	TREE_HEAD_MAX = 3 * 4096 + sizeof(RENDER_HEADER_START RENDER_HEADER_FROM RENDER_HEADER_END),
	TREE_ABSENT = -2,   /* tree_dir: no such directory (or a file in its place) */
	TREE_TOO_BIG = 2,   /* tree_read: the file is larger than asked for */
	TREE_MADE = 1 << 0, /* tree.state: tree_dir() made the directory */
	TREE_READ = 1 << 1, /* tree.state: its entries were read (the offset moved) */
};

/* The output directory and the chain of directories below it that is open now. */
struct tree_scan;

struct tree {
	const char *out;                     /* the output directory as named; borrowed */
	int root;                            /* its descriptor, or -1 */
	char *path;                          /* the open chain, relative to out; heap */
	size_t cap;                          /* of path */
	int depth;                           /* directories open below root */
	int fd[TREE_MAX_DEPTH];              /* the descriptor of each */
	size_t end[TREE_MAX_DEPTH];          /* the length of path up to each */
	unsigned char state[TREE_MAX_DEPTH]; /* TREE_MADE, TREE_READ of each */
	unsigned char root_state;            /* TREE_READ of root */
	int scanning;           /* tree_dir() scans rollout trees for tree_stale() (tree.c) */
	struct tree_scan *scan; /* what the scans found; heap, NULL before the first */
	/* told of each directory that tree_dir() creates, by its relative path; may be NULL */
	void (*made)(void *ctx, const char *rel);
	void *ctx;
};

/* Opens the output directory out (through a link if it is one). Returns 0, TREE_ABSENT when
 * it does not exist, or -1 with an I/O diagnostic. */
int tree_open(struct tree *t, const char *out, struct diags *d);
/* "<out>/<rel>", for messages; malloc'd. */
char *tree_path(const struct tree *t, const char *rel);
/* Records an I/O error about <out>/<rel>, with strerror(err) when nonzero; returns -1. */
int tree_error(const struct tree *t, const char *rel, int err, const char *msg, struct diags *d);
/* Forgets what the scans found and scans again, to walk trees anew (compare_reset()). */
void tree_scan_reset(struct tree *t);
/* Closes every descriptor; t may be half-opened or closed already. */
void tree_close(struct tree *t);
/* The descriptor of directory rel ("" for the output directory; owned by t, valid until the
 * next call), opened component by component without following links; with create, missing
 * components are made (below one made, without looking first). Returns it, TREE_ABSENT
 * (without create), or -1 with a diagnostic: a link names the link. */
int tree_dir(struct tree *t, const char *rel, int create, struct diags *d);
/* Splits rel into its directory part (copied to dir, of size n) and returns its base name. */
const char *tree_split(const char *rel, char *dir, size_t n);
/* Opens the file rel, whose directory is open as dfd, for reading: never through a link, nor
 * blocking on a FIFO; fills *st. Returns a descriptor, TREE_ABSENT when there is no file, or
 * -1 with a diagnostic naming rel when it is a link or not a regular file. In a directory
 * that tree_dir() made (dfd the deepest open), it does not look: only the writer's
 * temporaries are there until its commit. */
int tree_open_file(struct tree *t, int dfd, const char *rel, struct stat *st, struct diags *d);
/* Reads the regular file rel into *data (malloc'd, NUL-terminated; the caller frees it).
 * Returns 0; 1 when there is no file there; TREE_TOO_BIG (size in *len, nothing read) when it
 * holds more than max bytes; or -1 with an I/O diagnostic: a link, a FIFO or another special
 * file is an error, never opened for reading. */
int tree_read(struct tree *t, const char *rel, size_t max, char **data, size_t *len,
              struct diags *d);
/* Whether name is that of a temporary of a meshroll run: ".<file>.meshroll-<id>-<n>.tmp",
 * the id up to 16 hex digits, n decimal. */
int tree_is_temp(const char *name);
/* Whether no process holds an flock on any directory of the open chain (a run writing a tree
 * whose output directory lies below t's; the output directory itself is the caller's). */
int tree_idle(const struct tree *t);
/* Which of meshroll's files a run may remove when no rollout produces them any more: those
 * in the trees of the rollouts it renders, and with directories named, those whose recorded
 * source (render.h) lies under one of them. A file that records no source (an older
 * meshroll's) or another source belongs to someone else's run. */
struct tree_scope {
	char **trees; /* "<ns>/<name>" of each rollout rendered, sorted */
	size_t ntrees;
	char **dirs; /* the directories named, as render_source() writes them */
	size_t ndirs;
};

/* What tree_stale() found. */
enum tree_found {
	TREE_STALE,     /* meshroll's file, in scope, that no rollout produces */
	TREE_TEMP,      /* a temporary */
	TREE_UNCLAIMED, /* meshroll's file outside the trees that records no source */
};

/* Whether src (as a header writes it) lies below one of the scope's directories. */
int tree_scope_dirs_hold(const struct tree_scope *s, const char *src);
/* The directories to walk for stale files: all of out ("") when directories were named,
 * else each tree. */
size_t tree_scope_roots(const struct tree_scope *s);
const char *tree_scope_root(const struct tree_scope *s, size_t i);
/* Calls fn with the path (relative to out) of every file below root that meshroll owns, that
 * is not listed in expected (paths_has()) and that scope lets a run remove,
 * or that records no source; and of every temporary (a regular file) whose name does not
 * contain skip (a run's own; NULL: none). Other hidden entries are skipped, links are
 * neither followed nor reported, and no deeper than TREE_MAX_DEPTH.
 * Returns 0, or -1 with an I/O diagnostic. A root that does not exist holds nothing. */
int tree_stale(struct tree *t, const char *root, const struct tree_scope *scope,
               const struct paths *expected, const char *skip,
               void (*fn)(void *ctx, const char *rel, enum tree_found what), void *ctx,
               struct diags *d);
/* Reads the header of meshroll's file rel into head (TREE_HEAD_MAX + 1 bytes): -1 when there
 * is none (no such file, another's, a link; in a rollout tree this run made, without looking,
 * so before the writer's commit only), 0 when it names no rollout file, 1 with the source it
 * names in head. */
int tree_owner(struct tree *t, const char *rel, char *head);
/* Warns, once, of the n files outside the run's trees that name no rollout file (an older
 * meshroll's), first being the first of them; nothing when n is 0. */
void tree_unclaimed(const struct tree *t, size_t n, const char *first, struct diags *d);
/* DT_DIR, DT_REG or DT_UNKNOWN for another type: from the entry, else lstat (a link is not
 * followed, so it is neither). */
int tree_entry_type(const struct dirent *e, const char *path);
/* Bytewise order of directory entries for scandir, whatever the locale. */
int tree_dirent_cmp(const struct dirent **a, const struct dirent **b);
/* strcmp for qsort and bsearch over arrays of char *. */
int tree_path_cmp(const void *a, const void *b);

#endif
