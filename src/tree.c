/* tree.c: the output tree on disk. */
#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "render.h"

int
tree_read(const char *path, char **data, size_t *len, struct diags *d)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	*data = NULL;
	*len = 0;
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
		return 1;
	if (fd < 0 && errno == ELOOP) /* a planted link's target is none of check's business */
		return diag_io(d, path, 0,
		               "is a symbolic link; meshroll does not follow links in "
		               "the output directory");
	if (fd < 0)
		return diag_io(d, path, errno, "cannot read");
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return diag_io(d, path, errno ? errno : EISDIR, "cannot read");
	}
	char *p = malloc((size_t)st.st_size + 1);
	size_t got = 0;
	ssize_t n = 1;
	if (!p)
		abort();
	while (got < (size_t)st.st_size && (n = read(fd, p + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (n < 0) {
		free(p);
		return diag_io(d, path, errno, "cannot read");
	}
	p[got] = '\0';
	*data = p;
	*len = got;
	return 0;
}

int
tree_owned(const char *path)
{
	char head[sizeof(RENDER_HEADER)];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, head, sizeof(head) - 1);
	close(fd);
	return n == (ssize_t)sizeof(head) - 1 && memcmp(head, RENDER_HEADER, (size_t)n) == 0;
}

int
tree_path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct walk {
	const char *out;
	char *const *expected;
	size_t n;
	void (*fn)(void *ctx, const char *rel);
	void *ctx;
	struct diags *d;
};

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

static int
walk_dir(struct walk *w, const char *rel)
{
	char *dir = malloc(strlen(w->out) + strlen(rel) + 2);
	struct dirent **ents;
	int n, ret = 0;

	if (!dir)
		abort();
	sprintf(dir, "%s%s%s", w->out, *rel ? "/" : "", rel);
	n = scandir(dir, &ents, NULL, tree_dirent_cmp);
	if (n < 0) {
		ret = errno == ENOENT || errno == ENOTDIR
		          ? 0
		          : diag_io(w->d, dir, errno, "cannot read directory");
		free(dir);
		return ret;
	}
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		char *path = malloc(strlen(dir) + strlen(name) + 2);
		char *sub = malloc(strlen(rel) + strlen(name) + 2);
		if (!path || !sub)
			abort();
		sprintf(path, "%s/%s", dir, name);
		sprintf(sub, "%s%s%s", rel, *rel ? "/" : "", name);
		int type = name[0] == '.' || ret ? DT_UNKNOWN : tree_entry_type(ents[i], path);
		if (type == DT_DIR)
			ret = walk_dir(w, sub);
		else if (type == DT_REG &&
		         !bsearch(&sub, w->expected, w->n, sizeof(*w->expected), tree_path_cmp) &&
		         tree_owned(path))
			w->fn(w->ctx, sub);
		free(path);
		free(sub);
		free(ents[i]);
	}
	free(ents);
	free(dir);
	return ret;
}

int
tree_stale(const char *out, const char *root, char *const *expected, size_t n,
           void (*fn)(void *ctx, const char *rel), void *ctx, struct diags *d)
{
	struct walk w = {out, expected, n, fn, ctx, d};

	return walk_dir(&w, root);
}
