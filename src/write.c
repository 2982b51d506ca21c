/* write.c: atomic, change-only writes of the rendered tree. */
#include "write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* mkdir -p of the directory part of path, remembering what it made. */
static int
make_parents(struct write_txn *w, char *path, struct diags *d)
{
	char *slash = strrchr(path, '/');

	if (!slash)
		return 0;
	*slash = '\0';
	if (w->last_dir && strcmp(w->last_dir, path) == 0) {
		*slash = '/';
		return 0;
	}
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		struct stat st;
		*p = '\0';
		if (mkdir(path, 0777) == 0)
			strs_push(&w->made, &w->nmade, &w->capmade, path);
		else if (errno != EEXIST || stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
			int err = errno == EEXIST ? ENOTDIR : errno;
			diag_io(d, path, err, "cannot create directory");
			*p = c;
			*slash = '/';
			return -1;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	free(w->last_dir);
	w->last_dir = xstrdup(path);
	*slash = '/';
	return 0;
}

/* Whether path already holds exactly these bytes. */
static int
same_bytes(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	int same = 0;

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
	         (long)getpid(), w->counter++);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		diag_io(d, path, errno, "cannot write");
		free(tmp);
		return -1;
	}
	if (write_all(fd, f->data, f->len) < 0 || close(fd) < 0) {
		int err = errno;
		close(fd);
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
		int r = make_parents(w, path, d);
		if (r == 0 && same_bytes(path, f->data, f->len))
			w->unchanged++;
		else if (r == 0 && (r = write_temp(w, path, f, d)) == 0) {
			w->written++;
			w->bytes += f->len;
		}
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
	qsort(w->expected, w->nexpected, sizeof(*w->expected), tree_path_cmp);
	for (size_t i = 0; i < nroots; i++)
		if (tree_stale(w->dir, roots[i], w->expected, w->nexpected, stale_add, w, d) < 0)
			return -1;
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

/* One sync for all the temporaries, so their bytes are on disk before any rename. */
static int
sync_and_rename(struct write_txn *w, struct diags *d)
{
	int fd = open(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || syncfs(fd) < 0) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		return diag_io(d, w->dir, err, "cannot sync");
	}
	close(fd);
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
	if (w->n && sync_and_rename(w, d) < 0)
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
	free(w->last_dir);
	write_txn_init(w, w->dir);
}

int
write_file_replace(const char *path, const char *data, size_t len, struct diags *d)
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
		return diag_io(d, path, errno, "cannot read");
	}
	snprintf(tmp, n, "%.*s.%s.meshroll-%ld.tmp", (int)dirlen, path, path + dirlen,
	         (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 07777);
	if (fd < 0) {
		int err = errno;
		free(tmp);
		return diag_io(d, path, err, "cannot write");
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
	return err ? diag_io(d, path, err, "cannot write") : 0;
}
