/* paths.h: many short strings (relative paths) in one growing buffer, each named by its
 * offset in it: no allocation per string, and offsets stay valid as the buffer grows. */
#ifndef MESHROLL_PATHS_H
#define MESHROLL_PATHS_H

#include <stddef.h>
#include <stdint.h>

struct paths {
	char *buf; /* the strings, NUL-terminated, back to back; heap */
	size_t len, cap;
	uint32_t *off; /* the strings listed (paths_add), by offset in buf; heap */
	size_t n, capoff;
};

void paths_init(struct paths *p);
/* Copies s into the buffer, unlisted; returns its offset. */
uint32_t paths_str(struct paths *p, const char *s);
/* Copies s into the buffer and lists it; returns its offset. */
uint32_t paths_add(struct paths *p, const char *s);
/* The string at offset off; valid until the next paths_str() or paths_add(). */
static inline const char *
paths_at(const struct paths *p, uint32_t off)
{
	return p->buf + off;
}
/* The i-th string listed. */
static inline const char *
paths_get(const struct paths *p, size_t i)
{
	return p->buf + p->off[i];
}
/* Sorts the list bytewise, for paths_has(). */
void paths_sort(struct paths *p);
/* Whether s is listed; after paths_sort(). */
int paths_has(const struct paths *p, const char *s);
void paths_release(struct paths *p);

#endif
