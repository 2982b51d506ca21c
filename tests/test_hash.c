/* test_hash.c: the string-keyed table of hash.h. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "hash.h"

/* The value stored for the i-th key: never NULL. */
static void *
val_of(size_t i)
{
	return (void *)(uintptr_t)(i + 1);
}

static struct hash_slot *
put(struct hash_table *t, struct arena *a, const char *key, size_t i)
{
	struct hash_slot *s = hash_find_or_add(t, key, strlen(key), a);

	cr_assert_not_null(s);
	cr_expect_null(s->val, "'%s' is new", key);
	s->val = val_of(i);
	return s;
}

static const struct hash_slot *
get(const struct hash_table *t, const char *key)
{
	return hash_find(t, key, strlen(key));
}

/* Every key found with its value, after every doubling of the slots; absent ones not found. */
Test(unit, hash_table_keeps_every_key_through_growth)
{
	enum { N = 20000 };
	struct hash_table t;
	struct arena a;
	char key[32];
	size_t cap = 0;

	hash_init(&t);
	arena_init(&a);
	cr_expect_null(get(&t, "key-0"), "an empty table finds nothing");
	for (size_t i = 0; i < N; i++) {
		snprintf(key, sizeof(key), "key-%zu", i);
		put(&t, &a, key, i);
		cr_assert_eq(t.n, i + 1);
		cr_assert_eq(t.cap & (t.cap - 1), 0, "a power of two: %zu", t.cap);
		cr_assert_leq(2 * t.n, t.cap, "at most half full");
		if (t.cap == cap)
			continue;
		cap = t.cap; /* grown: every key so far is still there */
		for (size_t j = 0; j <= i; j++) {
			snprintf(key, sizeof(key), "key-%zu", j);
			const struct hash_slot *s = get(&t, key);
			cr_assert_not_null(s, "'%s' lost when the slots grew to %zu", key, cap);
			cr_assert_str_eq(s->key, key);
			cr_assert_eq(s->val, val_of(j));
		}
	}
	for (size_t i = 0; i < N; i++) {
		snprintf(key, sizeof(key), "key-%zu", i);
		cr_assert_eq(hash_find_or_add(&t, key, strlen(key), &a)->val, val_of(i),
		             "'%s' found, not added again", key);
		snprintf(key, sizeof(key), "key-%zu", N + i);
		cr_assert_null(get(&t, key), "'%s' was never added", key);
	}
	cr_expect_eq(t.n, N);
	cr_expect_null(get(&t, ""));
	cr_expect_null(get(&t, "key-"));
	hash_release(&t);
	cr_expect_eq(t.n, 0);
	cr_expect_null(get(&t, "key-0"), "a released table is empty");
	arena_release(&a);
}

/* A key that is a prefix of another, or the other of it, is another key, even in one slot; a
 * key's length is its own, whatever follows it. */
Test(unit, hash_table_tells_prefixes_apart)
{
	static const char *const keys[] = {"ab", "a", "abc", "", "b", "ba", "abd"};
	struct hash_table t = {0};
	struct arena a;
	char longer[32];

	arena_init(&a);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		/* keys[i] and a longer key of the same slot, added in either order */
		for (size_t j = 0;; j++) {
			snprintf(longer, sizeof(longer), "%s%zu", keys[i], j);
			if ((hash_str(longer) & 15) == (hash_str(keys[i]) & 15))
				break;
		}
		for (int order = 0; order < 2; order++) {
			put(&t, &a, order ? longer : keys[i], 0);
			put(&t, &a, order ? keys[i] : longer, 1);
			cr_assert_eq(t.cap, 16);
			cr_expect_eq(get(&t, keys[i])->val, val_of(order), "'%s'", keys[i]);
			cr_expect_eq(get(&t, longer)->val, val_of(!order), "'%s'", longer);
			cr_expect_eq(hash_find(&t, longer, strlen(keys[i])), get(&t, keys[i]),
			             "'%s' of '%s'", keys[i], longer);
			hash_release(&t);
		}
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		put(&t, &a, keys[i], i);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct hash_slot *s = get(&t, keys[i]);
		cr_assert_not_null(s, "'%s'", keys[i]);
		cr_expect_str_eq(s->key, keys[i]);
		cr_expect_eq(s->val, val_of(i), "'%s'", keys[i]);
	}
	cr_expect_eq(hash_find(&t, "abcd", 1)->val, val_of(1), "'a' of \"abcd\"");
	cr_expect_eq(hash_find(&t, "abcd", 2)->val, val_of(0), "'ab' of \"abcd\"");
	cr_expect_eq(hash_find(&t, "abcd", 3)->val, val_of(2), "'abc' of \"abcd\"");
	cr_expect_null(hash_find(&t, "abcd", 4));
	cr_expect_null(get(&t, "abcde"));
	cr_expect_null(get(&t, "bab"));
	/* a key with no NUL after it, copied with its length */
	const char buf[3] = {'x', 'y', 'z'};
	struct hash_slot *s = hash_find_or_add(&t, buf, 2, &a);
	cr_expect_null(s->val);
	cr_expect_str_eq(s->key, "xy");
	cr_expect_eq(hash_find(&t, "xy", 2), s);
	cr_expect_null(get(&t, "xyz"));
	hash_release(&t);
	arena_release(&a);
}

/* Keys of one hash (FNV-1a collisions), and keys of one slot at the end of the slots, which
 * the probe must wrap around: each is found where linear probing put it. */
Test(unit, hash_table_probes_past_collisions_and_wraps)
{
	static const char *const same[][2] = {
	    {"costarring", "liquid"},
	    {"declinate", "macallums"},
	    {"altarage", "zinke"},
	    {"altarages", "zinkes"},
	};
	struct hash_table t = {0};
	struct arena a;
	char key[32];

	arena_init(&a);
	for (size_t i = 0; i < 4; i++) {
		cr_assert_eq(hash_str(same[i][0]), hash_str(same[i][1]), "'%s' and '%s' collide",
		             same[i][0], same[i][1]);
		put(&t, &a, same[i][0], 2 * i);
		put(&t, &a, same[i][1], 2 * i + 1);
	}
	for (size_t i = 0; i < 8; i++)
		cr_expect_eq(get(&t, same[i / 2][i % 2])->val, val_of(i), "'%s'",
		             same[i / 2][i % 2]);
	hash_release(&t);

	/* four keys of the last of 16 slots go to slots 15, 0, 1 and 2, in that order; a fifth
	 * is looked for there too, and not found */
	struct hash_slot *at[4];
	size_t n = 0;
	for (size_t i = 0; n < 5; i++) {
		snprintf(key, sizeof(key), "wrap-%zu", i);
		if ((hash_str(key) & 15) != 15)
			continue;
		if (n < 4)
			at[n] = put(&t, &a, key, n);
		n++;
	}
	cr_assert_eq(t.cap, 16);
	cr_expect_eq(at[0], &t.slots[15]);
	for (size_t i = 1; i < 4; i++)
		cr_expect_eq(at[i], &t.slots[i - 1], "key %zu of slot 15 in slot %zu", i, i - 1);
	for (size_t i = 0; i < 4; i++)
		cr_expect_eq(get(&t, at[i]->key), at[i], "'%s'", at[i]->key);
	cr_expect_null(get(&t, key), "'%s' was never added", key);
	hash_release(&t);
	arena_release(&a);
}
