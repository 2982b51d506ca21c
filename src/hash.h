/* hash.h: FNV-1a, and one open-addressing table of string keys for the small maps and sets
 * (YAML anchors, the keys of the checks across rollouts).
 *
 * A key is a string of explicit length holding no NUL. The table borrows its keys: a new one
 * is copied into the arena given, or kept as the caller's own (NUL-terminated at its length,
 * and living as long as the table). Each key maps to a pointer, the caller's. The slots are
 * the table's (heap, freed by hash_release()), and a pointer to one is valid until the next
 * hash_find_or_add(); a zeroed struct hash_table is an empty table.
 * Linear probing in a power-of-two array kept at most half full. */
#ifndef MESHROLL_HASH_H
#define MESHROLL_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct arena;

/* FNV-1a of the len bytes at s. */
static inline uint32_t
hash_strn(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* The same of a NUL-terminated string. */
static inline uint32_t
hash_str(const char *s)
{
	return hash_strn(s, strlen(s));
}

struct hash_slot {
	const char *key; /* NUL-terminated; NULL: an empty slot */
	void *val;       /* the caller's; NULL in a slot just added */
};

struct hash_table {
	struct hash_slot *slots; /* cap of them: 0 or a power of two; heap */
	size_t cap;
	size_t n; /* the keys held: at most cap / 2 */
};

void hash_init(struct hash_table *t);
/* The slot holding key (len bytes), or NULL. */
struct hash_slot *hash_find(const struct hash_table *t, const char *key, size_t len);
/* The slot holding key (len bytes), added where there is none: its key then a copy in a, or
 * key itself when a is NULL, and its val NULL. */
struct hash_slot *hash_find_or_add(struct hash_table *t, const char *key, size_t len,
                                   struct arena *a);
/* Frees the slots (not the keys, nor what the vals point to); t is empty again. */
void hash_release(struct hash_table *t);

#endif
