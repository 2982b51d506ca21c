/* write.c: atomic, change-only writes of the rendered tree. */
#include "write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "tree.h"

struct write_entry {
	char *tmp, *path; /* heap */
};

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		abort();
	return p;
}

static char *
join(const char *dir, const char *rel)
{
	size_t n = strlen(dir) + strlen(rel) + 2;
	char *p = malloc(n);

	if (!p)
		abort();
	snprintf(p, n, "%s/%s", dir, rel);
	return p;
}

void
write_txn_init(struct write_txn *w, const char *dir)
{
	memset(w, 0, sizeof(*w));
	w->dir = dir;
	w->pid = getpid();
}

/* A relative path made of names: no empty, "." or ".." component, no leading "/". */
static int
path_is_safe(const char *rel)
{
	const char *p = rel;

	if (*p == '/' || *p == '\0')
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

struct known_dir {
	char *path; /* heap; NULL: an empty slot */
	int made;   /* created by this run: nothing in it predates the run */
};

static struct known_dir *
known_slot(struct write_txn *w, const char *dir)
{
	size_t mask = w->capknown - 1, i = hash_str(dir) & mask;

	while (w->known[i].path && strcmp(w->known[i].path, dir) != 0)
		i = (i + 1) & mask;
	return &w->known[i];
}

static void
known_add(struct write_txn *w, const char *dir, int made)
{
	if (2 * (w->nknown + 1) > w->capknown) {
		struct known_dir *old = w->known;
		size_t oldcap = w->capknown;
		w->capknown = oldcap ? oldcap * 2 : 64;
		w->known = calloc(w->capknown, sizeof(*w->known));
		if (!w->known)
			abort();
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].path)
				*known_slot(w, old[i].path) = old[i];
		free(old);
	}
	*known_slot(w, dir) = (struct known_dir){xstrdup(dir), made};
	w->nknown++;
	if (made)
		strs_push(&w->made, &w->nmade, &w->capmade, dir);
}

static int
below_out(const struct write_txn *w, const char *path)
{
	size_t n = strlen(w->dir);

	return strncmp(path, w->dir, n) == 0 && path[n] == '/';
}

/* Makes sure dir exists, creating it and its parents as needed, each looked at once per run.
 * Returns 1 when this run created it, 0 when it was there, -1 with a diagnostic. */
static int
ensure_dir(struct write_txn *w, char *dir, struct diags *d)
{
	struct known_dir *k = w->capknown ? known_slot(w, dir) : NULL;
	struct stat st;

	if (k && k->path)
		return k->made;
	/* below the output directory, a link is not followed: it could lead out of it */
	if ((below_out(w, dir) ? lstat(dir, &st) : stat(dir, &st)) == 0) {
		if (S_ISLNK(st.st_mode))
			return diag_io(d, dir, 0,
			               "is a symbolic link; meshroll does not write "
			               "through links in the output directory");
		if (!S_ISDIR(st.st_mode))
			return diag_io(d, dir, ENOTDIR, "cannot create directory");
		known_add(w, dir, 0);
		return 0;
	}
	char *slash = strrchr(dir, '/');
	if ((errno == ENOENT || errno == ENOTDIR) && slash && slash != dir) {
		*slash = '\0';
		int r = ensure_dir(w, dir, d);
		*slash = '/';
		if (r < 0)
			return -1;
	}
	if (mkdir(dir, 0777) < 0)
		return diag_io(d, dir, errno, "cannot create directory");
	known_add(w, dir, 1);
	return 1;
}

/* mkdir -p of the directory part of path: 1 when the directory is new, 0, or -1. */
static int
make_parents(struct write_txn *w, char *path, struct diags *d)
{
	char *slash = strrchr(path, '/');

	if (!slash)
		return 0;
	*slash = '\0';
	int r = ensure_dir(w, path, d);
	*slash = '/';
	return r;
}

/* Whether path already holds exactly these bytes: 1, 0, or -1 with an error when it is a
 * symbolic link (renaming over it would be safe, but a planted link is refused). */
static int
same_bytes(const char *path, const char *data, size_t len, struct diags *d)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	int same = 0;

	if (fd < 0 && errno == ELOOP)
		return diag_io(d, path, 0,
		               "is a symbolic link; meshroll does not write through "
		               "links in the output directory");
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len) {
		char *old = malloc(len ? len : 1);
		size_t got = 0;
		ssize_t n = 1;
		if (!old)
			abort();
		while (got < len && (n = read(fd, old + got, len - got)) > 0)
			got += (size_t)n;
		same = got == len && memcmp(old, data, len) == 0;
		free(old);
	}
	close(fd);
	return same;
}

static int
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

/* Writes data to a new temporary beside path; the mode follows the umask. */
static int
write_temp(struct write_txn *w, const char *path, const struct rendered *f, struct diags *d)
{
	const char *base = strrchr(path, '/');
	size_t dirlen = base ? (size_t)(base - path) + 1 : 0;
	size_t n = strlen(path) + 64;
	char *tmp = malloc(n);

	if (!tmp)
		abort();
	snprintf(tmp, n, "%.*s.%s.meshroll-%ld-%lu.tmp", (int)dirlen, path, path + dirlen,
	         (long)w->pid, w->counter++);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		diag_io(d, path, errno, "cannot write");
		free(tmp);
		return -1;
	}
	int err = write_all(fd, f->data, f->len) < 0 ? errno : 0;
	if (close(fd) < 0 && !err)
		err = errno; /* a full disk may show only here */
	if (err) {
		unlink(tmp);
		free(tmp);
		return diag_io(d, path, err, "cannot write");
	}
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->v = realloc(w->v, w->cap * sizeof(*w->v));
		if (!w->v)
			abort();
	}
	w->v[w->n++] = (struct write_entry){tmp, xstrdup(path)};
	return 0;
}

int
write_txn_add(struct write_txn *w, const struct render_set *set, struct diags *d)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct rendered *f = &set->v[i];
		if (!path_is_safe(f->path))
			return diag_io(d, f->path, 0, "internal error: unsafe output path");
		strs_push(&w->expected, &w->nexpected, &w->capexpected, f->path);
		char *path = join(w->dir, f->path);
		int r = make_parents(w, path, d), same = 0;
		if (r == 0 && (same = same_bytes(path, f->data, f->len, d)) < 0)
			r = -1;
		if (r >= 0 && !same)
			r = write_temp(w, path, f, d);
		free(path);
		if (r < 0)
			return -1;
	}
	return 0;
}

static void
stale_add(void *ctx, const char *rel)
{
	struct write_txn *w = ctx;

	strs_push(&w->stale, &w->nstale, &w->capstale, rel);
}

int
write_txn_prune(struct write_txn *w, const char *const *roots, size_t nroots, struct diags *d)
{
	if (w->nexpected)
		qsort(w->expected, w->nexpected, sizeof(*w->expected), tree_path_cmp);
	for (size_t i = 0; i < nroots; i++) {
		char *root = *roots[i] ? join(w->dir, roots[i]) : xstrdup(w->dir);
		const struct known_dir *k = w->capknown ? known_slot(w, root) : NULL;
		int fresh = k && k->path && k->made; /* made by this run: nothing stale in it */
		free(root);
		if (!fresh &&
		    tree_stale(w->dir, roots[i], w->expected, w->nexpected, stale_add, w, d) < 0)
			return -1;
	}
	return 0;
}

/* Removes a stale file, then each directory above it that this leaves empty. */
static int
remove_stale(struct write_txn *w, const char *rel, struct diags *d)
{
	char *path = join(w->dir, rel);
	size_t top = strlen(w->dir);

	if (unlink(path) < 0 && errno != ENOENT) {
		diag_io(d, path, errno, "cannot remove");
		free(path);
		return -1;
	}
	for (char *slash = strrchr(path, '/'); slash && (size_t)(slash - path) > top;
	     slash = strrchr(path, '/')) {
		*slash = '\0';
		if (rmdir(path) < 0)
			break;
	}
	free(path);
	return 0;
}

/* Renames every temporary into place. The tree is not synced to disk: it is reproducible
 * from the rollout files, and check finds a file a crash left short (promote, which edits a
 * source file, does sync). */
static int
rename_all(struct write_txn *w, struct diags *d)
{
	for (size_t i = 0; i < w->n; i++) {
		if (rename(w->v[i].tmp, w->v[i].path) < 0)
			return diag_io(d, w->v[i].path, errno, "cannot rename into place");
		free(w->v[i].tmp);
		w->v[i].tmp = NULL;
	}
	return 0;
}

int
write_txn_commit(struct write_txn *w, struct diags *d)
{
	if (rename_all(w, d) < 0)
		return -1;
	w->committed = 1;
	for (size_t i = 0; i < w->nstale; i++)
		if (remove_stale(w, w->stale[i], d) < 0)
			return -1;
	return 0;
}

void
write_txn_release(struct write_txn *w)
{
	for (size_t i = 0; i < w->n; i++) {
		if (w->v[i].tmp)
			unlink(w->v[i].tmp);
		free(w->v[i].tmp);
		free(w->v[i].path);
	}
	for (size_t i = w->nmade; i-- > 0 && !w->committed;)
		rmdir(w->made[i]);
	strs_free(w->made, w->nmade);
	strs_free(w->expected, w->nexpected);
	strs_free(w->stale, w->nstale);
	free(w->v);
	for (size_t i = 0; i < w->capknown; i++)
		free(w->known[i].path);
	free(w->known);
	write_txn_init(w, w->dir);
}

/* Replaces the file at path (a regular file, not a link) atomically; messages say name. */
static int
replace_file(const char *path, const char *name, const char *data, size_t len, struct diags *d)
{
	struct stat st;
	size_t n = strlen(path) + 64;
	char *tmp = malloc(n);
	const char *base = strrchr(path, '/');
	size_t dirlen = base ? (size_t)(base - path) + 1 : 0;

	if (!tmp)
		abort();
	if (stat(path, &st) < 0) {
		free(tmp);
		return diag_io(d, name, errno, "cannot read");
	}
	snprintf(tmp, n, "%.*s.%s.meshroll-%ld.tmp", (int)dirlen, path, path + dirlen,
	         (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 07777);
	if (fd < 0) {
		int err = errno;
		free(tmp);
		return diag_io(d, name, err, "cannot write");
	}
	int err = 0;
	if (fchmod(fd, st.st_mode & 07777) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0)
		err = errno;
	if (close(fd) < 0 && !err)
		err = errno;
	if (!err && rename(tmp, path) < 0)
		err = errno;
	if (err)
		unlink(tmp);
	free(tmp);
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
