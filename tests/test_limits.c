/* test_limits.c: whatever the input, meshroll neither waits forever nor takes unbounded time,
 * memory or output: special files as inputs, escaped NULs, floods of errors, huge
 * ResourceLists, durations at the edge of 64 bits. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
	return run_in_dir(err, NULL, "timeout %d '%s' %s", 3 * slowdown(), meshroll_bin(), args);
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

Test(limits, special_files_as_rollouts_are_refused, .timeout = 120)
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

Test(limits, special_files_in_a_rollout_directory_are_refused, .timeout = 120)
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

Test(limits, a_fifo_as_a_template_is_refused, .timeout = 120)
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
Test(limits, a_file_whose_read_would_wait_is_refused, .timeout = 120)
{
	static const char *const cmds[] = {"lint k.yaml", "lint rollouts"};
	if (access("/proc/kmsg", R_OK) != 0)
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

/* What diags_print writes, malloc'd. */
static char *
diags_text(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	cr_assert(fp);
	diags_print(&diags, fp);
	fclose(fp);
	return text;
}

Test(limits, diagnostics_past_fifty_in_a_file_are_counted_not_kept)
{
	struct source src;

	cr_assert_eq(source_from_bytes(&src, "a.yaml", "x: 1\n", 5, &arena, &diags), 0);
	for (int i = 0; i < 1000; i++)
		diag_at(&diags, i % 2 ? DIAG_WARNING : DIAG_ERROR, &src, 1, 1, 1, "e%d", i);
	size_t mark = diags.n;
	diag_loc(&diags, DIAG_ERROR, "b.yaml", 1, 1, "other");
	cr_expect_eq(diags.n, 52, "%zu kept", diags.n);
	cr_expect(diags.errors == 501 && diags.warnings == 500, "%d errors, %d warnings",
	          diags.errors, diags.warnings);
	/* forgetting b.yaml's keeps the count of what a.yaml did not show */
	diags_rewind(&diags, mark);
	cr_expect(diags.errors == 500 && diags.warnings == 500, "%d errors, %d warnings",
	          diags.errors, diags.warnings);
	char *text = diags_text();
	const char *more = strstr(text, "a.yaml: error: too many errors in this file; 950 more "
	                                "not shown\n");
	cr_expect(more && !strstr(more, "a.yaml:1:1"), "%s", text);
	free(text);
}

Test(limits, a_rewind_to_inside_a_file_counts_from_there)
{
	struct source src;

	cr_assert_eq(source_from_bytes(&src, "a.yaml", "x: 1\n", 5, &arena, &diags), 0);
	for (int i = 0; i < 30; i++)
		diag_at(&diags, DIAG_ERROR, &src, 1, 1, 1, "e%d", i);
	size_t mark = diags.n;
	for (int i = 0; i < 100; i++)
		diag_at(&diags, DIAG_ERROR, &src, 1, 1, 1, "f%d", i);
	diags_rewind(&diags, mark);
	cr_expect(diags.n == 30 && diags.errors == 30, "%zu kept, %d errors", diags.n,
	          diags.errors);
	for (int i = 0; i < 100; i++)
		diag_at(&diags, DIAG_ERROR, &src, 1, 1, 1, "g%d", i);
	cr_expect(diags.n == 51 && diags.errors == 130, "%zu kept, %d errors", diags.n,
	          diags.errors);
	char *text = diags_text();
	cr_expect(strstr(text, "too many errors in this file; 80 more not shown\n"), "%s", text);
	free(text);
}

/* A line of 1,200 characters, some of two bytes and one a tab, shown around the caret: the
 * caret stands under the same character of the excerpt, tabs kept before it. */
Test(limits, a_long_line_is_shown_as_a_window_around_the_caret)
{
	char line[4096], *p = line + sprintf(line, "k: [");
	struct source src;

	for (int i = 0; i < 300; i++)
		p += sprintf(p, "\xC3\xA9, ");
	p += sprintf(p, "\tbad");
	for (int i = 0; i < 300; i++)
		p += sprintf(p, ", x");
	strcpy(p, "]\n");
	cr_assert_eq(source_from_bytes(&src, "t", line, strlen(line), &arena, &diags), 0);
	diag_at(&diags, DIAG_ERROR, &src, 1, 4 + 900 + 2, 3, "bad");
	cr_expect_leq(strlen(diags.v[0].text), 200, "%s", diags.v[0].text);
	char *text = diags_text();
	char *excerpt = strstr(text, "\n    "),
	     *caret = excerpt ? strstr(excerpt + 1, "\n    ") : NULL;
	cr_assert(excerpt && caret, "%s", text);
	excerpt += 5;
	caret += 5;
	cr_expect(!strncmp(text, "t:1:906: error: bad\n", 20), "%s", text);
	cr_expect(!strncmp(excerpt, "...", 3) && !strncmp(strchr(excerpt, '\n') - 3, "...", 3),
	          "%s", text);
	/* walk the excerpt one character for each byte of padding */
	const char *e = excerpt, *c = caret;
	for (; *c == ' ' || *c == '\t'; c++) {
		cr_assert_eq(*c == '\t', *e == '\t', "%s", text);
		for (e++; (*e & 0xC0) == 0x80; e++)
			;
	}
	cr_expect(!strncmp(c, "^~~\n", 4) && !strncmp(e, "bad", 3), "%s", text);
	free(text);
}

/* Every line of text as source_line gives it, through the map source_check made and without,
 * against a plain rescan. */
static void
expect_lines(const char *text, size_t len)
{
	struct source src;

	cr_assert_eq(source_from_bytes(&src, "t", text, len, &arena, &diags), 0);
	text = src.data; /* a copy */
	cr_assert(src.lines != NULL, "source_check made no line map");
	struct source plain = src; /* the same, found by a scan from the start */
	plain.lines = NULL;
	const char *start = text + (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0);
	int line = 1;
	for (const char *q = start;; line++) {
		size_t n = 0, brk = 0;
		while (q + n < text + len && !brk) {
			const unsigned char *u = (const unsigned char *)q + n;
			brk = *u == '\n'                     ? 1
			      : *u == '\r'                   ? (u[1] == '\n' ? 2 : 1)
			      : u[0] == 0xC2 && u[1] == 0x85 ? 2
			      : u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9) ? 3
			                                                                       : 0;
			n += !brk;
		}
		for (int mapped = 0; mapped < 2; mapped++) {
			size_t got_len = 0;
			const char *got = source_line(mapped ? &src : &plain, line, &got_len);
			if (!brk && n == 0) {
				cr_expect_null(got, "line %d past the end", line);
				continue;
			}
			cr_assert(got == q && got_len == n,
			          "line %d (map %d): %zu bytes at %td, not %zu at %td", line,
			          mapped, got_len, got ? got - text : -1, n, q - text);
		}
		if (!brk)
			break;
		q += n + brk;
	}
}

Test(limits, line_index_agrees_with_a_rescan)
{
	static const char *const breaks[] = {"\n", "\r\n", "\r", "\xC2\x85", "\xE2\x80\xA8"};
	static const char *const texts[] = {"",  "a", "\xC3\xA9", "a\tb", "x\xE2\x82\xAC y",
	                                    "#", ""};
	char text[8192], *p = text;

	p += sprintf(p, "\xEF\xBB\xBF");
	for (int i = 0; i < 300; i++)
		p += sprintf(p, "%s%s", texts[i % 7], breaks[i % 5]);
	expect_lines(text, (size_t)(p - text));
	p += sprintf(p, "last");
	expect_lines(text, (size_t)(p - text));
	expect_lines("", 0);
	expect_lines("\n", 1);
}

/* Every character offset through a char_map, against a plain rescan: a text with characters
 * of one to four bytes after a byte-order mark, and one all ASCII. */
static void
expect_offsets(const char *text, size_t len)
{
	struct source src;
	struct char_map map;

	cr_assert_eq(source_from_bytes(&src, "t", text, len, &arena, &diags), 0);
	char_map_init(&map, &src, &arena);
	size_t at = len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0, chars = 0;
	for (; at <= len; chars++) {
		cr_assert_eq(char_map_offset(&map, chars), at, "character %zu", chars);
		cr_assert_eq(source_offset(&src, chars), at, "character %zu", chars);
		if (at == len)
			break;
		for (at++; at < len && (text[at] & 0xC0) == 0x80; at++)
			;
	}
	cr_expect_eq(char_map_offset(&map, chars + 1000), len);
}

Test(limits, character_offsets_agree_with_a_rescan)
{
	char text[8192], *p = text;

	p += sprintf(p, "\xEF\xBB\xBF");
	for (int i = 0; i < 1000; i++)
		p += sprintf(p, i % 3 ? "ab" : i % 2 ? "\xC3\xA9" : "\xF0\x9F\x98\x80");
	expect_offsets(text, (size_t)(p - text));
	expect_offsets(text + 3, (size_t)(p - text) - 3);
	for (p = text; p < text + 1000; p++)
		*p = "ab\n"[(p - text) % 3];
	expect_offsets(text, 1000);
	expect_offsets("", 0);
}

/* lint of text: exit status 1, little CPU time, little stderr, and a peak resident memory far
 * below the 1.27 GB it once took (measured, not limited with ulimit -v: valgrind and ASan
 * cannot start under such a limit). */
static void
expect_bounded(const char *text, double max_cpu)
{
	char *err = NULL;
	double cpu;
	struct rusage ru;

	put("f.yaml", text);
	int status =
	    run_in_dir(&err, &cpu, "timeout %d '%s' lint f.yaml", 30 * slowdown(), meshroll_bin());
	size_t len = strlen(err);
	cr_expect_eq(status, 1, "status %d:\n%.2000s", status, err);
	cr_expect_lt(cpu, max_cpu * slowdown(), "%.2f s of CPU time", cpu);
	cr_assert_eq(getrusage(RUSAGE_CHILDREN, &ru), 0);
	cr_expect_lt(ru.ru_maxrss, 512 * 1024, "peak resident memory %ld KiB", ru.ru_maxrss);
	cr_expect_lt(len, 64 * 1024, "%zu bytes on stderr", len);
	cr_expect(strstr(err, "f.yaml: error: too many errors in this file; ") &&
	              strstr(err, " more not shown\n"),
	          "%.3000s", err);
	fprintf(stderr, "limits: lint of %zu bytes: %.3f s CPU, %zu bytes of stderr\n",
	        strlen(text), cpu, len);
	free(err);
}

Test(limits, twenty_thousand_errors_on_one_line)
{
	char *text = malloc(sizeof(rollout_head) + 16 + 3 * 20000);
	char *p = text + sprintf(text, "%s  stages: [x", rollout_head);

	for (int i = 1; i < 20000; i++)
		p += sprintf(p, ", x");
	strcpy(p, "]\n");
	expect_bounded(text, 2.0);
	free(text);
}

Test(limits, nine_thousand_aliases_on_one_line)
{
	char anchor[81];
	memset(anchor, 'a', 80);
	anchor[80] = '\0';
	char *text = malloc(sizeof(rollout_head) + 128 + 84 * 9000);
	char *p = text + sprintf(text, "%s  stages: [&%s 50", rollout_head, anchor);

	for (int i = 0; i < 9000; i++)
		p += sprintf(p, ", *%s", anchor);
	strcpy(p, "]\n");
	expect_bounded(text, 2.0);
	free(text);
}

/* Rules that compare items with one another (stage ids, hosts) sort them: comparing every pair
 * took 12 to 21 s on each of these. */
Test(limits, rules_across_many_items_take_little_time)
{
	char *text = malloc(sizeof(rollout_head) + 64 + 30 * 100000);

	for (int kind = 0; kind < 3; kind++) {
		char *p =
		    text + sprintf(text, "%s  %s: [", rollout_head, kind == 2 ? "hosts" : "stages");
		for (int i = 0; i < (kind == 1 ? 30000 : 100000); i++) {
			p += sprintf(p, "%s", i ? ", " : "");
			p += kind == 0   ? sprintf(p, "0")
			     : kind == 1 ? sprintf(p, "{weight: 0, name: n%d}", i)
			                 : sprintf(p, "h%d", i);
		}
		strcpy(p, kind == 2 ? "]\n  stages: [0, 100]\n" : "]\n");
		put("f.yaml", text);
		char *err = NULL;
		double cpu;
		int status = run_in_dir(&err, &cpu, "timeout %d '%s' lint f.yaml", 30 * slowdown(),
		                        meshroll_bin());
		cr_expect_eq(status, 1, "status %d:\n%.2000s", status, err);
		cr_expect_lt(cpu, 2.0 * slowdown(), "%.2f s of CPU time for %.60s...", cpu,
		             text + sizeof(rollout_head) - 1);
		free(err);
	}
	free(text);
}

/* provider: gateway-api at Gateway API's limits: 101 stages, each of 16 rules holding 128
 * matches (15 routes of 8 exact paths, the split route), which the precedence check compares
 * pairwise in each stage: bounded CPU time and memory. */
Test(limits, gateway_api_at_its_limits)
{
	char *text = malloc(sizeof(rollout_head) + 256 * 1024), *p = text, *err = NULL;
	double cpu;

	p += sprintf(text, "%s  provider: gateway-api\n  port: 9080\n  http:\n", rollout_head);
	for (int i = 0; i < 15; i++) {
		p += sprintf(p, "  - name: r%d\n    match:\n", i);
		for (int m = 0; m < (i < 8 ? 8 : 9); m++)
			p += sprintf(p, "    - uri: {exact: /p%d/%d}\n", i, m);
		p += sprintf(p,
		             "    route:\n    - destination: {host: other, port: {number: 80}}\n");
	}
	p += sprintf(p, "  - name: last\n  stages:\n");
	for (int w = 0; w <= 100; w++)
		p += sprintf(p, "  - %d\n", w);
	put("f.yaml", text);
	int status = run_in_dir(&err, &cpu, "%s timeout %d '%s' render -o out f.yaml",
	                        slowdown() > 1 ? "" : "ulimit -v 262144 &&", 60 * slowdown(),
	                        meshroll_bin());
	cr_expect_eq(status, 0, "status %d:\n%.2000s", status, err);
	cr_expect_lt(cpu, 5.0 * slowdown(), "%.2f s of CPU time", cpu);
	cr_expect_eq(
	    run_in_dir(NULL, NULL,
	               "test $(grep -c '^  - name:' out/default/reviews/base/httproute.yaml) "
	               "-eq 16 && test $(ls out/default/reviews/stages | wc -l) -eq 101"),
	    0);
	fprintf(stderr, "limits: render of gateway-api at its limits: %.3f s CPU\n", cpu);
	free(err);
	free(text);
}

/* Rules that compare two lists (SNI hosts with hosts, labels of versions with workloadLabels)
 * give up past the schema's limits: comparing every pair of these took minutes. */
Test(limits, rules_across_two_lists_take_little_time)
{
	char *text = malloc(sizeof(rollout_head) + 256 + 2 * 14 * 40000);

	for (int kind = 0; kind < 2; kind++) {
		char *p = text + sprintf(text, "%s  stages: [0]\n  gateways: [gw]\n  %s: [",
		                         kind ? "apiVersion: meshroll.dev/v1alpha1\nkind: Rollout\n"
		                                "metadata: {name: reviews}\nspec:\n"
		                              : rollout_head,
		                         kind ? "subsets" : "hosts");
		for (int i = 0; i < 40000; i++)
			p += kind ? sprintf(p, "%s{name: s%d}", i ? ", " : "", i)
			          : sprintf(p, "%sh%d.x", i ? ", " : "", i);
		p += sprintf(p, kind ? "]\n  workloadLabels: {"
		                     : "]\n  tls:\n  - match:\n    - sniHosts: [");
		for (int i = 0; i < (kind ? 30000 : 40000); i++)
			p += kind ? sprintf(p, "%sk%d: v", i ? ", " : "", i)
			          : sprintf(p, "%ss%d.y", i ? ", " : "", i);
		strcpy(p, kind ? "}\n  stable: v1\n  canary: v2\n" : "]\n");
		put("f.yaml", text);
		char *err = NULL;
		double cpu;
		int status = run_in_dir(&err, &cpu, "timeout %d '%s' lint f.yaml", 30 * slowdown(),
		                        meshroll_bin());
		cr_expect_eq(status, 1, "status %d:\n%.2000s", status, err);
		cr_expect_lt(cpu, 2.0 * slowdown(), "%.2f s of CPU time for %.80s...", cpu, text);
		free(err);
	}
	free(text);
}

Test(limits, fn_is_linear_in_the_items)
{
	FILE *f;
	char path[128], *out = NULL, *err = NULL;
	double cpu;

	snprintf(path, sizeof(path), "%s/in.yaml", dir);
	cr_assert((f = fopen(path, "w")));
	fputs("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"
	      "# a comment that is not ASCII: déjà vu\nitems:\n",
	      f);
	for (int i = 0; i < 40000; i++)
		fprintf(f, "- {apiVersion: v1, kind: ConfigMap, metadata: {name: cm%d}}\n", i);
	fprintf(f, "functionConfig:\n%s  stages: [0, 100]\n", rollout_head);
	fclose(f);
	/* the functionConfig indented under its key */
	cr_assert_eq(run_in_dir(NULL, NULL,
	                        "awk 'f { print \"  \" $0; next } { print } /^functionConfig:/ "
	                        "{ f = 1 }' in.yaml > fn.yaml"),
	             0);
	int status = run_in_dir(&err, &cpu, "timeout %d '%s' fn < fn.yaml > out.yaml",
	                        30 * slowdown(), meshroll_bin());
	cr_expect_eq(status, 0, "status %d:\n%.2000s", status, err);
	cr_expect_lt(cpu, 5.0 * slowdown(), "%.2f s of CPU time", cpu);
	fprintf(stderr, "limits: fn of 40000 items: %.3f s CPU\n", cpu);
	run_cmd(&out, "grep -c 'name: cm' %s/out.yaml", dir);
	cr_expect_str_eq(out, "40000\n");
	free(out);
	free(err);
}

/* The largest duration parses; one nanosecond more, in a whole part or in a fraction's digit,
 * is an overflow found before it happens (a UBSan build aborts on a signed overflow). */
Test(limits, durations_at_the_edge_of_64_bits)
{
	static const char *const largest[] = {"9223372036.854775807s", "2562047h47m16.854775807s",
	                                      "9223372036854775807ns"};
	static const char *const past[] = {"9223372036.854775808s",    "9223372036.9999999999s",
	                                   "2562047h47m16.854775808s", "9223372036854775808ns",
	                                   "9223372036s854775808ns",   ".9999999999s9223372036s",
	                                   "2562047h2562047h", /* parts in range, not their sum */
	                                   "9223372036h9223372036h"};
	long long ns;

	for (size_t i = 0; i < sizeof(largest) / sizeof(largest[0]); i++) {
		ns = -1;
		cr_expect(duration_parse(largest[i], &ns) == 0 && ns == LLONG_MAX, "'%s': %lld",
		          largest[i], ns);
	}
	for (size_t i = 0; i < sizeof(past) / sizeof(past[0]); i++)
		cr_expect_eq(duration_parse(past[i], &ns), DURATION_OVERFLOW, "'%s'", past[i]);
}

/* A rollout of stage kinds at the schema's limits: 256 split http routes, 16 A/B stages, 20
 * mirror stages and 65 weighted ones render in bounded CPU time and memory (each stage's
 * objects are dropped once its overlay is written: they took 400 MB when they were kept);
 * with more match blocks to merge than the bound, lint stops with one error, fast. */
Test(limits, stage_kinds_at_the_schema_limits)
{
	char *text = malloc(sizeof(rollout_head) + 1024 * 1024), *p = text, *err = NULL;
	double cpu;

	for (int over = 0; over < 2; over++) {
		p = text + sprintf(text, "%s  http:\n", rollout_head);
		for (int i = 0; i < 255; i++) {
			p += sprintf(p, "  - name: r%d\n    match:\n", i);
			for (int m = 0; m < (over ? 64 : 1); m++)
				p += sprintf(p, "    - uri: {prefix: /p%d/%d/}\n", i, m);
		}
		p += sprintf(p, "  - name: last\n  stages:\n  - 0\n");
		for (int s = 0; s < 16; s++) {
			p += sprintf(p, "  - name: ab%d\n    match:\n", s);
			for (int m = 0; m < (over ? 16 : 1); m++)
				p +=
				    sprintf(p, "    - headers: {x-t%d-%d: {exact: \"1\"}}\n", s, m);
		}
		for (int s = 0; s < 20; s++)
			p += sprintf(p, "  - {name: m%d, mirror: %d.5}\n", s, s);
		for (int w = 1; w <= 64; w++)
			p += sprintf(p, "  - %d\n", w);
		put("f.yaml", text);
		/* 256 MB of address space, where the sanitizers and valgrind do not need more */
		int status =
		    run_in_dir(&err, &cpu, "%s timeout %d '%s' %s f.yaml",
		               slowdown() > 1 ? "" : "ulimit -v 262144 &&", 60 * slowdown(),
		               meshroll_bin(), over ? "lint" : "render -o out");
		cr_expect_eq(status, over ? 1 : 0, "status %d:\n%.2000s", status, err);
		cr_expect_lt(cpu, 5.0 * slowdown(), "%.2f s of CPU time", cpu);
		if (over)
			cr_expect(strstr(err, "at most 4096: match on fewer"), "%.2000s", err);
		else
			cr_expect_eq(run_in_dir(NULL, NULL,
			                        "test $(ls out/default/reviews/stages | "
			                        "wc -l) -eq 101"),
			             0);
		fprintf(stderr, "limits: %s of stage kinds at the limits: %.3f s CPU\n",
		        over ? "lint" : "render", cpu);
		free(err);
	}
	free(text);
}

/* n small rollouts in dir/sub: 20 namespaces, each rollout its own name, host and port. */
static void
put_many(const char *sub, int n)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	cr_assert_eq(mkdir(path, 0777), 0);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s/svc-%d.yaml", dir, sub, i);
		FILE *f = fopen(path, "w");
		cr_assert(f, "cannot write %s", path);
		fprintf(
		    f,
		    "apiVersion: meshroll.dev/v1alpha1\nkind: Rollout\n"
		    "metadata:\n  name: svc-%d\n  namespace: team-%d\n"
		    "  labels: {team: team-%d, tier: backend}\n"
		    "spec:\n  port: %d\n  stable: v1\n  canary: v2\n"
		    "  stages: [0, 10, 25, 50, 100]\n  activeStage: 0\n  gateways: [mesh]\n"
		    "  timeout: 10s\n  circuitBreaker: {consecutive5xxErrors: 5, interval: 30s}\n"
		    "  mtls: STRICT\n",
		    i, i % 20, i % 20, 8000 + i % 1000);
		fclose(f);
	}
}

/* Thousands of stale files: check lists them, render says it removes them; either way the
 * lines reach stderr a hundred or more to a write, not one each (strace counts them). Under
 * ASan the leak check is off for these runs: it cannot stop a traced process's threads. */
Test(limits, thousands_of_lines_reach_stderr_in_a_few_writes, .timeout = 300)
{
	static const char *const cmd[] = {"check", "render"};
	char *out = NULL;

	if (!have_cmd("strace"))
		test_skip("strace is not installed; the count of writes to stderr was not taken");
	put_many("in", slowdown() > 1 ? 300 : 800); /* 2,770 or 7,770 stale files */
	cr_assert_eq(run_cmd(NULL, "cd %s && '%s' render -o out in && rm in/svc-[1-7]*.yaml", dir,
	                     meshroll_bin()),
	             0);
	for (int i = 0; i < 2; i++) {
		int status = run_cmd(
		    &out,
		    "cd %s && ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" "
		    "strace -f -qq -e trace=write -o trace '%s' %s -o out in "
		    ">/dev/null 2>err; echo $?; grep -c 'meshroll' err; "
		    "grep -c '^[0-9]* *write(2,' trace",
		    dir, meshroll_bin(), cmd[i]);
		cr_assert_eq(status, 0);
		int exit, lines, writes;
		cr_assert_eq(sscanf(out, "%d %d %d", &exit, &lines, &writes), 3, "%s", out);
		cr_expect_eq(exit, i == 0 ? 1 : 0, "%s: exit %d", cmd[i], exit);
		cr_expect_gt(lines, 2700, "%s: %d lines on stderr", cmd[i], lines);
		cr_expect_leq(100 * writes, lines, "%s: %d lines in %d writes", cmd[i], lines,
		              writes);
		free(out);
	}
}

/* Runs meshroll with args in dir as a child of its own, under an RLIMIT_CPU of limit
 * seconds; returns its exit status, with the CPU seconds it took in *cpu and its peak
 * resident set in *rss (KiB), from wait4. */
static int
meshroll_usage(const char *args, int limit, double *cpu, long *rss)
{
	char cmd[1024];
	struct rusage ru;
	int status;

	snprintf(cmd, sizeof(cmd), "exec '%s' %s", meshroll_bin(), args);
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct rlimit rl = {(rlim_t)limit, (rlim_t)limit};
		int fd = open("/dev/null", O_WRONLY);
		if (setrlimit(RLIMIT_CPU, &rl) < 0 || chdir(dir) < 0 || fd < 0 || dup2(fd, 1) < 0 ||
		    dup2(fd, 2) < 0)
			_exit(126);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	cr_assert_eq(wait4(pid, &status, 0, &ru), pid);
	*cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	*rss = ru.ru_maxrss;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* lint, render -o DIR (fresh, then of the unchanged tree) and check, of n and of 8n
 * rollouts: CPU time about linear in their number (comparing every pair of rollouts, across
 * files and with the trees on disk, took 3.6 s for lint of 5,000), and memory nearly flat
 * (keeping every model took 6 KiB a rollout). The bounds are loose: CPU time, not wall time,
 * within twice linear plus half a second; the growth of the peak resident set within a few
 * MiB, not checked under valgrind or a sanitizer (MESHROLL_SLOWDOWN above 1). */
Test(limits, many_rollouts_take_linear_time_and_little_memory, .timeout = 900)
{
	static const char *const what[] = {"lint", "render", "render again", "check"};
	/* KiB; a fresh render grew 13 MiB while it kept a malloc'd name per file, 7 MiB since */
	static const long grow[] = {8 << 10, 12 << 10, 10 << 10, 10 << 10};
	int n[2] = {500, 4000};
	double cpu[4][2];
	long rss[4][2];

	if (slowdown() > 1)
		n[0] = 100, n[1] = 800;
	for (int s = 0; s < 2; s++) {
		char sub[32], args[128];
		snprintf(sub, sizeof(sub), "in%d", n[s]);
		put_many(sub, n[s]);
		for (size_t k = 0; k < 4; k++) {
			if (k == 0)
				snprintf(args, sizeof(args), "lint in%d", n[s]);
			else
				snprintf(args, sizeof(args), "%s -o out%d in%d",
				         k == 3 ? "check" : "render", n[s], n[s]);
			int status = meshroll_usage(args, 60 * slowdown(), &cpu[k][s], &rss[k][s]);
			cr_assert_eq(status, 0,
			             "meshroll %s: status %d (137, 152: out of CPU time)", args,
			             status);
		}
	}
	for (size_t k = 0; k < 4; k++) {
		fprintf(stderr,
		        "limits: %s of %d and %d rollouts: %.2f and %.2f s CPU, %ld and %ld KiB\n",
		        what[k], n[0], n[1], cpu[k][0], cpu[k][1], rss[k][0], rss[k][1]);
		cr_expect_lt(cpu[k][1], 2 * 8 * cpu[k][0] + 0.5 * slowdown(),
		             "%s: %.2f s CPU for %d rollouts, %.2f s for %d", what[k], cpu[k][1],
		             n[1], cpu[k][0], n[0]);
		if (slowdown() == 1)
			cr_expect_lt(rss[k][1] - rss[k][0], grow[k],
			             "%s: %ld KiB at most for %d rollouts, %ld KiB for %d", what[k],
			             rss[k][1], n[1], rss[k][0], n[0]);
	}
}
