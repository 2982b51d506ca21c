/* hash.h: FNV-1a, and one open-addressing table of string keys for the small maps and sets
 * (YAML anchors, the keys of the checks across rollouts).
 *
 * A table numbers its keys 0, 1, ... in the order added, and copies them, NUL-terminated and
 * back to back, into a buffer of its own: a key costs its bytes and a few more (its offset, its
 * share of the slots), not a pointer and an allocation. A key is a string of explicit length
 * holding no NUL. Each key may have a value, the caller's pointer (hash_set(), hash_get()); the
 * values take room only once one is set. Everything is on the heap and freed by
 * hash_release(); a zeroed struct hash_table is an empty table. Linear probing in a
 * power-of-two array of slots kept at most half full. */
#ifndef MESHROLL_HASH_H
#define MESHROLL_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

enum { HASH_NONE = -1 }; /* hash_find(): no such key */

struct hash_table {
	uint32_t *slots; /* 1 + the number of the key there; 0: empty; heap */
	size_t cap;      /* of slots: 0 or a power of two, at least 2 n */
	uint32_t *off;   /* key i: its offset in keys; heap */
	void **val;      /* key i's value; NULL until hash_set() is first called; heap */
	size_t n, capn;  /* keys held, and room in off and val */
	char *keys;      /* the keys, NUL-terminated, back to back; heap */
	size_t len, capkeys;
};

void hash_init(struct hash_table *t);
/* The number of key (len bytes), or HASH_NONE. */
long hash_find(const struct hash_table *t, const char *key, size_t len);
/* The number of key (len bytes), added (a copy, with the value NULL) as t->n - 1 where absent. */
size_t hash_add(struct hash_table *t, const char *key, size_t len);
/* Key i, NUL-terminated; valid until the next hash_add(). */
static inline const char *
hash_key(const struct hash_table *t, size_t i)
{
	return t->keys + t->off[i];
}
/* The value of key i: NULL until set. */
static inline void *
hash_get(const struct hash_table *t, size_t i)
{
	return t->val ? t->val[i] : NULL;
}
void hash_set(struct hash_table *t, size_t i, void *val);
/* Empties t, keeping its memory for the keys to come. */
void hash_clear(struct hash_table *t);
void hash_release(struct hash_table *t);

#endif
