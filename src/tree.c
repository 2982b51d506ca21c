/* tree.c: the output tree on disk, through directory descriptors. */
#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "render.h"
#include "scan.h"

static const char link_msg[] =
    "is a symbolic link; meshroll does not follow links below the output directory";

char *
tree_path(const struct tree *t, const char *rel)
{
	size_t n = strlen(t->out) + strlen(rel) + 2;
	char *p = malloc(n);

	if (!p)
		abort();
	snprintf(p, n, "%s/%s", t->out, rel);
	return p;
}

int
tree_error(const struct tree *t, const char *rel, int err, const char *msg, struct diags *d)
{
	char *path = tree_path(t, rel);

	diag_io(d, path, err, "%s", msg);
	free(path);
	return -1;
}

int
tree_open(struct tree *t, const char *out, struct diags *d)
{
	memset(t, 0, sizeof(*t));
	t->out = out;
	t->scanning = 1;
	t->root = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->root >= 0)
		return 0;
	if (errno == ENOENT)
		return TREE_ABSENT;
	return diag_io(d, out, errno, "cannot open directory");
}

/* Closes the open chain below its first k directories. */
static void
tree_cut(struct tree *t, int k)
{
	while (t->depth > k) {
		scan_leave(t, t->depth - 1);
		close(t->fd[--t->depth]);
	}
}

void
tree_close(struct tree *t)
{
	tree_cut(t, 0);
	scan_free(t->scan);
	t->scan = NULL;
	if (t->root >= 0)
		close(t->root);
	t->root = -1;
	free(t->path);
	t->path = NULL;
	t->cap = 0;
}

/* Opens (with create, makes) the directory whose path is t->path, which lies directly in
 * the deepest open one; *state tells whether this call made it. Returns a descriptor,
 * TREE_ABSENT, or -1 with a diagnostic. */
static int
tree_step(struct tree *t, size_t at, int create, unsigned char *state, struct diags *d)
{
	int parent = t->depth ? t->fd[t->depth - 1] : t->root;
	const char *name = t->path + at;
	const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	/* in a directory this run made, nothing is there yet: make the name without looking */
	int made = create && t->depth && (t->state[t->depth - 1] & TREE_MADE);
	int fd = made ? (errno = ENOENT, -1) : openat(parent, name, flags);

	*state = 0;
	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(parent, name, 0777) == 0) {
			*state = TREE_MADE;
			if (t->made)
				t->made(t->ctx, t->path);
		} else if (errno != EEXIST) { /* EEXIST: a concurrent run made it */
			return tree_error(t, t->path, errno, "cannot create directory", d);
		}
		fd = openat(parent, name, flags);
	}
	if (fd >= 0)
		return fd;
	struct stat st;
	int err = errno; /* O_DIRECTORY makes a link ENOTDIR rather than ELOOP */
	if ((err == ELOOP || err == ENOTDIR) &&
	    fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		return tree_error(t, t->path, 0, link_msg, d);
	errno = err;
	if (!create && (errno == ENOENT || errno == ENOTDIR))
		return TREE_ABSENT;
	return tree_error(t, t->path, errno,
	                  create ? "cannot create directory" : "cannot open directory", d);
}

int
tree_dir(struct tree *t, const char *rel, int create, struct diags *d)
{
	size_t len = strlen(rel), at;
	int k = 0;

	if (t->root < 0)
		return TREE_ABSENT;
	while (k < t->depth && t->end[k] <= len && memcmp(t->path, rel, t->end[k]) == 0 &&
	       (rel[t->end[k]] == '/' || rel[t->end[k]] == '\0'))
		k++;
	tree_cut(t, k);
	if (len + 1 > t->cap) {
		t->cap = len + 64;
		t->path = realloc(t->path, t->cap);
		if (!t->path)
			abort();
	}
	memcpy(t->path, rel, len + 1);
	for (at = k ? t->end[k - 1] + 1 : 0; at < len;) {
		size_t end = at + strcspn(rel + at, "/");
		if (t->depth == TREE_MAX_DEPTH)
			return tree_error(t, rel, 0,
			                  "internal error: too deep below the output directory", d);
		t->path[end] = '\0';
		int fd = tree_step(t, at, create, &t->state[t->depth], d);
		if (fd >= 0) {
			t->fd[t->depth] = fd;
			t->end[t->depth++] = end;
			if (scan_enter(t, fd, d) < 0)
				fd = -1;
		}
		t->path[end] = rel[end];
		if (fd < 0)
			return fd;
		at = end + 1;
	}
	return t->depth ? t->fd[t->depth - 1] : t->root;
}

const char *
tree_split(const char *rel, char *dir, size_t n)
{
	const char *slash = strrchr(rel, '/');
	size_t len = slash ? (size_t)(slash - rel) : 0;

	if (len >= n) /* paths below the output directory are short; this is only a guard */
		len = 0;
	memcpy(dir, rel, len);
	dir[len] = '\0';
	return slash ? slash + 1 : rel;
}

static const char *
file_kind(mode_t mode)
{
	return S_ISDIR(mode)    ? "a directory"
	       : S_ISFIFO(mode) ? "a FIFO"
	       : S_ISSOCK(mode) ? "a socket"
	                        : "a device";
}

int
tree_open_file(struct tree *t, int dfd, const char *rel, struct stat *st, struct diags *d)
{
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	int fd;

	if (t->depth && dfd == t->fd[t->depth - 1] && (t->state[t->depth - 1] & TREE_MADE))
		return TREE_ABSENT; /* made by this run, it holds only temporaries until the commit
		                     */
	fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
		return TREE_ABSENT;
	if (fd < 0 && errno == ELOOP)
		return tree_error(t, rel, 0, link_msg, d);
	if (fd < 0 && errno == ENXIO) /* a socket cannot be opened */
		return tree_error(t, rel, 0, "is a socket where meshroll writes a file; remove it",
		                  d);
	if (fd < 0)
		return tree_error(t, rel, errno, "cannot read", d);
	if (fstat(fd, st) < 0) {
		int err = errno;
		close(fd);
		return tree_error(t, rel, err, "cannot read", d);
	}
	if (!S_ISREG(st->st_mode)) {
		char msg[96];
		snprintf(msg, sizeof(msg), "is %s where meshroll writes a file; remove it",
		         file_kind(st->st_mode));
		close(fd);
		return tree_error(t, rel, 0, msg, d);
	}
	scan_see(t, dfd, base);
	return fd;
}

int
tree_read(struct tree *t, const char *rel, size_t max, char **data, size_t *len, struct diags *d)
{
	char dir[4096];
	struct stat st;
	int dfd = tree_dir(t, (tree_split(rel, dir, sizeof(dir)), dir), 0, d), fd;

	*data = NULL;
	*len = 0;
	if (dfd < 0)
		return dfd == TREE_ABSENT ? 1 : -1;
	if ((fd = tree_open_file(t, dfd, rel, &st, d)) < 0)
		return fd == TREE_ABSENT ? 1 : -1;
	if ((size_t)st.st_size > max) {
		close(fd);
		*len = (size_t)st.st_size;
		return TREE_TOO_BIG;
	}
	char *p = malloc((size_t)st.st_size + 1);
	size_t got = 0;
	ssize_t n = 1;
	if (!p)
		abort();
	while (got < (size_t)st.st_size && (n = read(fd, p + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	int err = errno;
	close(fd);
	if (n < 0) {
		free(p);
		return tree_error(t, rel, err, "cannot read", d);
	}
	p[got] = '\0';
	*data = p;
	*len = got;
	return 0;
}

int
tree_is_temp(const char *name)
{
	size_t len = strlen(name);
	const char *m = NULL, *p;

	if (name[0] != '.' || len < 5 || strcmp(name + len - 4, ".tmp") != 0)
		return 0;
	for (p = name + 1; (p = strstr(p, ".meshroll-")) != NULL; p++)
		m = p; /* the last one: the file's own name may hold the word */
	if (!m || m == name + 1)
		return 0;
	p = m + strlen(".meshroll-"); /* <id>-<n>.tmp: the id hex (an older meshroll's: a pid) */
	size_t id = strspn(p, "0123456789abcdef"), n = strspn(p + id + 1, "0123456789");
	return id >= 1 && id <= 16 && p[id] == '-' && n >= 1 && p + id + 1 + n == name + len - 4;
}

int
tree_idle(const struct tree *t)
{
	for (int i = 0; i < t->depth; i++) {
		if (flock(t->fd[i], LOCK_EX | LOCK_NB) < 0)
			return 0;
		flock(t->fd[i], LOCK_UN);
	}
	return 1;
}

/* Reads the header line of the regular file name in dfd (not a link) into head (TREE_HEAD_MAX + 1
 * bytes). Returns -1 when it is not meshroll's header, 0 when it records no source, or 1
 * with head holding the source. */
static int
tree_source(int dfd, const char *name, char *head)
{
	static const char start[] = RENDER_HEADER_START, from[] = RENDER_HEADER_FROM,
	                  end[] = RENDER_HEADER_END;
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	ssize_t n = -1;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		n = read(fd, head, TREE_HEAD_MAX);
	close(fd);
	char *nl = n > 0 ? memchr(head, '\n', (size_t)n) : NULL;
	if (!nl || strncmp(head, start, sizeof(start) - 1) != 0)
		return -1;
	nl[1] = '\0';
	char *rest = head + sizeof(start) - 1;
	if (!strcmp(rest, end))
		return 0;
	size_t len = (size_t)(nl + 1 - rest), tail = sizeof(end) - 1, lead = sizeof(from) - 1;
	if (len <= lead + tail || strncmp(rest, from, lead) != 0 || strcmp(nl + 1 - tail, end))
		return -1;
	len -= lead + tail;
	memmove(head, rest + lead, len);
	head[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (head[i] <= ' ' || head[i] >= 0x7f)
			return -1; /* render_source() writes none of these */
	return 1;
}

int
tree_owner(struct tree *t, const char *rel, char *head)
{
	char dir[4096];
	const char *base = tree_split(rel, dir, sizeof(dir));
	char *slash = strchr(dir, '/');
	struct arena a;
	struct diags none;
	int scanning = t->scanning;

	if (slash && (slash = strchr(slash + 1, '/')) != NULL)
		*slash = '\0'; /* dir is the tree's, for a moment */
	int made = scan_made(t->scan, dir);
	if (slash)
		*slash = '/';
	if (made)
		return -1; /* this run made the tree: only its temporaries are there */
	arena_init(&a);
	diags_init(&none, &a);
	t->scanning = 0; /* a look aside, not part of the compare */
	int dfd = tree_dir(t, dir, 0, &none);
	t->scanning = scanning;
	arena_release(&a);
	return dfd < 0 ? -1 : tree_source(dfd, base, head);
}

void
tree_unclaimed(const struct tree *t, size_t n, const char *first, struct diags *d)
{
	if (!n)
		return;
	char *path = tree_path(t, first);
	if (n == 1)
		diag_loc(d, DIAG_WARNING, path, 0, 0,
		         "an older meshroll wrote this file, which names no rollout file: this run "
		         "leaves it alone (rendering the rollout that makes it records one; remove "
		         "it if none does)");
	else
		diag_loc(d, DIAG_WARNING, path, 0, 0,
		         "an older meshroll wrote this file and %zu others, which name no rollout "
		         "file: this run leaves them alone (rendering the rollouts that make them "
		         "records one; remove those that none makes)",
		         n - 1);
	free(path);
}

size_t
tree_scope_roots(const struct tree_scope *s)
{
	return s->ndirs ? 1 : s->ntrees;
}

const char *
tree_scope_root(const struct tree_scope *s, size_t i)
{
	return s->ndirs ? "" : s->trees[i];
}

struct prefix {
	const char *s;
	size_t len;
};

static int
prefix_cmp(const void *key, const void *elem)
{
	const struct prefix *k = key;
	const char *tree = *(char *const *)elem;
	int c = strncmp(k->s, tree, k->len);

	return c ? c : -(unsigned char)tree[k->len];
}

/* Whether rel lies in one of the scope's trees: its first two components name one. */
static int
in_tree(const struct tree_scope *s, const char *rel)
{
	const char *slash = strchr(rel, '/');

	slash = slash ? strchr(slash + 1, '/') : NULL;
	struct prefix k = {rel, slash ? (size_t)(slash - rel) : 0};
	return slash && bsearch(&k, s->trees, s->ntrees, sizeof(*s->trees), prefix_cmp);
}

/* Whether a path relative to the output directory (and real: ".." only leads it) goes up. */
static int
goes_up(const char *p)
{
	return !strcmp(p, "..") || !strncmp(p, "../", 3);
}

/* Whether the source src lies below the directory dir, both relative to the output directory
 * and real (run_place()). */
static int
under(const char *src, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "."))
		return !goes_up(src);
	return !strncmp(src, dir, n) && src[n] == '/' && !goes_up(src + n + 1);
}

int
tree_scope_dirs_hold(const struct tree_scope *s, const char *src)
{
	for (size_t i = 0; i < s->ndirs; i++)
		if (under(src, s->dirs[i]))
			return 1;
	return 0;
}

/* What the regular file name in dfd, at rel and not expected, is to the walk; -1: nothing. */
static int
tree_found(const struct tree_scope *s, int dfd, const char *name, const char *rel, char *head)
{
	int own = tree_source(dfd, name, head);

	if (own < 0)
		return -1;
	if (in_tree(s, rel) || (own && tree_scope_dirs_hold(s, head)))
		return TREE_STALE;
	return own ? -1 : TREE_UNCLAIMED;
}

int
tree_path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
tree_dirent_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int
tree_entry_type(const struct dirent *e, const char *path)
{
	struct stat st;

	if (e->d_type != DT_UNKNOWN)
		return e->d_type;
	if (lstat(path, &st) != 0)
		return DT_UNKNOWN;
	return S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
}

struct walk {
	struct tree *t;
	const struct tree_scope *scope;
	const struct paths *expected;
	const char *skip;
	void (*fn)(void *ctx, const char *rel, enum tree_found what);
	void *ctx;
	struct diags *d;
	char head[TREE_HEAD_MAX + 1]; /* tree_source()'s */
};

struct entry {
	const char *name; /* in the listing's buffer */
	int type;         /* DT_* of the entry, DT_UNKNOWN when it did not say */
};

static int walk_dir(struct walk *w, const char *rel, int depth);

static int
walk_entry(struct walk *w, const char *rel, const struct entry *e, int depth)
{
	size_t n = strlen(rel) + strlen(e->name) + 2;
	char *sub = malloc(n);
	int ret = 0, type = e->type, found;
	struct stat st;

	if (!sub)
		abort();
	snprintf(sub, n, "%s%s%s", rel, *rel ? "/" : "", e->name);
	int temp = tree_is_temp(e->name), dfd = -1;
	if (e->name[0] != '.' || temp) {
		dfd = tree_dir(w->t, rel, 0, w->d); /* the chain moves as the walk goes */
		if (dfd < 0)
			ret = dfd == TREE_ABSENT ? 0 : -1;
		else if (type == DT_UNKNOWN && fstatat(dfd, e->name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
	}
	if (dfd < 0)
		;        /* hidden, or gone */
	else if (temp) { /* only a regular file is a temporary; a run's own are not stale */
		if (type == DT_REG && (!w->skip || !strstr(e->name, w->skip)))
			w->fn(w->ctx, sub, TREE_TEMP);
	} else if (type == DT_DIR && depth < TREE_MAX_DEPTH) {
		ret = walk_dir(w, sub, depth + 1);
	} else if (type == DT_REG && !paths_has(w->expected, sub) &&
	           (found = tree_found(w->scope, dfd, e->name, sub, w->head)) >= 0) {
		w->fn(w->ctx, sub, (enum tree_found)found);
	}
	free(sub);
	return ret;
}

/* Lists the deepest open directory into l, rewinding its descriptor when it was read
 * before. Returns 0, or -1 with errno. */
static int
tree_list_deepest(struct tree *t, struct listing *l)
{
	int fd = t->depth ? t->fd[t->depth - 1] : t->root;
	unsigned char *state = t->depth ? &t->state[t->depth - 1] : &t->root_state;

	memset(l, 0, sizeof(*l));
	if ((*state & TREE_READ) && lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	*state |= TREE_READ;
	return tree_list(fd, l);
}

/* scan_left(): an entry of a directory in dir that a scan left to the walk. */
static int
walk_left(void *ctx, const char *dir, const char *name, unsigned char type)
{
	struct entry e = {name, type};
	int depth = 1;

	for (const char *p = dir; *p; p++)
		depth += *p == '/';
	return walk_entry(ctx, dir, &e, depth);
}

static int
walk_dir(struct walk *w, const char *rel, int depth)
{
	int dfd, ret = 0;
	struct listing l;

	if (depth == 2 && scan_has(w->t->scan, rel))
		return scan_left(w->t->scan, rel, walk_left, w);
	if ((dfd = tree_dir(w->t, rel, 0, w->d)) < 0)
		return dfd == TREE_ABSENT ? 0 : -1;
	if (tree_list_deepest(w->t, &l) < 0)
		ret = tree_error(w->t, rel, errno, "cannot read directory", w->d);
	for (size_t i = 0; i < l.n && !ret; i++) {
		struct entry e = {l.names + l.v[i].name, l.v[i].type};
		ret = walk_entry(w, rel, &e, depth);
	}
	listing_release(&l);
	return ret;
}

int
tree_stale(struct tree *t, const char *root, const struct tree_scope *scope,
           const struct paths *expected, const char *skip,
           void (*fn)(void *ctx, const char *rel, enum tree_found what), void *ctx, struct diags *d)
{
	struct walk *w = malloc(sizeof(*w));
	int depth = *root != '\0', ret;

	if (!w)
		abort();
	w->t = t; /* head needs no zeroing */
	w->scope = scope;
	w->expected = expected;
	w->skip = skip;
	w->fn = fn;
	w->ctx = ctx;
	w->d = d;
	for (const char *p = root; *p; p++)
		depth += *p == '/';
	scan_end(t);
	ret = walk_dir(w, root, depth);
	free(w);
	return ret;
}
