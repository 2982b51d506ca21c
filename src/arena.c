/* arena.c: bump allocation in chunks; see arena.h for the ownership rule. */
#include "arena.h"

#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ARENA_CHUNK = 64 * 1024, ARENA_ALIGN = 16 };

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

void
arena_init(struct arena *a)
{
	a->head = NULL;
	a->used = 0;
}

void
arena_release(struct arena *a)
{
	struct arena_chunk *c = a->head;

	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	arena_init(a);
}

void
arena_reset(struct arena *a)
{
	if (!a->head)
		return;
	struct arena_chunk *keep = a->head, *c = keep->next;

	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	keep->next = NULL;
	a->used = 0;
}

static void *
oom(void)
{
	fputs("meshroll: out of memory\n", stderr);
	fflush(stderr); /* abort() flushes nothing */
	abort();
}

void *
arena_alloc_raw(struct arena *a, size_t size)
{
	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (size == 0)
		size = ARENA_ALIGN;
	if (!a->head || a->head->size - a->used < size) {
		size_t cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;
		if (cap > SIZE_MAX - sizeof(struct arena_chunk))
			return oom();
		struct arena_chunk *c = malloc(sizeof(*c) + cap);
		if (!c)
			return oom();
		c->size = cap;
		if (a->head && cap > ARENA_CHUNK) {
			/* a big block goes behind the current chunk, which keeps its free space */
			c->next = a->head->next;
			a->head->next = c;
			return c->data;
		}
		c->next = a->head;
		a->head = c;
		a->used = 0;
	}
	void *p = a->head->data + a->used;
	a->used += size;
	return p;
}

void *
arena_alloc(struct arena *a, size_t size)
{
	return memset(arena_alloc_raw(a, size), 0, size);
}

void *
arena_grow(struct arena *a, void *old, size_t oldsize, size_t newsize)
{
	void *p = arena_alloc(a, newsize);

	if (old && oldsize)
		memcpy(p, old, oldsize < newsize ? oldsize : newsize);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc_raw(a, n + 1);

	if (n) /* s may be NULL then: an empty buffer's data */
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_int(struct arena *a, long long v)
{
	char s[20];

	return arena_strndup(a, s, fmt_int(s, v));
}

char *
arena_concat_(struct arena *a, ...)
{
	va_list ap;
	size_t n = 0;

	va_start(ap, a);
	for (const char *s; (s = va_arg(ap, const char *));)
		n += strlen(s);
	va_end(ap);
	char *p = arena_alloc(a, n + 1), *q = p;
	va_start(ap, a);
	for (const char *s; (s = va_arg(ap, const char *));)
		q = stpcpy(q, s);
	va_end(ap);
	return p;
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;

	va_copy(ap2, ap);
	int n = fmt_simple(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n >= 0) { /* the common case, without vsnprintf's cost */
		char *p = arena_alloc(a, (size_t)n + 1);
		fmt_simple(p, (size_t)n + 1, fmt, ap);
		return p;
	}
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return arena_strdup(a, "(unprintable message)");
	char *p = arena_alloc_raw(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}
