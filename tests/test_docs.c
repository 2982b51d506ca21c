/* test_docs.c: what comes with the binary, held to the binary's own --help: the bash
 * completion (driven by tests/bash_complete.sh) and the zsh completion (tests/zsh_complete.zsh,
 * in a real zsh under a pseudo-terminal) offer the commands, each command's options, the stage
 * ids of the rollout file on the line and files. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

/* Each test's directory: bin/meshroll, a link to the meshroll under test, which the
 * scripts find on PATH as a user's shell would; a.yaml, b.yml and sub/ to complete. */
static char dir[64];

static void
setup(void)
{
	cr_assert_eq(tmp_dir_new(dir, "docs"), 0);
	cr_assert_eq(
	    run_cmd(NULL,
	            "mkdir %s/bin %s/sub && ln -s '%s' %s/bin/meshroll && touch %s/a.yaml %s/b.yml",
	            dir, dir, meshroll_bin(), dir, dir, dir),
	    0);
}

static void
teardown(void)
{
	run_cmd(NULL, "rm -rf %s", dir);
}

TestSuite(docs, .init = setup, .fini = teardown);

/* A set of words, sorted, each once. */
struct names {
	char **v;
	size_t n;
};

static void
names_add(struct names *s, const char *w, size_t len)
{
	char *word = strndup(w, len);
	size_t i = 0;

	while (i < s->n && strcmp(s->v[i], word) < 0)
		i++;
	if (i < s->n && !strcmp(s->v[i], word)) {
		free(word);
		return;
	}
	s->v = realloc(s->v, (s->n + 1) * sizeof(*s->v));
	memmove(s->v + i + 1, s->v + i, (s->n - i) * sizeof(*s->v));
	s->v[i] = word;
	s->n++;
}

/* Adds each line of text (a command's output) as a word. */
static void
names_add_lines(struct names *s, const char *text)
{
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		if (len)
			names_add(s, p, len);
		p += len + (p[len] == '\n');
	}
}

/* Adds the words of text, split at spaces. */
static void
names_add_words(struct names *s, const char *text)
{
	for (const char *p = text + strspn(text, " "); *p; p += strspn(p, " ")) {
		names_add(s, p, strcspn(p, " "));
		p += strcspn(p, " ");
	}
}

/* "a b c": the words, for comparing two sets as strings; malloc'd. */
static char *
names_join(const struct names *s)
{
	size_t len = 1;

	for (size_t i = 0; i < s->n; i++)
		len += strlen(s->v[i]) + 1;
	char *out = calloc(1, len);
	for (size_t i = 0; i < s->n; i++)
		strcat(strcat(out, i ? " " : ""), s->v[i]);
	return out;
}

static void
names_free(struct names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* Expects the two sets to be equal, showing both where they are not. */
static void
names_expect_eq(const struct names *got, const struct names *want, const char *what)
{
	char *g = names_join(got), *w = names_join(want);

	cr_expect_str_eq(g, w, "%s: got [%s], want [%s]", what, g, w);
	free(g);
	free(w);
}

static bool
word_char(char c)
{
	return isalnum((unsigned char)c) || c == '-';
}

/* Adds the options that text names: "--word" and "-x" (one letter: not "-p1"), each at the
 * start of a line or after a space, '[', '(', '|' or ','. */
static void
options_scan(struct names *s, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] != '-' || (i && !strchr(" \n[(|,", text[i - 1])))
			continue;
		size_t end = i + 1;
		bool dashes = end < len && text[end] == '-';
		end += dashes;
		if (end == len || !isalpha((unsigned char)text[end]))
			continue;
		while (end < len && word_char(text[end]))
			end++;
		if (!dashes && end - i != 2)
			continue;
		names_add(s, text + i, end - i);
		i = end - 1;
	}
}

/* The output of `meshroll ARGS --help`; malloc'd. */
static char *
help_text(const char *args)
{
	char *out = NULL;

	cr_assert_eq(run_cmd(&out, "'%s' %s --help", meshroll_bin(), args), 0,
	             "meshroll %s --help failed", args);
	return out;
}

/* The commands that meshroll --help lists: the first word of each line of its "commands:"
 * block. */
static void
help_commands(struct names *s)
{
	char *help = help_text(""), *p = strstr(help, "\ncommands:\n");

	cr_assert(p, "meshroll --help has no commands: block:\n%s", help);
	for (p += strlen("\ncommands:\n"); !strncmp(p, "  ", 2) && p[2] != ' ';) {
		p += 2;
		names_add(s, p, strcspn(p, " \n"));
		p += strcspn(p, "\n") + 1;
	}
	cr_assert(s->n > 0, "no commands in meshroll --help:\n%s", help);
	free(help);
}

/* The options of meshroll's own usage: those of meshroll --help up to its first blank line. */
static void
help_globals(struct names *s)
{
	char *help = help_text(""), *end = strstr(help, "\n\n");

	options_scan(s, help, end ? (size_t)(end - help) : strlen(help));
	free(help);
}

/* The options that meshroll cmd --help lists; with usage, those of its usage line alone. */
static void
help_options(struct names *s, const char *cmd, bool usage)
{
	char *help = help_text(cmd);

	options_scan(s, help, usage ? strcspn(help, "\n") : strlen(help));
	free(help);
}

/* The candidates of a completion run: cmd's output, one a line, in *got. */
static void
complete_run(struct names *got, const char *cmd)
{
	char *out = NULL;

	cr_assert_eq(run_cmd(&out, "%s", cmd), 0, "%s failed:\n%s", cmd, out);
	names_add_lines(got, out);
	free(out);
}

/* What bash completion offers on the words of line, split at spaces (a final space makes an
 * empty word), with the cursor at the end of the word that ends in '^', else of the last
 * one; in the test's directory with in_dir, else in the project's root. */
static void
bash_complete(struct names *got, bool in_dir, const char *line)
{
	char words[2048], cmd[8192], cwd[2048];
	size_t n = 0, word = 0, cword = 0;
	bool marked = strchr(line, '^') != NULL;

	cr_assert(getcwd(cwd, sizeof(cwd)));
	for (const char *p = line;; p++, word++) {
		size_t len = strcspn(p, " ");
		bool cursor = len && p[len - 1] == '^';
		n += (size_t)snprintf(words + n, sizeof(words) - n, " '%.*s'", (int)(len - cursor),
		                      p);
		if (cursor || !marked)
			cword = word;
		p += len;
		if (!*p)
			break;
	}
	snprintf(cmd, sizeof(cmd), "cd %s && PATH=%s/bin:$PATH %s/tests/bash_complete.sh %zu%s",
	         in_dir ? dir : cwd, dir, cwd, cword, words);
	complete_run(got, cmd);
}

/* Expects bash completion on line to offer exactly the words of want ("a b c"). */
static void
bash_expect(bool in_dir, const char *line, const char *want)
{
	struct names got = {0}, w = {0};
	char *what = NULL;

	bash_complete(&got, in_dir, line);
	names_add_words(&w, want);
	cr_assert(asprintf(&what, "bash completion of '%s'", line) > 0);
	names_expect_eq(&got, &w, what);
	free(what);
	names_free(&got);
	names_free(&w);
}

/* After meshroll: the commands of meshroll --help; after meshroll -: its options. */
Test(docs, bash_commands)
{
	struct names want = {0}, got = {0};

	help_commands(&want);
	bash_complete(&got, false, "meshroll ");
	names_expect_eq(&got, &want, "bash completion of 'meshroll '");
	names_free(&got);
	names_free(&want);
	help_globals(&want);
	bash_complete(&got, false, "meshroll -");
	names_expect_eq(&got, &want, "bash completion of 'meshroll -'");
	names_free(&got);
	names_free(&want);
	bash_expect(false, "meshroll r", "render rollback");
}

/* After meshroll COMMAND -: the options that its --help lists, and --help. */
Test(docs, bash_options)
{
	struct names cmds = {0};

	help_commands(&cmds);
	for (size_t i = 0; i < cmds.n; i++) {
		struct names want = {0}, got = {0};
		char line[256], *what = NULL;
		help_options(&want, cmds.v[i], false);
		names_add(&want, "--help", 6);
		snprintf(line, sizeof(line), "meshroll %s -", cmds.v[i]);
		bash_complete(&got, false, line);
		cr_assert(asprintf(&what, "bash completion of '%s'", line) > 0);
		names_expect_eq(&got, &want, what);
		free(what);
		names_free(&want);
		names_free(&got);
	}
	names_free(&cmds);
	bash_expect(false, "meshroll render --st", "--stage");
}

/* render --stage and promote --to: the stage ids of the rollout files on the line, wherever
 * they are on it; none for a file that is not a valid rollout, nor without a file. */
Test(docs, bash_stage_ids)
{
	bash_expect(false, "meshroll render --stage ^ testdata/ok-named-stages/rollout.yaml -o -",
	            "dark smoke 050 done");
	bash_expect(false, "meshroll render testdata/ok-named-stages/rollout.yaml -o - --stage ",
	            "dark smoke 050 done");
	bash_expect(false, "meshroll render testdata/ok-named-stages/rollout.yaml -o - --stage d",
	            "dark done");
	bash_expect(false, "meshroll render testdata/ok-named-stages/rollout.yaml -o - --stage = 0",
	            "050");
	bash_expect(false, "meshroll promote testdata/status-middle/rollout.yaml --to ",
	            "000 testers shadow 010 050 100");
	bash_expect(false, "meshroll promote testdata/bad-rule-active-stage/rollout.yaml --to ",
	            "");
	bash_expect(false, "meshroll promote --to ", "");
}

/* Files and directories where a command takes them; directories alone for -o. */
Test(docs, bash_files)
{
	bash_expect(true, "meshroll lint ", "a.yaml b.yml bin sub");
	bash_expect(true, "meshroll lint a", "a.yaml");
	bash_expect(true, "meshroll promote ", "a.yaml b.yml bin sub");
	bash_expect(true, "meshroll render -o ", "bin sub");
	bash_expect(true, "meshroll status --templates s", "sub");
	bash_expect(true, "meshroll init ", "");
	bash_expect(true, "meshroll schema ", "");
}

/* zsh reads completion/_meshroll without a syntax error. */
Test(docs, zsh_parses)
{
	char *out = NULL;

	if (!have_cmd("zsh"))
		test_skip("zsh is not installed (Debian: zsh); its completion was not checked");
	cr_expect_eq(run_cmd(&out, "zsh -n completion/_meshroll 2>&1"), 0, "%s", out);
	free(out);
}

/* What zsh's completion offers at the end of line; in the test's directory with in_dir, else
 * in the project's root. */
static void
zsh_complete(struct names *got, bool in_dir, const char *line)
{
	char cmd[8192], cwd[2048];

	cr_assert(getcwd(cwd, sizeof(cwd)));
	snprintf(
	    cmd, sizeof(cmd),
	    "cd %s && PATH=%s/bin:$PATH timeout 60 zsh -f %s/tests/zsh_complete.zsh '%s' %s/zcompdump",
	    in_dir ? dir : cwd, dir, cwd, line, dir);
	complete_run(got, cmd);
}

/* Expects zsh's completion at the end of line to offer exactly the words of want, or with
 * some, at least those. */
static void
zsh_expect(bool in_dir, const char *line, const char *want, bool some)
{
	struct names got = {0}, w = {0};
	char *what = NULL;

	zsh_complete(&got, in_dir, line);
	names_add_words(&w, want);
	cr_assert(asprintf(&what, "zsh completion of '%s'", line) > 0);
	if (some) {
		char *g = names_join(&got);
		for (size_t i = 0; i < w.n; i++)
			cr_expect(strstr(g, w.v[i]), "%s: no %s in [%s]", what, w.v[i], g);
		free(g);
	} else {
		names_expect_eq(&got, &w, what);
	}
	free(what);
	names_free(&got);
	names_free(&w);
}

/* In a real zsh: the commands, each command's options (those of its --help, and --help), the
 * stage ids for render --stage and promote --to, and files. */
Test(docs, zsh_completes)
{
	struct names cmds = {0}, got = {0};

	if (!have_cmd("zsh"))
		test_skip("zsh is not installed (Debian: zsh); its completion was not checked");
	help_commands(&cmds);
	zsh_complete(&got, false, "meshroll ");
	names_expect_eq(&got, &cmds, "zsh completion of 'meshroll '");
	names_free(&got);
	for (size_t i = 0; i < cmds.n; i++) {
		struct names want = {0};
		char line[256], *what = NULL;
		help_options(&want, cmds.v[i], false);
		names_add(&want, "--help", 6);
		snprintf(line, sizeof(line), "meshroll %s -", cmds.v[i]);
		zsh_complete(&got, false, line);
		cr_assert(asprintf(&what, "zsh completion of '%s'", line) > 0);
		names_expect_eq(&got, &want, what);
		free(what);
		names_free(&want);
		names_free(&got);
	}
	names_free(&cmds);
	zsh_expect(false, "meshroll render testdata/ok-named-stages/rollout.yaml -o - --stage ",
	           "dark smoke 050 done", false);
	zsh_expect(false, "meshroll promote testdata/status-middle/rollout.yaml --to=",
	           "000 testers shadow 010 050 100", false);
	zsh_expect(true, "meshroll lint ", "a.yaml b.yml sub", true);
}
