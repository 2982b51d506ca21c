/* test_limits.c: whatever the input, meshroll neither waits forever nor takes unbounded time,
 * memory or output: special files as inputs, escaped NULs, floods of errors, huge
 * ResourceLists, durations at the edge of 64 bits. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "diag.h"
#include "helpers.h"
#include "parse.h"
#include "source.h"
#include "validate.h"

static char dir[64];
static struct arena arena;
static struct diags diags;

static void
setup(void)
{
	cr_assert_eq(tmp_dir_new(dir, "limits"), 0);
	arena_init(&arena);
	diags_init(&diags, &arena);
}

static void
teardown(void)
{
	arena_release(&arena);
	run_cmd(NULL, "rm -rf %s", dir);
}

TestSuite(limits, .init = setup, .fini = teardown);

static const char rollout_head[] = "apiVersion: meshroll.dev/v1alpha1\n"
                                   "kind: Rollout\n"
                                   "metadata:\n"
                                   "  name: reviews\n"
                                   "spec:\n"
                                   "  stable: v1\n"
                                   "  canary: v2\n";

/* Writes text to dir/name. */
static void
put(const char *name, const char *text)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert(f, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

/* A shell command run in dir, its stderr (at most 1 MiB of it) in *err when err is not NULL;
 * returns its exit status. *cpu, when not NULL, gets the CPU seconds (user and system) its
 * processes took. */
static int
run_in_dir(char **err, double *cpu, const char *fmt, ...)
{
	char cmd[4096];
	struct rusage before, after;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	getrusage(RUSAGE_CHILDREN, &before);
	run_cmd(NULL,
	        "cd %s && { { %s; } 2>&1 >/dev/null; echo $? > status; } | head -c 1048576 > err",
	        dir, cmd);
	getrusage(RUSAGE_CHILDREN, &after);
	if (cpu)
		*cpu = (double)(after.ru_utime.tv_sec - before.ru_utime.tv_sec) +
		       (double)(after.ru_stime.tv_sec - before.ru_stime.tv_sec) +
		       (double)(after.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e6 +
		       (double)(after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e6;
	char path[128];
	snprintf(path, sizeof(path), "%s/status", dir);
	char *status = slurp(path, NULL);
	int r = status && *status ? atoi(status) : -1;
	free(status);
	if (err) {
		snprintf(path, sizeof(path), "%s/err", dir);
		*err = slurp(path, NULL);
	}
	return r;
}

/* meshroll with args in dir, stopped after 3 seconds (status 124: a run that waits fails,
 * never hangs). */
static int
meshroll_in_dir(char **err, const char *args)
{
	return run_in_dir(err, NULL, "timeout 3 '%s' %s", meshroll_bin(), args);
}

/* Each command refuses the special file named what, with exit status 3, writing nothing. */
static void
expect_refused(const char *const *cmds, size_t ncmds, const char *what, const char *why)
{
	for (size_t i = 0; i < ncmds; i++) {
		char *err = NULL;
		int status = meshroll_in_dir(&err, cmds[i]);
		cr_expect_eq(status, 3, "meshroll %s: status %d (124: it waited):\n%s", cmds[i],
		             status, err);
		cr_expect(strstr(err, what) && strstr(err, why), "meshroll %s:\n%s", cmds[i], err);
		free(err);
		cr_expect_eq(run_in_dir(NULL, NULL, "test ! -e out"), 0, "meshroll %s wrote out/",
		             cmds[i]);
	}
}

Test(limits, special_files_as_rollouts_are_refused, .timeout = 10)
{
	static const char *const cmds[] = {"render -o out r.yaml", "check -o out r.yaml",
	                                   "lint r.yaml"};
	static const char *const devices[] = {"/dev/null", "/dev/zero"};

	cr_assert_eq(run_in_dir(NULL, NULL, "mkfifo r.yaml"), 0);
	expect_refused(cmds, 3, "r.yaml: error: not a regular file", "regular file");
	for (size_t i = 0; i < 2; i++) {
		cr_assert_eq(run_in_dir(NULL, NULL, "rm r.yaml && ln -s %s r.yaml", devices[i]), 0);
		expect_refused(cmds, 3, "r.yaml: error: not a regular file", "regular file");
	}
}

Test(limits, special_files_in_a_rollout_directory_are_refused, .timeout = 10)
{
	static const char *const cmds[] = {"render -o out rollouts", "check -o out rollouts",
	                                   "lint rollouts"};

	char text[512];

	snprintf(text, sizeof(text), "%s  stages: [0, 100]\n", rollout_head);
	cr_assert_eq(run_in_dir(NULL, NULL, "mkdir rollouts && mkfifo rollouts/x.yaml"), 0);
	put("rollouts/ok.yaml", text);
	expect_refused(cmds, 3, "rollouts/x.yaml: error: not a regular file", "regular file");
	/* a link to a FIFO, to a device */
	cr_assert_eq(run_in_dir(NULL, NULL,
	                        "mv rollouts/x.yaml fifo && ln -s ../fifo rollouts/l.yml && "
	                        "ln -s /dev/null rollouts/null.yaml"),
	             0);
	expect_refused(cmds, 3, "rollouts/l.yml: error: not a regular file", "regular file");
	expect_refused(cmds, 3, "rollouts/null.yaml: error: not a regular file", "regular file");
}

Test(limits, a_fifo_as_a_template_is_refused, .timeout = 10)
{
	static const char *const cmds[] = {"render -o out --templates tmpl r.yaml",
	                                   "check -o out --templates tmpl r.yaml"};
	char text[512];

	snprintf(text, sizeof(text), "%s  stages: [0, 100]\n", rollout_head);
	put("r.yaml", text);
	cr_assert_eq(run_in_dir(NULL, NULL, "mkdir tmpl && mkfifo tmpl/virtualservice.yaml"), 0);
	expect_refused(cmds, 2, "tmpl/virtualservice.yaml: error: not a regular file",
	               "regular file");
}

/* /proc/kmsg is a regular file whose read waits for the next kernel message. */
Test(limits, a_file_whose_read_would_wait_is_refused, .timeout = 10)
{
	static const char *const cmds[] = {"lint k.yaml", "lint rollouts"};
	const char *ci = getenv("CI");

	if (access("/proc/kmsg", R_OK) != 0 && !(ci && !strcmp(ci, "true")))
		test_skip(
		    "/proc/kmsg is not readable (not root); the waiting-read test did not run");
	cr_assert_eq(run_in_dir(NULL, NULL,
	                        "ln -s /proc/kmsg k.yaml && mkdir rollouts && "
	                        "ln -s /proc/kmsg rollouts/k.yaml"),
	             0);
	expect_refused(cmds, 2, "k.yaml: error: ", "would wait");
}

Test(limits, an_escaped_nul_is_refused_where_it_is)
{
	static const struct {
		const char *text;
		int line, col;
	} cases[] = {
	    {"name: \"rev\\0/../../x\"\n", 1, 7}, {"a: 1\nstable: \"v1\\0evil\"\n", 2, 9},
	    {"\"k\\x00ey\": 1\n", 1, 1},          {"- \"\\u0000\"\n", 1, 3},
	    {"- |\n  a\n- [\"\\0\"]\n", 3, 4},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct source src;
		struct node *root;
		diags.n = 0;
		cr_assert_eq(source_from_bytes(&src, "t", cases[i].text, strlen(cases[i].text),
		                               &arena, &diags),
		             0);
		cr_expect_eq(parse_document(&src, 0, &arena, &diags, &root), -1, "'%s' parsed",
		             cases[i].text);
		cr_assert_eq(diags.n, 1, "'%s': %zu diagnostics", cases[i].text, diags.n);
		cr_expect_str_eq(diags.v[0].msg,
		                 "string contains a nul character (\\0); remove it");
		cr_expect(diags.v[0].line == cases[i].line && diags.v[0].col == cases[i].col,
		          "'%s': at %d:%d", cases[i].text, diags.v[0].line, diags.v[0].col);
	}
}

Test(limits, lint_refuses_an_escaped_nul)
{
	char *err = NULL;

	put("r.yaml", "apiVersion: meshroll.dev/v1alpha1\nkind: Rollout\nmetadata:\n"
	              "  name: \"r\\0x\"\nspec:\n  stable: v1\n  canary: v2\n  stages: [0, 100]\n");
	cr_expect_eq(run_in_dir(&err, NULL, "'%s' lint r.yaml", meshroll_bin()), 1, "%s", err);
	cr_expect(strstr(err, "r.yaml:4:9: error: string contains a nul character"), "%s", err);
	free(err);
}

Test(limits, durations_at_the_edge_of_64_bits)
{
	static const struct {
		const char *s;
		int r;
		long long ns;
	} cases[] = {
	    {"9223372036.854775807s", 0, 9223372036854775807LL},
	    {"9223372036.854775808s", DURATION_OVERFLOW, 0},
	    {"9223372036.9999999999s", DURATION_OVERFLOW, 0},
	    {"2562047h47m16.854775807s", 0, 9223372036854775807LL},
	    {"2562047h47m16.854775808s", DURATION_OVERFLOW, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long long ns = -1;
		int r = duration_parse(cases[i].s, &ns);
		cr_expect_eq(r, cases[i].r, "'%s' gave %d", cases[i].s, r);
		if (r == 0)
			cr_expect_eq(ns, cases[i].ns, "'%s' is %lld", cases[i].s, ns);
	}
}
