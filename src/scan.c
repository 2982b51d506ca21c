/* scan.c: directories of rollout trees listed as tree_dir() first opens them. */
#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

void
listing_release(struct listing *l)
{
	free(l->names);
	free(l->v);
}

/* Whether the walk looks at an entry of this name: not "." or "..", nor another hidden one
 * but a temporary. */
static int
walked(const char *name)
{
	return name[0] != '.' || tree_is_temp(name);
}

static void
listing_add(struct listing *l, const char *name, unsigned char type)
{
	size_t n = strlen(name) + 1;

	if (l->len + n > l->cap) {
		while (l->len + n > l->cap)
			l->cap = l->cap ? l->cap * 2 : 1024;
		l->names = realloc(l->names, l->cap);
		if (!l->names)
			abort();
	}
	if (l->n == l->capv) {
		l->capv = l->capv ? l->capv * 2 : 16;
		l->v = realloc(l->v, l->capv * sizeof(*l->v));
		if (!l->v)
			abort();
	}
	memcpy(l->names + l->len, name, n);
	l->v[l->n].name = l->len;
	l->v[l->n].seen = 0;
	l->v[l->n++].type = type;
	l->len += n;
}

static int
listing_cmp(const void *a, const void *b, void *names)
{
	const struct listed *x = a, *y = b;

	return strcmp((const char *)names + x->name, (const char *)names + y->name);
}

/* Reads the entries of the directory open as fd (from its offset: the caller rewinds one
 * read before) into l, sorted. Reading the descriptor itself spares the open of "." and
 * fdopendir's fstat and fcntls. Returns 0, or -1 with errno. */
int
tree_list(int fd, struct listing *l)
{
	union {
		struct dirent64 align;
		char buf[16384];
	} u;
	ssize_t got;

	while ((got = getdents64(fd, u.buf, sizeof(u.buf))) > 0) {
		for (ssize_t at = 0; at < got;) {
			const struct dirent64 *e = (const struct dirent64 *)(u.buf + at);
			if (walked(e->d_name))
				listing_add(l, e->d_name, e->d_type);
			at += e->d_reclen;
		}
	}
	if (got < 0)
		return -1;
	if (l->n > 1)
		qsort_r(l->v, l->n, sizeof(*l->v), listing_cmp, l->names);
	return 0;
}

/* What the directories of rollout trees held when tree_dir() first opened them: a scan
 * starts at a tree's directory ("<ns>/<name>", depth 2) and takes in each directory opened
 * below it while it stays open. An entry that is opened since (a directory the scan takes
 * in too, or a file through tree_open_file(), which only the files a run produces are) is
 * no business of the stale walk; the others are left to it, which so lists none of these
 * directories again. */
struct tree_scan {
	struct listing level[TREE_MAX_DEPTH]; /* of each directory of the chain being scanned */
	unsigned char on[TREE_MAX_DEPTH];     /* whether it is */
	struct hash_table strs;               /* the entries left, relative to out */
	struct hash_table trees;              /* the trees scanned */
	struct hash_table made;               /* those of them this run made */
	struct scan_left {
		uint32_t path;      /* its number in strs */
		unsigned char type; /* DT_* */
	} * left;                   /* the entries no one opened; in walk order once sorted */
	size_t nleft, capleft;
	int sorted;
};

int
scan_has(const struct tree_scan *s, const char *tree)
{
	return s && hash_find(&s->trees, tree, strlen(tree)) != HASH_NONE;
}

/* Where name is in l (sorted), or where it would go; *found says which. */
static size_t
listing_search(const struct listing *l, const char *name, int *found)
{
	size_t lo = 0, hi = l->n;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, l->names + l->v[mid].name);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Marks name seen in l, adding it in its place when it came since the listing (a directory
 * this run made: sorting the listing again for each would be quadratic in a PR's stages).
 * Returns whether it was seen before. */
static int
listing_see(struct listing *l, const char *name)
{
	int found;
	size_t i = listing_search(l, name, &found);

	if (!found) {
		listing_add(l, name, DT_UNKNOWN); /* last: moved to i, those from i up one */
		struct listed added = l->v[l->n - 1];
		memmove(&l->v[i + 1], &l->v[i], (l->n - 1 - i) * sizeof(*l->v));
		l->v[i] = added;
	} else if (l->v[i].seen) {
		return 1;
	}
	l->v[i].seen = 1;
	return 0;
}

/* Hands the entries of the scan of level k that no one opened to the stale walk; t->path
 * holds the chain. */
void
scan_leave(struct tree *t, int k)
{
	struct tree_scan *s = t->scan;
	struct listing *l;
	size_t n = t->end[k];

	if (!s || !s->on[k])
		return;
	l = &s->level[k];
	s->on[k] = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].seen)
			continue;
		const char *name = l->names + l->v[i].name;
		char *rel = malloc(n + strlen(name) + 2);
		if (!rel)
			abort();
		memcpy(rel, t->path, n);
		rel[n] = '/';
		strcpy(rel + n + 1, name);
		if (s->nleft == s->capleft) {
			s->capleft = s->capleft ? s->capleft * 2 : 64;
			s->left = realloc(s->left, s->capleft * sizeof(*s->left));
			if (!s->left)
				abort();
		}
		s->left[s->nleft].path = (uint32_t)hash_add(&s->strs, rel, strlen(rel));
		s->left[s->nleft++].type = l->v[i].type;
		s->sorted = 0;
		free(rel);
	}
	listing_release(l);
	memset(l, 0, sizeof(*l));
}

/* tree_dir() opened (made, when state says so) the directory t->path as the deepest of the
 * chain, fd: scans it when it is a tree's, or lies below one being scanned and was not taken
 * in yet. Returns 0, or -1 with a diagnostic. */
int
scan_enter(struct tree *t, int fd, struct diags *d)
{
	int k = t->depth - 1;

	if (!t->scanning || k < 1)
		return 0;
	if (!t->scan) {
		t->scan = calloc(1, sizeof(*t->scan));
		if (!t->scan)
			abort();
	}
	struct tree_scan *s = t->scan;
	if (k == 1 && scan_has(s, t->path))
		return 0;
	if (k == 1) {
		hash_add(&s->trees, t->path, strlen(t->path));
		if (t->state[k] & TREE_MADE)
			hash_add(&s->made, t->path, strlen(t->path));
	} else if (!s->on[k - 1] || listing_see(&s->level[k - 1], t->path + t->end[k - 1] + 1))
		return 0;
	s->on[k] = 1;
	if (t->state[k] & TREE_MADE)
		return 0; /* empty */
	t->state[k] |= TREE_READ;
	if (tree_list(fd, &s->level[k]) < 0)
		return tree_error(t, t->path, errno, "cannot read directory", d);
	return 0;
}

/* tree_open_file() opened name in dfd: no business of the stale walk's. */
void
scan_see(struct tree *t, int dfd, const char *name)
{
	int k = t->depth - 1;

	if (t->scan && k >= 0 && t->fd[k] == dfd && t->scan->on[k])
		listing_see(&t->scan->level[k], name);
}

/* The order of the stale walk: bytewise, but a directory's entries right after it ('/'
 * before every other byte). */
static int
walk_order(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	for (;; x++, y++) {
		int cx = *x == '/' ? 1 : *x ? *x + 1 : 0, cy = *y == '/' ? 1 : *y ? *y + 1 : 0;
		if (cx != cy || !cx)
			return cx - cy;
	}
}

static int
walk_cmp(const void *a, const void *b, void *strs)
{
	return walk_order(hash_key(strs, ((const struct scan_left *)a)->path),
	                  hash_key(strs, ((const struct scan_left *)b)->path));
}

/* Ends every scan of the chain, for the stale walk; no more start. */
void
scan_end(struct tree *t)
{
	struct tree_scan *s = t->scan;

	t->scanning = 0;
	if (!s)
		return;
	for (int k = t->depth - 1; k >= 0; k--)
		scan_leave(t, k);
	if (!s->sorted && s->nleft)
		qsort_r(s->left, s->nleft, sizeof(*s->left), walk_cmp, &s->strs);
	s->sorted = 1;
}

void
scan_free(struct tree_scan *s)
{
	if (!s)
		return;
	for (int k = 0; k < TREE_MAX_DEPTH; k++)
		listing_release(&s->level[k]);
	hash_release(&s->strs);
	hash_release(&s->trees);
	hash_release(&s->made);
	free(s->left);
	free(s);
}

void
tree_scan_reset(struct tree *t)
{
	scan_free(t->scan);
	t->scan = NULL;
	t->scanning = 1;
}

int
scan_made(const struct tree_scan *s, const char *tree)
{
	return s && hash_find(&s->made, tree, strlen(tree)) != HASH_NONE;
}

int
scan_left(const struct tree_scan *s, const char *tree,
          int (*fn)(void *ctx, const char *dir, const char *name, unsigned char type), void *ctx)
{
	size_t n = strlen(tree), lo = 0, hi = s->nleft;
	int ret = 0;

	while (lo < hi) { /* the first entry after tree */
		size_t mid = lo + (hi - lo) / 2;
		if (walk_order(hash_key(&s->strs, s->left[mid].path), tree) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < s->nleft && !ret; i++) {
		char *dir = strdup(hash_key(&s->strs, s->left[i].path)), *slash;
		if (!dir)
			abort();
		if (strncmp(dir, tree, n) != 0 || dir[n] != '/') {
			free(dir);
			break;
		}
		slash = strrchr(dir, '/');
		*slash = '\0';
		ret = fn(ctx, dir, slash + 1, s->left[i].type);
		free(dir);
	}
	return ret;
}
