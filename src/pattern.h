/* pattern.h: the schema's `pattern` regular expressions, matched in linear time.
 *
 * A small subset of POSIX extended regular expressions, compiled into an NFA program
 * (Thompson's construction, counted repeats written out) and run as a Pike VM over the bytes
 * of the input: time O(length x states) and no backtracking, whatever the input, as a rollout
 * file is untrusted. The subset is what schemas/rollout.schema.json uses: literals, escaped
 * punctuation (\. \* \[), `.`, bracket expressions of bytes and ranges ([a-z_], [^{]), groups,
 * `|`, `^`, `$` and the quantifiers ? * + {m} {m,} {m,n}. Matching is regexec()'s with
 * REG_EXTENDED | REG_NOSUB in the "C" locale: bytes, a match anywhere in the input (the
 * anchors are in the pattern), `.` and a negated bracket matching any byte but NUL. Anything
 * else (character classes, back-references, \w, an empty branch, stacked quantifiers, more than
 * PATTERN_MAX_STATES states) fails to compile rather than match differently; tools/freeze.c
 * compiles every pattern of the schema, so such an edit fails the build. */
#ifndef MESHROLL_PATTERN_H
#define MESHROLL_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { PATTERN_MAX_STATES = 512 }; /* instructions in one compiled program */

/* One instruction (pattern.c says what each op does). */
struct pattern_insn {
	uint8_t op;      /* enum pattern_op */
	uint16_t x, y;   /* the instructions a SPLIT goes on at; a JMP's target in x */
	uint32_t set[8]; /* SET: the bytes it consumes, a bit each */
};

/* A compiled program: from pattern_compile(), or compiled when meshroll was built (the
 * schema's, frozen.h). */
struct pattern {
	const struct pattern_insn *insn;
	size_t n;      /* instructions */
	bool anchored; /* every match starts at offset 0 (a leading ^) */
};

/* Compiles the NUL-terminated expression re. Returns the program (heap; pattern_free), or
 * NULL with *err set to why (a static string) and *at to the offset in re it concerns. */
struct pattern *pattern_compile(const char *re, const char **err, size_t *at);
/* Whether p matches somewhere in the len bytes at s, as regexec() would say of them; s holds
 * no NUL (regexec() would stop there), as schema.c makes sure. len is below 4 GiB (what
 * meshroll reads is at most 64 MiB, meshroll fn's input): longer, nothing matches. */
bool pattern_match(const struct pattern *p, const char *s, size_t len);
/* Frees p; NULL is fine. */
void pattern_free(struct pattern *p);

#endif
