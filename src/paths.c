/* paths.c: strings in one buffer, named by offset. */
#include "paths.h"

#include <stdlib.h>
#include <string.h>

void
paths_init(struct paths *p)
{
	memset(p, 0, sizeof(*p));
}

uint32_t
paths_str(struct paths *p, const char *s)
{
	size_t n = strlen(s) + 1;

	if (p->len + n > UINT32_MAX)
		abort(); /* offsets are 32 bits: far beyond RUN_MAX_FILES' paths */
	if (p->len + n > p->cap) {
		while (p->len + n > p->cap)
			p->cap = p->cap ? p->cap * 2 : 4096;
		p->buf = realloc(p->buf, p->cap);
		if (!p->buf)
			abort();
	}
	memcpy(p->buf + p->len, s, n);
	p->len += n;
	return (uint32_t)(p->len - n);
}

uint32_t
paths_add(struct paths *p, const char *s)
{
	uint32_t off = paths_str(p, s);

	if (p->n == p->capoff) {
		p->capoff = p->capoff ? p->capoff * 2 : 256;
		p->off = realloc(p->off, p->capoff * sizeof(*p->off));
		if (!p->off)
			abort();
	}
	p->off[p->n++] = off;
	return off;
}

static int
off_cmp(const void *a, const void *b, void *ctx)
{
	const char *buf = ctx;

	return strcmp(buf + *(const uint32_t *)a, buf + *(const uint32_t *)b);
}

void
paths_sort(struct paths *p)
{
	if (p->n)
		qsort_r(p->off, p->n, sizeof(*p->off), off_cmp, p->buf);
}

int
paths_has(const struct paths *p, const char *s)
{
	size_t lo = 0, hi = p->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s, paths_get(p, mid));
		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

void
paths_release(struct paths *p)
{
	free(p->buf);
	free(p->off);
	paths_init(p);
}
