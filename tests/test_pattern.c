/* test_pattern.c: src/pattern.c says what glibc's regexec() says, on every pattern of the
 * embedded schema and many strings; it refuses what it does not implement; and no input makes
 * it slow. */
#include <criterion/criterion.h>
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "frozen.h"
#include "helpers.h"
#include "pattern.h"

enum { MAX_PATTERNS = 64, MAX_POOL = 256, RANDOM_PER_PATTERN = 4000 };

static struct arena arena;

static void
setup(void)
{
	arena_init(&arena);
}

static void
teardown(void)
{
	arena_release(&arena);
}

TestSuite(pattern, .init = setup, .fini = teardown);

/* Adds the value of every "pattern" key under n to v, once each. */
static void
collect_patterns(const struct node *n, const char **v, size_t *nv)
{
	if (n->kind == NODE_SCALAR)
		return;
	for (size_t i = 0; i < (n->kind == NODE_MAP ? 2 * n->n : n->n); i++)
		collect_patterns(n->kids[i], v, nv);
	for (size_t i = 0; n->kind == NODE_MAP && i < n->n; i++) {
		const struct node *k = n->kids[2 * i], *val = n->kids[2 * i + 1];
		bool seen = false;
		if (strcmp(k->str, "pattern") != 0 || val->kind != NODE_SCALAR)
			continue;
		for (size_t j = 0; j < *nv; j++)
			seen |= strcmp(v[j], val->str) == 0;
		if (!seen && *nv < MAX_PATTERNS)
			v[(*nv)++] = val->str;
	}
}

static size_t
schema_patterns(const char **v)
{
	struct node *root = frozen_load("schemas/rollout.schema.json", &arena);
	size_t n = 0;

	cr_assert(root, "the schema is not frozen");
	collect_patterns(root, v, &n);
	return n;
}

/* Constructs beyond the schema's, each checked against regexec() as well. */
static const char *const extra_patterns[] = {
    "a.c",          "^[^{]*$",    "x*",       "(ab|a)(c|bcd)", "^a{2,3}$",      "a|b$",
    "(^a|b)c",      "[]a]",       "[a-]",     "[-a]",          "^.$",           "^[^a]$",
    "^(a?){3}b$",   "^(a*)*$",    "^a{0,2}$", "^(ab){2,}$",    "a$|^b",         "^(x|y+)z?$",
    "^[\xc3]\xa9$", "^\\.\\*\\[", "^\\\\a$",  "^a{1}b{0}$",    "^(a{2}){1,2}$",
};

static const char *const targeted[] = {
    "",
    "1.5h",
    "a.b.c",
    "*.example.com",
    "*",
    "::1",
    "10.0.0.1/24",
    "10.0.0.1",
    "256.1.1.1/999",
    "1.2.3",
    "fe80::1%eth0",
    "@request.auth.claims[x]",
    "@request.auth.claims.sub",
    "@request.auth.claims",
    ":authority",
    "x-user",
    "a",
    "a-",
    "-a",
    "A_b.c-D",
    "ns/name",
    "a.b/c",
    "mesh",
    "1h30m",
    "0",
    "1ms",
    "1.5.5h",
    "10us5ns",
    "1y2w3d4h5m6s7ms",
    "abc=",
    "abc===",
    "YWJj",
    "a,b,c",
    "a,,b",
    "_x9",
    "9x",
    "{{ x }}",
    "caf\xc3\xa9",
    "\xff",
    "a\nb",
    "a\n",
    "ab",
    "aa",
    "aaa",
    "abab",
    "ababab",
    "abcd",
    "x",
    "xyyz",
    "b",
    "ba",
    "\xc3\xa9",
    ".*[",
    "\\a",
};

static uint64_t rng = 0x9E3779B97F4A7C15u;

static unsigned
rand_below(unsigned n)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* The bytes of the pattern's text, some inside its ranges, and some outside it all. */
static size_t
alphabet(const char *re, char *out)
{
	static const char more[] = "bq5QZ.-/:@[]{}* \n\t\xc3\xa9\x80\xff";
	size_t n = 0;

	for (const char *s = re; *s; s++)
		if (!memchr(out, *s, n))
			out[n++] = *s;
	for (const char *s = more; *s; s++)
		if (!memchr(out, *s, n))
			out[n++] = *s;
	return n;
}

struct tally {
	size_t tried, matched;
};

/* Whether pattern_match() agrees with regexec() on s; a failed assertion names both. */
static bool
agree(const struct pattern *p, const regex_t *re, const char *pat, const char *s, struct tally *t)
{
	bool ours = pattern_match(p, s, strlen(s));
	bool glibc = regexec(re, s, 0, NULL, 0) == 0;

	cr_assert_eq(ours, glibc, "pattern %s on \"%s\" (%zu bytes): ours %d, regexec %d", pat, s,
	             strlen(s), ours, glibc);
	t->tried++;
	t->matched += ours;
	return ours;
}

/* s changed once: a byte dropped, replaced or inserted, or a part doubled. */
static void
mutate(const char *s, const char *abc, size_t nabc, char *out, size_t cap)
{
	size_t len = strlen(s), at = len ? rand_below((unsigned)len) : 0, n = 0;
	unsigned how = rand_below(4);

	for (size_t i = 0; i < len && n + 2 < cap; i++) {
		if (i == at && how == 0)
			continue;
		if (i == at && how == 1) {
			out[n++] = abc[rand_below((unsigned)nabc)];
			continue;
		}
		if (i == at && how == 2)
			out[n++] = abc[rand_below((unsigned)nabc)];
		out[n++] = s[i];
		if (i == at && how == 3)
			for (size_t j = at; j < len && n + 2 < cap; j++)
				out[n++] = s[j];
	}
	if (len == 0)
		out[n++] = abc[rand_below((unsigned)nabc)];
	out[n] = '\0';
}

static void
differential(const char *pat, bool require_both)
{
	char abc[256], buf[4096], *pool[MAX_POOL];
	size_t nabc = alphabet(pat, abc), npool = 0;
	struct tally t = {0};
	const char *err = NULL;
	size_t at = 0;
	regex_t re;
	struct pattern *p = pattern_compile(pat, &err, &at);

	cr_assert(p, "pattern %s does not compile: %s at offset %zu", pat, err ? err : "?", at);
	cr_assert_eq(regcomp(&re, pat, REG_EXTENDED | REG_NOSUB), 0, "regcomp: %s", pat);
#define KEEP(s)                                                                                    \
	do {                                                                                       \
		if (agree(p, &re, pat, (s), &t) && npool < MAX_POOL)                               \
			pool[npool++] = strdup(s);                                                 \
	} while (0)
	for (size_t i = 0; i < sizeof(targeted) / sizeof(*targeted); i++)
		KEEP(targeted[i]);
	for (int i = 0; i < RANDOM_PER_PATTERN; i++) {
		size_t len = rand_below(i < RANDOM_PER_PATTERN / 2 ? 6 : 20);
		for (size_t j = 0; j < len; j++)
			buf[j] = abc[rand_below((unsigned)nabc)];
		buf[len] = '\0';
		KEEP(buf);
	}
	/* around the matches found: each changed a little, and two joined */
	for (size_t round = 0; round < 3; round++)
		for (size_t i = 0, n = npool; i < n; i++) {
			for (int k = 0; k < 20; k++) {
				mutate(pool[i], abc, nabc, buf, 256);
				KEEP(buf);
			}
			snprintf(buf, sizeof(buf), "%s%c%s", pool[i], ".:/,-"[rand_below(5)],
			         pool[rand_below((unsigned)n)]);
			KEEP(buf);
		}
	/* long ones: a match repeated, and random bytes */
	for (size_t i = 0; i < npool; i++) {
		size_t n = 0, len = strlen(pool[i]);
		while (len && n + len + 2 < 3000) {
			memcpy(buf + n, pool[i], len);
			n += len;
			if (rand_below(2))
				buf[n++] = ".:/,"[rand_below(4)];
		}
		buf[n] = '\0';
		agree(p, &re, pat, buf, &t);
	}
	for (size_t j = 0; j < 3000; j++)
		buf[j] = abc[rand_below((unsigned)nabc)];
	buf[3000] = '\0';
	agree(p, &re, pat, buf, &t);
#undef KEEP
	if (require_both)
		cr_expect(t.matched > 0 && t.matched < t.tried,
		          "pattern %s: %zu of %zu strings matched; the test needs both kinds", pat,
		          t.matched, t.tried);
	for (size_t i = 0; i < npool; i++)
		free(pool[i]);
	regfree(&re);
	pattern_free(p);
}

/* Whether the frozen program of every pattern under n (the schema, read in place) is the
 * program pattern_compile() makes of its text now. Counts the patterns in *n_seen. */
static void
expect_frozen_as_compiled(const struct frozen_node *n, size_t *n_seen)
{
	size_t nk = n->kind == NODE_MAP ? 2 * n->n : n->kind == NODE_SEQ ? n->n : 0;

	for (size_t i = 0; i < nk; i++)
		expect_frozen_as_compiled(frozen_kid(n, i), n_seen);
	for (size_t i = 0; n->kind == NODE_MAP && i < n->n; i++) {
		const struct frozen_node *v = frozen_kid(n, 2 * i + 1);
		const char *err, *text = frozen_str(v);
		size_t at;
		struct pattern frozen;
		if (strcmp(frozen_str(frozen_kid(n, 2 * i)), "pattern") || v->kind != NODE_SCALAR)
			continue;
		++*n_seen;
		struct pattern *p = pattern_compile(text, &err, &at);
		cr_assert(p, "%s: %s", text, err);
		cr_assert(frozen_pattern(v, &frozen), "%s is not frozen", text);
		cr_expect_eq(frozen.n, p->n, "%s", text);
		cr_expect_eq(frozen.anchored, p->anchored, "%s", text);
		for (size_t k = 0; k < p->n && k < frozen.n; k++) {
			const struct pattern_insn *a = &frozen.insn[k], *b = &p->insn[k];
			cr_expect(a->op == b->op && a->x == b->x && a->y == b->y &&
			              !memcmp(a->set, b->set, sizeof(a->set)),
			          "%s: instruction %zu differs", text, k);
		}
		pattern_free(p);
	}
}

/* schema.c matches with the programs tools/freeze.c compiled; they are pattern_compile()'s. */
Test(pattern, schema_patterns_are_frozen_as_compiled)
{
	const char *path;
	const struct frozen_node *root = frozen_root("schemas/rollout.schema.json", &path);
	size_t n = 0;

	cr_assert(root);
	expect_frozen_as_compiled(root, &n);
	cr_expect_geq(n, 10, "the schema's patterns were found (%zu)", n);
	cr_expect_leq(frozen_npatterns, n);
}

Test(pattern, schema_patterns_agree_with_regexec)
{
	const char *v[MAX_PATTERNS];
	size_t n = schema_patterns(v);

	cr_assert_geq(n, 10, "only %zu patterns in the schema", n);
	for (size_t i = 0; i < n; i++)
		differential(v[i], true);
}

Test(pattern, other_constructs_agree_with_regexec)
{
	for (size_t i = 0; i < sizeof(extra_patterns) / sizeof(*extra_patterns); i++)
		differential(extra_patterns[i], false);
}

Test(pattern, unsupported_constructs_do_not_compile)
{
	static const char *const bad[] = {
	    "[[:alpha:]]", "\\w",    "\\d+",    "a**",           "a+?",   "(a|)", "()",
	    "a{2,1}",      "(a)\\1", "[a\\]]",  "a{256}",        "a{,2}", "a{1",  "*a",
	    "a)",          "(a",     "[a",      "[z-a]",         "^*",    "a|",   "|a",
	    "a{x}",        "}",      "[[=a=]]", "(a{200}){200}",
	};
	char deep[80] = "";

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		const char *err = NULL;
		size_t at = 0;
		struct pattern *p = pattern_compile(bad[i], &err, &at);
		cr_expect_null(p, "%s compiled", bad[i]);
		cr_expect(err && at <= strlen(bad[i]), "%s: no reason or a bad offset", bad[i]);
		pattern_free(p);
	}
	for (int i = 0; i < 33; i++)
		strcat(deep, "(");
	strcat(deep, "a");
	for (int i = 0; i < 33; i++)
		strcat(deep, ")");
	const char *err;
	size_t at;
	cr_expect_null(pattern_compile(deep, &err, &at), "33 nested groups compiled");
}

static double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

/* Inputs that make a backtracking matcher take exponential time, in linear time here. */
Test(pattern, pathological_input_is_linear)
{
	static const char *const pats[] = {
	    "^([0-9]+(\\.[0-9]+)?(h|m|s|ms|us|ns))+$",
	    "^(a*)*b$",
	    "^(a|a)*(a|aa)*$x",
	};
	enum { LEN = 10000 };
	char *s = malloc(LEN + 2);
	double start = cpu_seconds();

	cr_assert(s);
	for (size_t i = 0; i < sizeof(pats) / sizeof(*pats); i++) {
		const char *err;
		size_t at;
		struct pattern *p = pattern_compile(pats[i], &err, &at);
		cr_assert(p, "%s: %s", pats[i], err);
		for (int round = 0; round < 10; round++) {
			memset(s, i == 0 ? '1' : 'a', LEN);
			s[LEN] = round % 2 ? 'h' : '!', s[LEN + 1] = '\0';
			bool m = pattern_match(p, s, LEN + 1);
			cr_assert_eq(m, i == 0 && round % 2, "%s on 10,000 bytes", pats[i]);
		}
		pattern_free(p);
	}
	free(s);
	double used = cpu_seconds() - start;
	cr_assert_lt(used, 1.0 * slowdown(), "30 matches of 10,000 bytes took %.2fs of CPU", used);
}
