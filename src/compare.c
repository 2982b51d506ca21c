/* compare.c: the tree on disk against what render would write, reading only. */
#include "compare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "diff.h"
#include "render.h"

struct tree_scope
compare_scope(struct run *r)
{
	struct tree_scope s = {arena_alloc(&r->arena, (r->n + 1) * sizeof(char *)), r->n,
	                       arena_alloc(&r->arena, (r->ndirs + 1) * sizeof(char *)), r->ndirs};
	struct buf b;

	for (size_t i = 0; i < r->n; i++)
		s.trees[i] = arena_printf(&r->arena, "%s/%s", r->refs[i].ns, r->refs[i].name);
	qsort(s.trees, s.ntrees, sizeof(*s.trees), tree_path_cmp);
	buf_init(&b);
	for (size_t i = 0; i < r->ndirs; i++) {
		b.len = 0;
		render_source(&b, r->dirs[i]);
		s.dirs[i] = arena_strndup(&r->arena, b.data, b.len);
	}
	buf_release(&b);
	return s;
}

/* Whether the file that source (as a header writes it) names, relative to out, is there. */
static int
source_exists(const char *out, const char *source)
{
	size_t n = strlen(out);
	char *path = malloc(n + strlen(source) + 2), *p = path + n + 1;
	struct stat st;

	if (!path)
		abort();
	memcpy(path, out, n);
	path[n] = '/';
	for (const char *s = source; *s; s++) {
		unsigned byte;
		if (*s == '%' && sscanf(s + 1, "%2x", &byte) == 1 && s[1] && s[2]) {
			*p++ = (char)byte;
			s += 2;
		} else {
			*p++ = *s;
		}
	}
	*p = '\0';
	int there = stat(path, &st) == 0;
	free(path);
	return there;
}

/* The sources of r's rollouts as headers write them, sorted for run_reads(); in r's arena. */
static char **
run_sources(struct run *r, struct buf *b)
{
	char **v = arena_alloc(&r->arena, (r->n + 1) * sizeof(*v));

	for (size_t i = 0; i < r->n; i++) {
		b->len = 0;
		render_source(b, r->refs[i].source);
		v[i] = arena_strndup(&r->arena, b->data, b->len);
	}
	qsort(v, r->n, sizeof(*v), tree_path_cmp);
	return v;
}

/* Whether this run reads the rollout file that source names: one of its rollouts' (sources,
 * sorted), or one below a directory it was given. */
static int
run_reads(char **sources, size_t n, const struct tree_scope *scope, const char *source)
{
	return (n && bsearch(&source, sources, n, sizeof(*sources), tree_path_cmp)) ||
	       tree_scope_dirs_hold(scope, source);
}

int
compare_owners(struct run *r, struct tree *t, const struct tree_scope *scope, const char *out)
{
	char *head = malloc(TREE_HEAD_MAX + 1);
	struct buf b;
	int ret = 0;

	if (!head)
		abort();
	buf_init(&b);
	char **sources = run_sources(r, &b);
	for (size_t i = 0; i < r->n; i++) {
		const struct run_ref *ro = &r->refs[i];
		const char *top =
		    arena_printf(&r->scratch, "%s/%s/kustomization.yaml", ro->ns, ro->name);
		if (tree_owner(t, top, head) != 1 || run_reads(sources, r->n, scope, head) ||
		    !source_exists(out, head))
			continue;
		b.len = 0;
		render_source(&b, ro->source);
		buf_addc(&b, '\0');
		int found = tree_scope_dirs_hold(scope, b.data);
		diag_loc(
		    &r->diags, found ? DIAG_ERROR : DIAG_WARNING, ro->file, ro->line, ro->col,
		    "rollout '%s/%s' %s %s/%s/%s, which the rollout file %s/%s renders, and that "
		    "file is still there; one namespace and name takes one rollout file: rename "
		    "this rollout, or remove that file if the rollout moved here",
		    ro->ns, ro->name, found ? "would take over" : "takes over", out, ro->ns,
		    ro->name, out, head);
		ret -= found;
	}
	arena_reset(&r->scratch);
	buf_release(&b);
	free(head);
	return ret;
}

int
compare_open(struct compare *c, struct run *r, const char *out, struct buf *diff)
{
	memset(c, 0, sizeof(*c));
	c->r = r;
	c->diff = diff;
	return tree_open(&c->tree, out, &r->diags) == -1 ? -1 : 0;
}

void
compare_close(struct compare *c)
{
	tree_close(&c->tree);
	paths_release(&c->expected);
}

void
compare_reset(struct compare *c)
{
	paths_clear(&c->expected);
	c->differ = c->ntemps = c->nstale = c->unclaimed = 0;
	c->first = NULL;
	tree_scan_reset(&c->tree); /* what the scans left was measured against other files */
}

/* Appends a copy of s to an arena array of strings. */
static void
compare_push(struct compare *c, char ***v, size_t *n, size_t *cap, const char *s)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		*v = arena_grow(&c->r->arena, *v, *n * sizeof(char *), ncap * sizeof(char *));
		*cap = ncap;
	}
	(*v)[(*n)++] = arena_strdup(&c->r->arena, s);
}

/* Appends the diff of one path: the disk's bytes (absent: none) against new (NULL: stale, to
 * be removed). Returns 0, or -1 with an I/O diagnostic. */
static int
compare_diff(struct compare *c, const char *rel, const char *new, size_t newlen)
{
	size_t max = newlen > COMPARE_MAX_BYTES / 2 ? 2 * newlen : COMPARE_MAX_BYTES, oldlen,
	       before;
	char *old;
	int r = tree_read(&c->tree, rel, max, &old, &oldlen, &c->r->diags);

	if (r < 0 || (r == 1 && !new))
		return r < 0 ? -1 : 0;
	if (!c->diff) { /* only whether it differs */
		c->differ += r != 0 || !new || oldlen != newlen || memcmp(old, new, newlen);
		free(old);
		return 0;
	}
	before = c->diff->len;
	if (r == TREE_TOO_BIG) {
		buf_addf(c->diff, "Files a/%s and %s differ (a/%s is %zu bytes: not shown)\n", rel,
		         new ? arena_printf(&c->r->scratch, "b/%s", rel) : "/dev/null", rel,
		         oldlen);
	} else {
		const char *a = r == 0 ? arena_printf(&c->r->scratch, "a/%s", rel) : "/dev/null";
		const char *b = new ? arena_printf(&c->r->scratch, "b/%s", rel) : "/dev/null";
		diff_unified(c->diff, a, r == 0 ? old : "", oldlen, b, new ? new : "", newlen);
		if (c->diff->len == before && !new) /* an empty file: no line to show */
			buf_addf(c->diff, "Files a/%s and /dev/null differ (a/%s is empty)\n", rel,
			         rel);
	}
	free(old);
	c->differ += c->diff->len > before;
	return 0;
}

int
compare_rollout(struct compare *c, const struct rollout *ro)
{
	struct render_set set = {0};
	int ret = 0;

	render_tree(ro, &c->r->templates, &c->r->scratch, &set);
	for (size_t k = 0; k < set.n && ret == 0; k++) {
		paths_add(&c->expected, set.v[k].path);
		ret = compare_diff(c, set.v[k].path, set.v[k].data, set.v[k].len);
	}
	arena_reset(&c->r->scratch);
	return ret;
}

/* A file render would remove: its diff, and its name for the summary. */
static int
compare_gone(struct compare *c, const char *rel)
{
	compare_push(c, &c->stale, &c->nstale, &c->capstale, rel);
	return compare_diff(c, rel, NULL, 0);
}

static void
compare_found(void *ctx, const char *rel, enum tree_found what)
{
	struct compare *c = ctx;

	if (what == TREE_TEMP)
		compare_push(c, &c->temps, &c->ntemps, &c->captemps, rel);
	else if (what == TREE_STALE)
		compare_gone(c, rel);
	else if (!c->unclaimed++) /* a file render keeps: not stale */
		c->first = arena_strdup(&c->r->arena, rel);
}

/* Temporaries are stale when no run is live: when no run holds the output directory's lock,
 * nor one on a directory above the temporary (a run writing a tree below). The lock is
 * taken only to test it, so a check never holds a render up. */
static int
compare_temps(struct compare *c)
{
	char dir[4096];

	if (!c->ntemps || flock(c->tree.root, LOCK_EX | LOCK_NB) < 0)
		return 0;
	flock(c->tree.root, LOCK_UN);
	for (size_t i = 0; i < c->ntemps; i++) {
		tree_split(c->temps[i], dir, sizeof(dir));
		int dfd = tree_dir(&c->tree, dir, 0, &c->r->diags);
		if (dfd == -1 ||
		    (dfd >= 0 && tree_idle(&c->tree) && compare_gone(c, c->temps[i]) < 0))
			return -1;
	}
	return 0;
}

int
compare_stale(struct compare *c, const struct tree_scope *scope)
{
	for (size_t i = 0; i < tree_scope_roots(scope); i++)
		if (tree_stale(&c->tree, tree_scope_root(scope, i), scope, &c->expected, "\n",
		               compare_found, c, &c->r->diags) < 0 ||
		    c->r->diags.io_errors)
			return -1;
	return compare_temps(c);
}
