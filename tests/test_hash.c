/* test_hash.c: the string-keyed table of hash.h. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hash.h"

/* The value stored for the i-th key: never NULL. */
static void *
val_of(size_t i)
{
	return (void *)(uintptr_t)(i + 1);
}

/* Adds key, new, with the value of i; its number. */
static size_t
put(struct hash_table *t, const char *key, size_t i)
{
	size_t n = t->n, j = hash_add(t, key, strlen(key));

	cr_assert_eq(j, n, "'%s' is new: numbered %zu, not %zu", key, n, j);
	cr_assert_eq(t->n, n + 1);
	cr_assert_null(hash_get(t, j), "'%s' has no value yet", key);
	cr_assert_str_eq(hash_key(t, j), key);
	hash_set(t, j, val_of(i));
	return j;
}

/* The value of key, or NULL where the table does not hold it. */
static void *
get(const struct hash_table *t, const char *key)
{
	long j = hash_find(t, key, strlen(key));

	if (j == HASH_NONE)
		return NULL;
	cr_assert_str_eq(hash_key(t, (size_t)j), key);
	return hash_get(t, (size_t)j);
}

/* Every key found with its value, after every doubling of the slots; absent ones not found. */
Test(unit, hash_table_keeps_every_key_through_growth)
{
	enum { N = 20000 };
	struct hash_table t;
	char key[32];
	size_t cap = 0;

	hash_init(&t);
	cr_expect_eq(hash_find(&t, "key-0", 5), HASH_NONE, "an empty table finds nothing");
	for (size_t i = 0; i < N; i++) {
		snprintf(key, sizeof(key), "key-%zu", i);
		cr_assert_eq(put(&t, key, i), i, "numbered in the order added");
		cr_assert_eq(t.cap & (t.cap - 1), 0, "a power of two: %zu", t.cap);
		cr_assert_leq(2 * t.n, t.cap, "at most half full");
		if (t.cap == cap)
			continue;
		cap = t.cap; /* grown: every key so far is still there */
		for (size_t j = 0; j <= i; j++) {
			snprintf(key, sizeof(key), "key-%zu", j);
			cr_assert_eq(get(&t, key), val_of(j),
			             "'%s' lost when the slots grew to %zu", key, cap);
		}
	}
	for (size_t i = 0; i < N; i++) {
		snprintf(key, sizeof(key), "key-%zu", i);
		cr_assert_eq(hash_add(&t, key, strlen(key)), i, "'%s' found, not added again", key);
		cr_assert_eq(hash_get(&t, i), val_of(i));
		snprintf(key, sizeof(key), "key-%zu", N + i);
		cr_assert_eq(hash_find(&t, key, strlen(key)), HASH_NONE, "'%s' was never added",
		             key);
	}
	cr_expect_eq(t.n, N);
	cr_expect_eq(hash_find(&t, "", 0), HASH_NONE);
	cr_expect_eq(hash_find(&t, "key-", 4), HASH_NONE);
	hash_release(&t);
	cr_expect_eq(t.n, 0);
	cr_expect_eq(hash_find(&t, "key-0", 5), HASH_NONE, "a released table is empty");
}

/* Values take no room until one is set; then the keys before it and those added after have
 * none. */
Test(unit, hash_table_values_start_null)
{
	struct hash_table t = {0};
	char key[32];

	for (size_t i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		cr_assert_eq(hash_add(&t, key, strlen(key)), i);
	}
	cr_expect_null(t.val, "no value set, none allocated");
	hash_set(&t, 50, val_of(50));
	for (size_t i = 100; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		cr_assert_eq(hash_add(&t, key, strlen(key)), i);
	}
	for (size_t i = 0; i < 1000; i++)
		cr_assert_eq(hash_get(&t, i), i == 50 ? val_of(50) : NULL, "key %zu", i);
	hash_release(&t);
}

/* A key that is a prefix of another, or the other of it, is another key, even in one slot; a
 * key's length is its own, whatever follows it. */
Test(unit, hash_table_tells_prefixes_apart)
{
	static const char *const keys[] = {"ab", "a", "abc", "", "b", "ba", "abd"};
	struct hash_table t = {0};
	char longer[32];

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		/* keys[i] and a longer key of the same slot, added in either order */
		for (size_t j = 0;; j++) {
			snprintf(longer, sizeof(longer), "%s%zu", keys[i], j);
			if ((hash_str(longer) & 15) == (hash_str(keys[i]) & 15))
				break;
		}
		for (int order = 0; order < 2; order++) {
			put(&t, order ? longer : keys[i], 0);
			put(&t, order ? keys[i] : longer, 1);
			cr_assert_eq(t.cap, 16);
			cr_expect_eq(get(&t, keys[i]), val_of(order), "'%s'", keys[i]);
			cr_expect_eq(get(&t, longer), val_of(!order), "'%s'", longer);
			cr_expect_eq(hash_find(&t, longer, strlen(keys[i])), order, "'%s' of '%s'",
			             keys[i], longer);
			hash_release(&t);
		}
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		put(&t, keys[i], i);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		cr_expect_eq(get(&t, keys[i]), val_of(i), "'%s'", keys[i]);
	cr_expect_eq(hash_find(&t, "abcd", 1), 1, "'a' of \"abcd\"");
	cr_expect_eq(hash_find(&t, "abcd", 2), 0, "'ab' of \"abcd\"");
	cr_expect_eq(hash_find(&t, "abcd", 3), 2, "'abc' of \"abcd\"");
	cr_expect_eq(hash_find(&t, "abcd", 4), HASH_NONE);
	cr_expect_eq(hash_find(&t, "abcde", 5), HASH_NONE);
	cr_expect_eq(hash_find(&t, "bab", 3), HASH_NONE);
	/* a key with no NUL after it, copied with its length */
	const char buf[3] = {'x', 'y', 'z'};
	size_t xy = hash_add(&t, buf, 2);
	cr_expect_eq(xy, t.n - 1);
	cr_expect_str_eq(hash_key(&t, xy), "xy");
	cr_expect_eq(hash_find(&t, "xy", 2), (long)xy);
	cr_expect_eq(hash_find(&t, "xyz", 3), HASH_NONE);
	hash_release(&t);
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
	char key[32];

	for (size_t i = 0; i < 4; i++) {
		cr_assert_eq(hash_str(same[i][0]), hash_str(same[i][1]), "'%s' and '%s' collide",
		             same[i][0], same[i][1]);
		put(&t, same[i][0], 2 * i);
		put(&t, same[i][1], 2 * i + 1);
	}
	for (size_t i = 0; i < 8; i++)
		cr_expect_eq(get(&t, same[i / 2][i % 2]), val_of(i), "'%s'", same[i / 2][i % 2]);
	hash_release(&t);

	/* four keys of the last of 16 slots go to slots 15, 0, 1 and 2, in that order; a fifth
	 * is looked for there too, and not found */
	size_t n = 0;
	for (size_t i = 0; n < 5; i++) {
		snprintf(key, sizeof(key), "wrap-%zu", i);
		if ((hash_str(key) & 15) != 15)
			continue;
		if (n < 4)
			put(&t, key, n);
		n++;
	}
	cr_assert_eq(t.cap, 16);
	cr_expect_eq(t.slots[15], 1, "key 0 of slot 15 in slot 15");
	for (size_t i = 1; i < 4; i++)
		cr_expect_eq(t.slots[i - 1], i + 1, "key %zu of slot 15 in slot %zu", i, i - 1);
	for (size_t i = 0; i < 4; i++)
		cr_expect_eq(hash_find(&t, hash_key(&t, i), strlen(hash_key(&t, i))), (long)i);
	cr_expect_eq(hash_find(&t, key, strlen(key)), HASH_NONE, "'%s' was never added", key);
	hash_release(&t);
}

/* An emptied table holds no key, numbers the next from 0 and keeps its memory. */
Test(unit, hash_table_clear_forgets_every_key)
{
	struct hash_table t;
	char key[32];

	hash_init(&t);
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		hash_add(&t, key, strlen(key));
	}
	size_t cap = t.cap;
	hash_clear(&t);
	cr_expect_eq(t.n, 0);
	cr_expect_eq(t.cap, cap, "the slots are kept");
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		cr_expect_eq(hash_find(&t, key, strlen(key)), HASH_NONE, "'%s' after clearing",
		             key);
	}
	cr_expect_eq(hash_add(&t, "new", 3), 0);
	cr_expect_str_eq(hash_key(&t, 0), "new");
	hash_release(&t);
}
