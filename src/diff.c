/* diff.c: a longest-common-subsequence diff of lines, printed as unified hunks. Generated
 * files are small; past DIFF_MAX_CELLS the whole file shows as replaced. */
#include "diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { DIFF_CONTEXT = 3, DIFF_MAX_CELLS = 4 * 1024 * 1024 };

struct line {
	const char *p;
	size_t len; /* with its '\n', when it has one */
};

struct lines {
	struct line *v;
	size_t n;
};

static struct lines
split(const char *s, size_t len)
{
	struct lines l = {calloc(len + 1, sizeof(struct line)), 0};

	if (!l.v)
		abort();
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (s + i)) + 1 : len - i;
		l.v[l.n++] = (struct line){s + i, n};
		i += n;
	}
	return l;
}

static int
line_eq(struct line a, struct line b)
{
	return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

/* The edit script: ' ' keep, '-' delete from a, '+' insert from b; returns its length. */
static size_t
edits(const struct lines *a, const struct lines *b, char *ops)
{
	size_t n = a->n, m = b->n, k = 0;

	if ((n + 1) * (m + 1) > DIFF_MAX_CELLS) {
		memset(ops, '-', n);
		memset(ops + n, '+', m);
		return n + m;
	}
	uint32_t *t = calloc((n + 1) * (m + 1), sizeof(*t)); /* t[i][j]: LCS of a[i..], b[j..] */
	if (!t)
		abort();
#define T(i, j) t[(i) * (m + 1) + (j)]
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;)
			T(i, j) = line_eq(a->v[i], b->v[j])    ? T(i + 1, j + 1) + 1
			          : T(i + 1, j) >= T(i, j + 1) ? T(i + 1, j)
			                                       : T(i, j + 1);
	size_t i = 0, j = 0;
	while (i < n || j < m) {
		if (i < n && j < m && line_eq(a->v[i], b->v[j]))
			ops[k++] = ' ', i++, j++;
		else if (i < n && (j == m || T(i + 1, j) >= T(i, j + 1)))
			ops[k++] = '-', i++;
		else
			ops[k++] = '+', j++;
	}
#undef T
	free(t);
	return k;
}

static void
put_line(struct buf *out, char op, struct line l)
{
	buf_addc(out, op);
	buf_add(out, l.p, l.len);
	if (!l.len || l.p[l.len - 1] != '\n')
		buf_adds(out, "\n\\ No newline at end of file\n");
}

/* One hunk: ops[from..to) with the line numbers it starts at. */
static void
put_hunk(struct buf *out, const char *ops, size_t from, size_t to, size_t ai, size_t bi,
         const struct lines *a, const struct lines *b)
{
	size_t an = 0, bn = 0;

	for (size_t k = from; k < to; k++) {
		an += ops[k] != '+';
		bn += ops[k] != '-';
	}
	buf_addf(out, "@@ -%zu,%zu +%zu,%zu @@\n", an ? ai + 1 : ai, an, bn ? bi + 1 : bi, bn);
	for (size_t k = from; k < to; k++) {
		if (ops[k] == ' ')
			put_line(out, ' ', a->v[ai++]), bi++;
		else if (ops[k] == '-')
			put_line(out, '-', a->v[ai++]);
		else
			put_line(out, '+', b->v[bi++]);
	}
}

void
diff_unified(struct buf *out, const char *a_name, const char *a, size_t alen, const char *b_name,
             const char *b, size_t blen)
{
	struct lines la = split(a, alen), lb = split(b, blen);
	char *ops = malloc(la.n + lb.n + 1);
	size_t nops, ai = 0, bi = 0, k = 0;

	if (!ops)
		abort();
	nops = edits(&la, &lb, ops);
	if (memchr(ops, '-', nops) || memchr(ops, '+', nops))
		buf_addf(out, "--- %s\n+++ %s\n", a_name, b_name);
	while (k < nops) {
		if (ops[k] == ' ') {
			ai++, bi++, k++;
			continue;
		}
		/* a change at k: the hunk takes three lines of context before it, every later
		 * change fewer than seven unchanged lines from the one before, and three
		 * lines of context after the last */
		size_t from = k, last = k;
		while (from > 0 && k - from < DIFF_CONTEXT)
			from--;
		for (size_t t = k + 1; t < nops; t++) {
			if (ops[t] == ' ')
				continue;
			if (t - last - 1 > 2 * DIFF_CONTEXT)
				break;
			last = t;
		}
		size_t to = last + 1;
		for (int c = 0; c < DIFF_CONTEXT && to < nops && ops[to] == ' '; c++)
			to++;
		put_hunk(out, ops, from, to, ai - (k - from), bi - (k - from), &la, &lb);
		for (; k < to; k++) {
			ai += ops[k] != '+';
			bi += ops[k] != '-';
		}
	}
	free(ops);
	free(la.v);
	free(lb.v);
}
