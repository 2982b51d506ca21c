/* hash.c: the string-keyed table of hash.h. */
#include "hash.h"

#include <stdlib.h>

enum { HASH_MIN_CAP = 16, HASH_MIN_KEYS = 256 };

void
hash_init(struct hash_table *t)
{
	memset(t, 0, sizeof(*t));
}

void
hash_release(struct hash_table *t)
{
	free(t->slots);
	free(t->off);
	free(t->val);
	free(t->keys);
	hash_init(t);
}

void
hash_clear(struct hash_table *t)
{
	if (t->cap)
		memset(t->slots, 0, t->cap * sizeof(*t->slots));
	t->n = t->len = 0;
}

static void *
xrealloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (!p)
		abort();
	return p;
}

/* The slot of key in t (cap > 0): the one holding it, or the empty one where it goes. A key
 * held is NUL-terminated and key holds no NUL, so strncmp() stops within both. */
static uint32_t *
slot_probe(const struct hash_table *t, const char *key, size_t len)
{
	size_t mask = t->cap - 1;

	for (size_t i = hash_strn(key, len) & mask;; i = (i + 1) & mask) {
		uint32_t *s = &t->slots[i];
		if (!*s)
			return s;
		const char *k = hash_key(t, *s - 1);
		if (strncmp(k, key, len) == 0 && k[len] == '\0')
			return s;
	}
}

long
hash_find(const struct hash_table *t, const char *key, size_t len)
{
	uint32_t s = t->cap ? *slot_probe(t, key, len) : 0;

	return s ? (long)s - 1 : HASH_NONE;
}

/* Twice the slots (HASH_MIN_CAP at first), every key put back in its place among them. */
static void
slots_grow(struct hash_table *t)
{
	free(t->slots);
	t->cap = t->cap ? 2 * t->cap : HASH_MIN_CAP;
	t->slots = calloc(t->cap, sizeof(*t->slots));
	if (!t->slots)
		abort();
	for (size_t i = 0; i < t->n; i++) {
		const char *k = hash_key(t, i);
		*slot_probe(t, k, strlen(k)) = (uint32_t)i + 1;
	}
}

/* Room for one more key of len bytes. */
static void
keys_reserve(struct hash_table *t, size_t len)
{
	if (t->n + 1 >= UINT32_MAX || t->len + len + 1 > UINT32_MAX)
		abort(); /* past what the slots and offsets count */
	if (t->n == t->capn) {
		t->capn = t->capn ? 2 * t->capn : HASH_MIN_CAP / 2;
		t->off = xrealloc(t->off, t->capn * sizeof(*t->off));
		if (t->val)
			t->val = xrealloc(t->val, t->capn * sizeof(*t->val));
	}
	if (t->len + len + 1 > t->capkeys) {
		size_t cap = t->capkeys ? t->capkeys : HASH_MIN_KEYS;
		while (cap < t->len + len + 1)
			cap *= 2;
		t->keys = xrealloc(t->keys, cap);
		t->capkeys = cap;
	}
}

size_t
hash_add(struct hash_table *t, const char *key, size_t len)
{
	if (2 * (t->n + 1) > t->cap)
		slots_grow(t);
	uint32_t *s = slot_probe(t, key, len);
	if (*s)
		return *s - 1;
	keys_reserve(t, len);
	memcpy(t->keys + t->len, key, len);
	t->keys[t->len + len] = '\0';
	t->off[t->n] = (uint32_t)t->len;
	if (t->val)
		t->val[t->n] = NULL;
	t->len += len + 1;
	*s = (uint32_t)++t->n;
	return t->n - 1;
}

void
hash_set(struct hash_table *t, size_t i, void *val)
{
	if (!t->val) {
		t->val = calloc(t->capn, sizeof(*t->val));
		if (!t->val)
			abort();
	}
	t->val[i] = val;
}
