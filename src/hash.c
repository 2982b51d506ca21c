/* hash.c: the string-keyed table of hash.h. */
#include "hash.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"

enum { HASH_MIN_CAP = 16 };

void
hash_init(struct hash_table *t)
{
	t->slots = NULL;
	t->cap = 0;
	t->n = 0;
}

void
hash_release(struct hash_table *t)
{
	free(t->slots);
	hash_init(t);
}

/* The slot of key in t (cap > 0): the one holding it, or the empty one where it goes. A stored
 * key is NUL-terminated and key holds no NUL, so strncmp() stops within both. */
static struct hash_slot *
slot_probe(const struct hash_table *t, const char *key, size_t len)
{
	size_t mask = t->cap - 1;

	for (size_t i = hash_strn(key, len) & mask;; i = (i + 1) & mask) {
		struct hash_slot *s = &t->slots[i];
		if (!s->key || (strncmp(s->key, key, len) == 0 && s->key[len] == '\0'))
			return s;
	}
}

struct hash_slot *
hash_find(const struct hash_table *t, const char *key, size_t len)
{
	struct hash_slot *s = t->cap ? slot_probe(t, key, len) : NULL;

	return s && s->key ? s : NULL;
}

/* Twice the slots (HASH_MIN_CAP at first), every key moved to its place among them. */
static void
table_grow(struct hash_table *t)
{
	struct hash_slot *old = t->slots;
	size_t oldcap = t->cap;

	t->cap = oldcap ? 2 * oldcap : HASH_MIN_CAP;
	t->slots = calloc(t->cap, sizeof(*t->slots));
	if (!t->slots)
		abort();
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			*slot_probe(t, old[i].key, strlen(old[i].key)) = old[i];
	free(old);
}

struct hash_slot *
hash_find_or_add(struct hash_table *t, const char *key, size_t len, struct arena *a)
{
	if (2 * (t->n + 1) > t->cap)
		table_grow(t);
	struct hash_slot *s = slot_probe(t, key, len);
	if (!s->key) {
		s->key = a ? arena_strndup(a, key, len) : key;
		t->n++;
	}
	return s;
}
