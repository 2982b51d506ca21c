/* arena.h: one bump allocator per run.
 *
 * Ownership rule, stated once: everything a stage builds (parsed nodes, the
 * model, rendered bytes, diagnostic text) lives in the arena it was given and
 * is freed all at once by arena_release(). Nothing arena-owned is freed on its
 * own; callers never free() a pointer they got from here. Allocation failure
 * aborts the process: an out-of-memory run has nothing sensible to write. */
#ifndef MESHROLL_ARENA_H
#define MESHROLL_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head; /* newest chunk first; owned */
	size_t used;              /* bytes taken from head */
};

void arena_init(struct arena *a);
void arena_release(struct arena *a);
/* Frees every chunk but the newest, and empties that one: a scratch arena for a loop. */
void arena_reset(struct arena *a);
void *arena_alloc(struct arena *a, size_t size); /* zeroed, aligned for any type */
/* The same, not zeroed: for memory the caller fills at once (a copy, a table). */
void *arena_alloc_raw(struct arena *a, size_t size);
void *arena_grow(struct arena *a, void *old, size_t oldsize, size_t newsize);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_int(struct arena *a, long long v); /* v in decimal, like "%lld" */
/* The strings given, one after the other: arena_concat(a, dir, "/", name). */
#define arena_concat(a, ...) arena_concat_((a), __VA_ARGS__, (const char *)NULL)
char *arena_concat_(struct arena *a, ...);
/* Formats: the simple conversions (see fmt_simple in buf.h) without vsnprintf's cost. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
