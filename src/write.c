/* write.c: atomic, change-only writes of the rendered tree. */
#include "write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "hash.h"

enum write_op {
	WRITE_NEW,      /* tmp becomes rel, where there was no file */
	WRITE_REPLACE,  /* tmp and rel trade places: rel is new, tmp holds the old file */
	WRITE_REMOVE,   /* rel, a stale file of meshroll's, moves to tmp */
	WRITE_LEFTOVER, /* rel is a crashed run's temporary, removed when no run is live */
};

/* One step of the commit; 20 bytes, as a fresh tree has one for each file. */
struct write_entry {
	uint32_t rel; /* the target, relative to the output directory: its id in paths */
	/* a temporary in rel's directory, when has_tmp: ".<base>.<id>-<tmp>.tmp", id the one
	 * the run had when it drew tmp (temp_id()); the name is made again when needed */
	uint32_t tmp;
	/* NEW, REPLACE: the new file, to tell it from another run's: its inode number, in two
	 * halves (so the entry needs no 8-byte alignment), and its device, devs[dev] */
	uint32_t ino_lo, ino_hi;
	uint16_t dev;        /* WRITE_DEV_ANY: any (devs is full) */
	uint8_t op;          /* enum write_op */
	uint8_t has_tmp : 1; /* a temporary exists (or is to be removed) */
	uint8_t done : 1;    /* applied by the commit, so undone if a later step fails */
	uint8_t gone : 1;    /* REMOVE, LEFTOVER: removed after the commit */
};

enum { WRITE_DEV_ANY = UINT16_MAX };

enum { WRITE_BLOCK = 4096 }; /* entries in a block of write_txn.steps (80 KiB) */

/* The longest temporary's name: a base name (at most NAME_MAX where it exists) and more. */
enum { WRITE_TEMP_MAX = 4096 + 128 };

/* The longest path below the output directory (TREE_MAX_DEPTH names and more). */
enum { WRITE_REL_MAX = 4096 };

/* Names a run draws for one temporary before it gives up (each one taken means another run). */
enum { WRITE_TEMP_TRIES = 16 };

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		abort();
	return p;
}

/* Appends a copy of s to a heap array of strings. */
static void
strs_push(char ***v, size_t *n, size_t *cap, const char *s)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = realloc(*v, *cap * sizeof(**v));
		if (!*v)
			abort();
	}
	(*v)[(*n)++] = xstrdup(s);
}

static void
strs_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* A fresh random id for this run's temporaries, "<kind>-<16 hex>"; the clock and pid where
 * getrandom fails. */
static void
write_new_id(struct write_txn *w)
{
	uint64_t r;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		r = ((uint64_t)ts.tv_nsec << 32) ^ (uint64_t)ts.tv_sec ^
		    ((uint64_t)getpid() << 16) ^ (uint64_t)(uintptr_t)w;
	}
	snprintf(w->id, sizeof(w->id), "%s-%016llx", w->kind, (unsigned long long)r);
}

void
write_txn_init(struct write_txn *w, const char *dir)
{
	memset(w, 0, sizeof(*w));
	w->dir = dir;
	w->tree.root = -1;
	w->kind = "meshroll";
	write_new_id(w);
}

/* Draws a new id for this run, keeping the old one for the names made with it; -1 when too
 * many were drawn (each one means a name another run took). */
static int
write_redraw(struct write_txn *w)
{
	if (w->nids >= UINT16_MAX)
		return -1;
	w->oldids = realloc(w->oldids, (w->nids + 1) * sizeof(*w->oldids));
	if (!w->oldids)
		abort();
	memcpy(w->oldids[w->nids].id, w->id, sizeof(w->id));
	w->oldids[w->nids++].until = w->counter;
	write_new_id(w);
	return 0;
}

/* The id the run had when it drew the temporary number tmp. */
static const char *
temp_id(const struct write_txn *w, uint32_t tmp)
{
	for (size_t i = 0; i < w->nids; i++)
		if (tmp < w->oldids[i].until)
			return w->oldids[i].id;
	return w->id;
}

/* Gives e a new temporary, named beside base: its counter and id. */
static void
temp_new(struct write_txn *w, struct write_entry *e)
{
	e->tmp = (uint32_t)w->counter++;
	e->has_tmp = 1;
}

/* The name of e's temporary beside base, in name (WRITE_TEMP_MAX bytes); NULL with
 * ENAMETOOLONG where it does not fit. */
static const char *
temp_name(const struct write_txn *w, const struct write_entry *e, const char *base, char *name)
{
	const char *id = temp_id(w, e->tmp);
	int n = fmt_str(name, WRITE_TEMP_MAX, ".%s.%s-%zu.tmp", base, id, (size_t)e->tmp);

	if (n < 0 || n >= WRITE_TEMP_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return name;
}

/* A relative path made of names: no empty, "." or ".." component, no leading "/". */
static int
path_is_safe(const char *rel)
{
	const char *p = rel;

	if (*p == '/' || *p == '\0' || strlen(p) >= WRITE_REL_MAX)
		return 0;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p += len + (slash != NULL);
	}
	return 1;
}

static int
made_by_run(const struct write_txn *w, const char *rel)
{
	uint32_t id = paths_find(&w->paths, rel);

	return id != PATHS_NONE && paths_marked(&w->paths, id);
}

/* tree_dir() made rel: remember it, to remove it again if the run fails. */
static void
made_add(void *ctx, const char *rel)
{
	struct write_txn *w = ctx;

	paths_mark(&w->paths, paths_str(&w->paths, rel));
}

/* mkdir -p of the output directory (path, modified and restored), through links: the user
 * named it. */
static int
make_out(struct write_txn *w, char *path, struct diags *d)
{
	struct stat st;

	if (stat(path, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0
		                           : diag_io(d, path, ENOTDIR, "cannot create directory");
	if (errno != ENOENT)
		return diag_io(d, path, errno, "cannot create directory");
	char *slash = strrchr(path, '/');
	if (slash && slash != path) {
		*slash = '\0';
		int r = make_out(w, path, d);
		*slash = '/';
		if (r < 0)
			return -1;
	}
	if (mkdir(path, 0777) == 0)
		strs_push(&w->outmade, &w->noutmade, &w->capoutmade, path);
	else if (errno != EEXIST)
		return diag_io(d, path, errno, "cannot create directory");
	return 0;
}

int
write_txn_begin(struct write_txn *w, unsigned flags, struct diags *d)
{
	if (w->tree.root < 0) {
		char *path = xstrdup(w->dir);
		for (size_t n = strlen(path); n > 1 && path[n - 1] == '/';)
			path[--n] = '\0';
		int r = flags & WRITE_CREATE ? make_out(w, path, d) : 0;
		free(path);
		if (r < 0 || (r = tree_open(&w->tree, w->dir, d)) != 0)
			return r == TREE_ABSENT && !(flags & WRITE_CREATE) ? 0 : -1;
		w->tree.made = made_add;
		w->tree.ctx = w;
	}
	while (flock(w->tree.root, LOCK_EX | (flags & WRITE_WAIT ? 0 : LOCK_NB)) < 0) {
		if (errno == EWOULDBLOCK && !(flags & WRITE_WAIT))
			return 1;
		if (errno != EINTR)
			break; /* no flock here (some network filesystems): go on unlocked */
	}
	return 0;
}

/* Whether file f is on disk with these bytes: 1; 0 when absent; 2 when it differs; -1 with
 * an error when something else is in its place. */
static int
file_state(struct write_txn *w, int dfd, const struct rendered *f, struct diags *d)
{
	struct stat st;
	int fd = tree_open_file(&w->tree, dfd, f->path, &st, d), same = 0;

	if (fd < 0)
		return fd == TREE_ABSENT ? 0 : -1;
	if ((size_t)st.st_size == f->len) {
		char *old = malloc(f->len ? f->len : 1);
		size_t got = 0;
		ssize_t n = 1;
		if (!old)
			abort();
		while (got < f->len && (n = read(fd, old + got, f->len - got)) > 0)
			got += (size_t)n;
		same = got == f->len && memcmp(old, f->data, f->len) == 0;
		free(old);
	}
	close(fd);
	return same ? 1 : 2;
}

int
write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Creates a temporary beside base in dfd (mode 0666 less the umask), never over an existing
 * file, and gives e its name. Returns a descriptor with the name in name (WRITE_TEMP_MAX
 * bytes), or -1. */
static int
temp_create(struct write_txn *w, int dfd, const char *base, struct write_entry *e, char *name)
{
	for (int i = 0; i < WRITE_TEMP_TRIES; i++) {
		temp_new(w, e);
		if (!temp_name(w, e, base, name))
			break;
		int fd =
		    openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST || write_redraw(w) < 0)
			break; /* else another run's name, however unlikely: draw again */
	}
	e->has_tmp = 0;
	return -1;
}

/* The index of dev in the run's devices, added where it is not there yet; WRITE_DEV_ANY
 * when there are too many (is_ours() then compares inode numbers only). */
static uint16_t
dev_index(struct write_txn *w, dev_t dev)
{
	for (size_t i = 0; i < w->ndevs; i++)
		if (w->devs[i] == dev)
			return (uint16_t)i;
	if (w->ndevs == WRITE_DEV_ANY)
		return WRITE_DEV_ANY;
	w->devs = realloc(w->devs, (w->ndevs + 1) * sizeof(*w->devs));
	if (!w->devs)
		abort();
	w->devs[w->ndevs] = dev;
	return (uint16_t)w->ndevs++;
}

/* The i-th step. */
static struct write_entry *
entry_at(const struct write_txn *w, size_t i)
{
	return blocks_at(&w->steps, i, sizeof(struct write_entry), WRITE_BLOCK);
}

/* Appends e. */
static struct write_entry *
entry_push(struct write_txn *w, const struct write_entry *e)
{
	struct write_entry *to = blocks_push(&w->steps, sizeof(*to), WRITE_BLOCK, 64);

	*to = *e;
	return to;
}

/* Writes f, expected at offset rel, to a new temporary in dfd, to be renamed over base
 * (which exists when old). */
static int
write_temp(struct write_txn *w, int dfd, const struct rendered *f, uint32_t rel, int old,
           struct diags *d)
{
	const char *base = strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path;
	char tmp[WRITE_TEMP_MAX];
	struct write_entry e = {.rel = rel, .op = old ? WRITE_REPLACE : WRITE_NEW};
	int fd = temp_create(w, dfd, base, &e, tmp);

	if (fd < 0)
		return tree_error(&w->tree, f->path, errno, "cannot write", d);
	struct stat st;
	int err = write_all(fd, f->data, f->len) < 0 || fstat(fd, &st) < 0 ? errno : 0;
	if (close(fd) < 0 && !err)
		err = errno; /* a full disk may show only here */
	if (err) {
		unlinkat(dfd, tmp, 0);
		return tree_error(&w->tree, f->path, err, "cannot write", d);
	}
	e.dev = dev_index(w, st.st_dev);
	e.ino_lo = (uint32_t)st.st_ino;
	e.ino_hi = (uint32_t)((uint64_t)st.st_ino >> 32);
	entry_push(w, &e);
	return 0;
}

int
write_txn_add(struct write_txn *w, const struct render_set *set, struct diags *d)
{
	char dir[4096];

	if (w->tree.root < 0 && write_txn_begin(w, WRITE_CREATE | WRITE_WAIT, d) < 0)
		return -1;
	for (size_t i = 0; i < set->n; i++) {
		const struct rendered *f = &set->v[i];
		if (!path_is_safe(f->path))
			return diag_io(d, f->path, 0, "internal error: unsafe output path");
		uint32_t rel = paths_add(&w->paths, f->path);
		tree_split(f->path, dir, sizeof(dir));
		int dfd = tree_dir(&w->tree, dir, 1, d);
		int state = dfd < 0 ? -1 : file_state(w, dfd, f, d);
		if (state < 0 || (state != 1 && write_temp(w, dfd, f, rel, state == 2, d) < 0))
			return -1;
	}
	return 0;
}

struct prune {
	struct write_txn *w;
	size_t unclaimed; /* files that name no rollout file */
	char *first;      /* the first of them; heap */
};

static void
stale_add(void *ctx, const char *rel, enum tree_found what)
{
	struct prune *p = ctx;

	if (what != TREE_UNCLAIMED) {
		struct write_entry e = {.rel = paths_str(&p->w->paths, rel),
		                        .op = what == TREE_TEMP ? WRITE_LEFTOVER : WRITE_REMOVE};
		entry_push(p->w, &e);
	} else if (!p->unclaimed++)
		p->first = xstrdup(rel);
}

int
write_txn_prune(struct write_txn *w, const struct tree_scope *scope, struct diags *d)
{
	struct prune p = {w, 0, NULL};
	int ret = 0;

	if (w->tree.root < 0)
		return 0; /* no tree: nothing stale */
	for (size_t i = 0; i < tree_scope_roots(scope); i++) {
		/* a directory this run made holds nothing stale */
		const char *root = tree_scope_root(scope, i);
		int fresh = *root ? made_by_run(w, root) : w->noutmade > 0;
		if (!fresh &&
		    tree_stale(&w->tree, root, scope, &w->paths, w->id, stale_add, &p, d) < 0) {
			ret = -1;
			break;
		}
	}
	if (!ret)
		tree_unclaimed(&w->tree, p.unclaimed, p.first, d);
	free(p.first);
	return ret;
}

/* The target of e, relative to the output directory, written to rel (WRITE_REL_MAX bytes):
 * every path in the pool is shorter (path_is_safe(), TREE_MAX_DEPTH). */
static const char *
entry_rel(const struct write_txn *w, const struct write_entry *e, char *rel)
{
	return paths_at(&w->paths, e->rel, rel, WRITE_REL_MAX);
}

/* The descriptor of the directory of e, with its path in rel (WRITE_REL_MAX bytes) and its
 * base name, in rel, in *base. Returns it, TREE_ABSENT, or -1 with a diagnostic. */
static int
entry_dir(struct write_txn *w, const struct write_entry *e, char *rel, const char **base,
          struct diags *d)
{
	char dir[4096];

	*base = tree_split(entry_rel(w, e, rel), dir, sizeof(dir));
	return tree_dir(&w->tree, dir, 0, d);
}

/* tree_dir() of an existing directory where a failure is not an error: after the commit, or
 * when cleaning up after a failure that was reported. */
static int
dir_quiet(struct write_txn *w, const char *dir)
{
	struct arena a;
	struct diags none;
	int dfd;

	arena_init(&a);
	diags_init(&none, &a);
	dfd = tree_dir(&w->tree, dir, 0, &none);
	arena_release(&a);
	return dfd;
}

static int
entry_dir_quiet(struct write_txn *w, const struct write_entry *e, char *rel, const char **base)
{
	char dir[4096];

	*base = tree_split(entry_rel(w, e, rel), dir, sizeof(dir));
	return dir_quiet(w, dir);
}

/* Whether base in dfd is still the file this run put there. */
static int
is_ours(const struct write_txn *w, int dfd, const char *base, const struct write_entry *e)
{
	struct stat st;

	return fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       (uint32_t)st.st_ino == e->ino_lo &&
	       (uint32_t)((uint64_t)st.st_ino >> 32) == e->ino_hi &&
	       (e->dev == WRITE_DEV_ANY || st.st_dev == w->devs[e->dev]);
}

/* Puts the new file in place and keeps the old one under the temporary's name; where the
 * filesystem cannot exchange two names, a second link keeps it; where it has no links
 * either, the old file is not kept (and cannot be restored). */
static int
entry_swap(struct write_txn *w, int dfd, struct write_entry *e, const char *base)
{
	char tmp[WRITE_TEMP_MAX], hold[WRITE_TEMP_MAX];

	if (!temp_name(w, e, base, tmp))
		return -1;
	if (renameat2(dfd, tmp, dfd, base, RENAME_EXCHANGE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	struct write_entry h = *e;
	temp_new(w, &h);
	if (!temp_name(w, &h, base, hold))
		return -1;
	int linked = linkat(dfd, base, dfd, hold, 0) == 0;
	if (!linked && errno != EPERM && errno != EOPNOTSUPP)
		return -1;
	if (renameat(dfd, tmp, dfd, base) < 0) {
		int err = errno;
		if (linked)
			unlinkat(dfd, hold, 0);
		errno = err;
		return -1;
	}
	e->tmp = h.tmp;
	e->has_tmp = linked;
	return 0;
}

/* Moves the new file to base where there was none; where one appeared meanwhile (another
 * run), trades places with it as for a replace. */
static int
entry_new(struct write_txn *w, int dfd, struct write_entry *e, const char *base)
{
	char tmp[WRITE_TEMP_MAX];
	int r;

	if (!temp_name(w, e, base, tmp))
		return -1;
	r = renameat2(dfd, tmp, dfd, base, RENAME_NOREPLACE);
	if (r < 0 && (errno == EINVAL || errno == ENOSYS))
		r = renameat(dfd, tmp, dfd, base); /* no flags here: the old rule */
	if (r == 0) {
		e->has_tmp = 0;
		return 0;
	}
	if (errno != EEXIST)
		return -1;
	e->op = WRITE_REPLACE;
	return entry_swap(w, dfd, e, base);
}

static int
entry_apply(struct write_txn *w, struct write_entry *e, struct diags *d)
{
	const char *base;
	char rel[WRITE_REL_MAX];
	int dfd, r = 0;

	if (e->op == WRITE_LEFTOVER)
		return 0; /* removed after the commit, when no run is live */
	dfd = entry_dir(w, e, rel, &base, d);
	if (dfd == TREE_ABSENT && e->op == WRITE_REMOVE)
		return 0; /* gone with its directory (a concurrent run): nothing to do or undo */
	if (dfd < 0)
		return dfd == TREE_ABSENT
		           ? tree_error(&w->tree, rel, ENOENT, "cannot rename into place", d)
		           : -1;
	if (e->op == WRITE_NEW) {
		r = entry_new(w, dfd, e, base);
	} else if (e->op == WRITE_REPLACE) {
		r = entry_swap(w, dfd, e, base);
	} else {
		char tmp[WRITE_TEMP_MAX];
		temp_new(w, e);
		if (!temp_name(w, e, base, tmp))
			r = -1;
		else if ((r = renameat(dfd, base, dfd, tmp)) < 0 && errno == ENOENT) {
			e->has_tmp = 0; /* gone already: nothing to do or undo */
			return 0;
		}
		if (r < 0)
			e->has_tmp = 0;
	}
	if (r < 0)
		return tree_error(
		    &w->tree, rel, errno,
		    e->op == WRITE_REMOVE ? "cannot remove" : "cannot rename into place", d);
	e->done = 1;
	return 0;
}

/* Undoes one step: only where the file is still this run's (a concurrent run that committed
 * since keeps its file), and never over a file that appeared since. Returns 0 or -1. */
static int
entry_undo(struct write_txn *w, struct write_entry *e)
{
	const char *base;
	char tmp[WRITE_TEMP_MAX], rel[WRITE_REL_MAX];
	int dfd = entry_dir_quiet(w, e, rel, &base);

	if (dfd < 0)
		return -1;
	if (e->has_tmp && !temp_name(w, e, base, tmp))
		return -1;
	if (e->op == WRITE_REMOVE) {
		if (renameat2(dfd, tmp, dfd, base, RENAME_NOREPLACE) < 0 && errno != EEXIST)
			return -1;
	} else if (!is_ours(w, dfd, base, e)) {
		; /* replaced since by another run: its file stays */
	} else if (e->op == WRITE_NEW) {
		if (unlinkat(dfd, base, 0) < 0)
			return -1;
	} else if (!e->has_tmp) {
		errno = EOPNOTSUPP; /* the filesystem kept no copy of the old file */
		return -1;
	} else if (renameat(dfd, tmp, dfd, base) < 0) {
		return -1;
	} else {
		e->has_tmp = 0;
	}
	e->done = 0;
	return 0;
}

/* Undoes the first n steps, last first. */
static void
write_undo(struct write_txn *w, size_t n, struct diags *d)
{
	char rel[WRITE_REL_MAX];

	while (n-- > 0)
		if (entry_at(w, n)->done && entry_undo(w, entry_at(w, n)) < 0)
			tree_error(&w->tree, entry_rel(w, entry_at(w, n), rel), errno,
			           "cannot restore the old file; the tree is partly new: run "
			           "render again",
			           d);
}

/* Removes each directory above rel that is empty now, up to the output directory. */
static void
remove_empty_parents(struct write_txn *w, const char *rel, struct diags *d)
{
	char dir[4096], parent[4096];

	tree_split(rel, dir, sizeof(dir));
	while (*dir) {
		const char *name = tree_split(dir, parent, sizeof(parent));
		int dfd = dir_quiet(w, parent);
		if (dfd < 0)
			return;
		if (unlinkat(dfd, name, AT_REMOVEDIR) < 0) {
			if (errno != ENOTEMPTY && errno != EEXIST && errno != ENOENT) {
				char *path = tree_path(&w->tree, dir);
				diag_loc(d, DIAG_WARNING, path, 0, 0,
				         "cannot remove the empty directory: %s", strerror(errno));
				free(path);
			}
			return;
		}
		memcpy(dir, parent, strlen(parent) + 1);
	}
}

/* Removes the temporary of e (the old file, a stale one, or a crashed run's temporary), and
 * the directories that leaves empty. The commit is done: a failure is a warning; check
 * reports the file, render removes it. A leftover goes only where no run that writes a tree
 * below ours holds a lock. */
static void
entry_clean(struct write_txn *w, struct write_entry *e, struct diags *d)
{
	const char *base;
	char tmp[WRITE_TEMP_MAX], rel[WRITE_REL_MAX];
	int dfd = entry_dir_quiet(w, e, rel, &base);
	const char *name = e->op == WRITE_LEFTOVER ? base : temp_name(w, e, base, tmp);

	if (dfd < 0 || !name || (e->op == WRITE_LEFTOVER && !tree_idle(&w->tree)))
		return; /* gone with its directory (a concurrent run), or a live run's */
	if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT) {
		char *path = tree_path(&w->tree, rel);
		diag_loc(d, DIAG_WARNING, path, 0, 0, "cannot remove the temporary '%s': %s", name,
		         strerror(errno));
		free(path);
		return;
	}
	e->has_tmp = 0;
	e->done = 0;
	if (e->op == WRITE_REMOVE || e->op == WRITE_LEFTOVER) {
		e->gone = 1;
		remove_empty_parents(w, rel, d);
	}
}

void
write_txn_removed(const struct write_txn *w, void (*fn)(void *ctx, const char *rel, int temp),
                  void *ctx)
{
	char rel[WRITE_REL_MAX];

	for (size_t i = 0; i < w->steps.n; i++)
		if (entry_at(w, i)->gone)
			fn(ctx, entry_rel(w, entry_at(w, i), rel),
			   entry_at(w, i)->op == WRITE_LEFTOVER);
}

int
write_txn_commit(struct write_txn *w, struct diags *d)
{
	for (size_t i = 0; i < w->steps.n; i++) {
		if (entry_apply(w, entry_at(w, i), d) < 0) {
			write_undo(w, i, d);
			return -1;
		}
	}
	w->committed = 1;
	for (size_t i = 0; i < w->steps.n; i++)
		if (entry_at(w, i)->done && entry_at(w, i)->has_tmp)
			entry_clean(w, entry_at(w, i), d);
	/* holding the lock, every other render's temporary is a crashed one's */
	for (size_t i = 0; i < w->steps.n; i++)
		if (entry_at(w, i)->op == WRITE_LEFTOVER)
			entry_clean(w, entry_at(w, i), d);
	return 0;
}

void
write_txn_release(struct write_txn *w)
{
	for (size_t i = 0; i < w->steps.n; i++) {
		/* a temporary of a step not applied, or undone; a step whose undo failed keeps the
		 * old file under it */
		struct write_entry *e = entry_at(w, i);
		const char *base;
		char tmp[WRITE_TEMP_MAX], rel[WRITE_REL_MAX];
		int dfd = e->has_tmp && !e->done ? entry_dir_quiet(w, e, rel, &base) : -1;
		if (dfd >= 0 && temp_name(w, e, base, tmp))
			unlinkat(dfd, tmp, 0);
	}
	/* the directories this run made, each after those below it (a higher id) */
	for (size_t i = w->paths.nodes.n; i-- > 0 && !w->committed;) {
		char parent[4096], rel[WRITE_REL_MAX];
		if (!paths_marked(&w->paths, (uint32_t)i))
			continue;
		const char *name = tree_split(paths_at(&w->paths, (uint32_t)i, rel, sizeof(rel)),
		                              parent, sizeof(parent));
		int dfd = dir_quiet(w, parent);
		if (dfd >= 0)
			unlinkat(dfd, name, AT_REMOVEDIR);
	}
	tree_close(&w->tree);
	for (size_t i = w->noutmade; i-- > 0 && !w->committed;)
		rmdir(w->outmade[i]);
	strs_free(w->outmade, w->noutmade);
	paths_release(&w->paths);
	free(w->oldids);
	free(w->devs);
	blocks_release(&w->steps);
	write_txn_init(w, w->dir);
}

/* Gives the new file fd the owner and group of the old one, st, where this user may (root
 * may; another user only a group of theirs on a file of their own). 0, or -1 with errno. */
static int
keep_owner(int fd, const struct stat *st)
{
	if (fchown(fd, st->st_uid, st->st_gid) == 0 || errno == EPERM)
		return 0;
	return -1;
}

/* Replaces the file at path (a regular file, not a link) atomically; messages say name. Its
 * owner and permissions are kept, but not a setuid or setgid bit. */
static int
replace_file(const char *path, const char *name, const char *data, size_t len, struct diags *d)
{
	struct write_txn w;
	struct stat st;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *dir = strndup(path, (size_t)(base - path)), tmp[WRITE_TEMP_MAX];
	struct write_entry e = {0};
	int dfd = dir ? open(*dir ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1, err = 0;

	if (!dir)
		abort();
	write_txn_init(&w, dir);
	w.kind = "meshroll-promote"; /* not a render's temporary: render leaves it alone */
	write_new_id(&w);
	if (dfd < 0 || fstatat(dfd, base, &st, 0) < 0) {
		err = errno;
		if (dfd >= 0)
			close(dfd);
		free(dir);
		return diag_io(d, name, err, "cannot read");
	}
	int fd = temp_create(&w, dfd, base, &e, tmp);
	if (fd < 0 || keep_owner(fd, &st) < 0 || fchmod(fd, st.st_mode & 0777) < 0 ||
	    write_all(fd, data, len) < 0 || fsync(fd) < 0)
		err = errno;
	if (fd >= 0 && close(fd) < 0 && !err)
		err = errno;
	if (!err && renameat(dfd, tmp, dfd, base) < 0)
		err = errno;
	if (err && e.has_tmp)
		unlinkat(dfd, tmp, 0);
	free(w.oldids);
	free(dir);
	close(dfd);
	return err ? diag_io(d, name, err, "cannot write") : 0;
}

int
write_file_replace(const char *path, const char *data, size_t len, struct diags *d)
{
	/* a rollout file may be a link (to a shared file): edit what it points at, keep the link */
	struct stat st;
	char *real = lstat(path, &st) == 0 && S_ISLNK(st.st_mode) ? realpath(path, NULL) : NULL;
	int r = replace_file(real ? real : path, path, data, len, d);

	free(real);
	return r;
}
