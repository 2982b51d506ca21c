/* helpers.h: what the tests share: running meshroll, reading files, and canonical forms of
 * YAML documents for comparing two parsers or two producers. */
#ifndef MESHROLL_TEST_HELPERS_H
#define MESHROLL_TEST_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <criterion/criterion.h>

/* The meshroll binary under test: $MESHROLL, else build/meshroll. */
const char *meshroll_bin(void);
/* The meshroll the write-fault tests run: $MESHROLL_FAULTS (one linked with the fault
 * injector, for a static build, which LD_PRELOAD cannot reach), else meshroll_bin(). */
const char *meshroll_faults_bin(void);
/* Runs a shell command; its stdout goes to *out (malloc'd, may be NULL). Returns the exit
 * status, or -1 when it did not exit normally. */
int run_cmd(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether this is a CI run (CI=true), where the suite's outside tools are all installed. */
bool ci_run(void);
/* Prints "SKIP: why" (a plain line CI logs show) and skips the running Criterion test; under
 * CI=true, where a skip would hide a hole, fails it instead. */
#define test_skip(why)                                                                             \
	do {                                                                                       \
		if (ci_run())                                                                      \
			cr_assert_fail("CI=true, where nothing may be skipped: %s", why);          \
		fprintf(stderr, "SKIP: %s\n", why);                                                \
		cr_skip_test("%s", why);                                                           \
	} while (0)
/* Makes a fresh directory /tmp/meshroll-TAG-XXXXXX into dir (64 bytes); 0 or -1. */
int tmp_dir_new(char dir[64], const char *tag);
/* How many times slower than a plain build the meshroll under test runs, for the time bounds
 * of tests: $MESHROLL_SLOWDOWN (make sanitize and make valgrind set it), else 1. */
int slowdown(void);
/* Whether a program is on PATH. */
bool have_cmd(const char *name);
/* Whether python3 imports the modules ("yaml, jsonschema"). */
bool have_python_modules(const char *mods);
/* The whole file (malloc'd, NUL-terminated), NULL when unreadable. */
char *slurp(const char *path, size_t *len);
/* Canonical text of the single document in data as libyaml reads it (YAML 1.1), through
 * meshroll's own parser; NULL when it does not parse. malloc'd. */
char *canon_libyaml(const char *data, size_t len);
/* Canonical texts of the documents of a stream as libfyaml reads it (YAML 1.2), sorted,
 * one a line; NULL when it does not parse. malloc'd. */
char *canon_libfyaml(const char *data, size_t len);
/* The names of the golden cases whose name starts with prefix, sorted; NULL-terminated. */
char **golden_cases(const char *prefix);

#endif
