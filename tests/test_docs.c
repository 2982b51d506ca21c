/* test_docs.c: what comes with the binary, held to the binary's own --help. The manual page
 * (doc/meshroll.1) passes mandoc -T lint, and its commands and each command's options are
 * those that meshroll --help and meshroll COMMAND --help list, each way; the bash completion
 * (driven by tests/bash_complete.sh) and the zsh completion (tests/zsh_complete.zsh, in a
 * real zsh under a pseudo-terminal) offer the commands, each command's options, the stage
 * ids of the rollout file on the line and files; make install and make uninstall into a
 * temporary DESTDIR install and remove exactly the files they should. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

#define MAN_PAGE "doc/meshroll.1"

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

/* The manual page as mandoc prints it for a terminal, overstrikes (bold, underline) removed;
 * malloc'd. */
static char *
man_text(void)
{
	char *out = NULL;

	if (!have_cmd("mandoc"))
		test_skip(
		    "mandoc is not installed (Debian: mandoc); the manual page was not checked");
	cr_assert_eq(run_cmd(&out, "mandoc -T ascii %s", MAN_PAGE), 0, "mandoc failed");
	char *w = out;
	for (const char *r = out; *r; r++) {
		if (*r == '\b' && w > out)
			w--;
		else
			*w++ = *r;
	}
	*w = '\0';
	return out;
}

/* The next line of text from *p: its start, with its length in *len; NULL at the end. */
static const char *
next_line(const char **p, size_t *len)
{
	const char *line = *p;

	if (!*line)
		return NULL;
	*len = strcspn(line, "\n");
	*p = line + *len + (line[*len] == '\n');
	return line;
}

static size_t
indent(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && line[i] == ' ')
		i++;
	return i;
}

/* A heading: a section's at column 0, a subsection's at column 3. */
static bool
is_heading(const char *line, size_t len)
{
	size_t in = indent(line, len);

	return in < len && (in == 0 || in == 3);
}

/* The text of section (at column 0) or, with sub, of its subsection sub: from the line after
 * its heading to the next heading; malloc'd, NULL when there is none. */
static char *
man_part(const char *man, const char *section, const char *sub)
{
	const char *p = man, *line, *start = NULL;
	size_t len;
	bool in_section = false;

	while ((line = next_line(&p, &len))) {
		if (!is_heading(line, len))
			continue;
		if (start)
			return strndup(start, (size_t)(line - start));
		size_t in = indent(line, len);
		if (in == 0)
			in_section = len == strlen(section) && !strncmp(line, section, len);
		if (in_section &&
		    (sub ? in == 3 && len - 3 == strlen(sub) && !strncmp(line + 3, sub, len - 3)
		         : in == 0))
			start = p;
	}
	return start ? strdup(start) : NULL;
}

/* Where a line of the SYNOPSIS, "     meshroll WORD ...", has its WORD; NULL for other lines
 * (continuation lines are indented further). */
static const char *
synopsis_word(const char *line, size_t len)
{
	return len > 14 && indent(line, len) == 5 && !strncmp(line + 5, "meshroll ", 9) ? line + 14
	                                                                                : NULL;
}

/* The SYNOPSIS entry "meshroll WORD ..." with its continuation lines, where WORD is cmd, or
 * with cmd NULL the entry of meshroll's own options (WORD starts with '-'); from WORD on,
 * malloc'd; NULL when there is none. */
static char *
man_synopsis_entry(const char *man, const char *cmd)
{
	char *syn = man_part(man, "SYNOPSIS", NULL), *out = NULL;
	const char *p = syn, *line, *w;
	size_t len;

	cr_assert(syn, "the manual page has no SYNOPSIS");
	while (!out && (line = next_line(&p, &len))) {
		if (!(w = synopsis_word(line, len)))
			continue;
		size_t wlen = strcspn(w, " \n");
		if (cmd ? wlen != strlen(cmd) || strncmp(w, cmd, wlen) : *w != '-')
			continue;
		const char *end = p;
		while ((line = next_line(&p, &len)) && indent(line, len) > 5)
			end = p;
		out = strndup(w, (size_t)(end - w));
	}
	free(syn);
	return out;
}

/* mandoc -T lint says nothing, at the level of warnings and above. */
Test(docs, man_lint)
{
	char *out = NULL;

	if (!have_cmd("mandoc"))
		test_skip(
		    "mandoc is not installed (Debian: mandoc); the manual page was not linted");
	int status = run_cmd(&out, "mandoc -T lint -W warning %s 2>&1", MAN_PAGE);
	cr_expect_str_eq(out, "", "mandoc -T lint:\n%s", out);
	cr_expect_eq(status, 0);
	free(out);
}

/* The SYNOPSIS has an entry for each command meshroll --help lists, and no other; its entry
 * without a command has the options of meshroll --help's usage. */
Test(docs, man_commands)
{
	struct names want = {0}, got = {0};
	char *man = man_text(), *syn = man_part(man, "SYNOPSIS", NULL), *globals;
	const char *p = syn, *line, *w;
	size_t len;

	cr_assert(syn, "the manual page has no SYNOPSIS");
	help_commands(&want);
	while ((line = next_line(&p, &len)))
		if ((w = synopsis_word(line, len)) && *w != '-')
			names_add(&got, w, strcspn(w, " \n"));
	names_expect_eq(&got, &want, "the commands of the SYNOPSIS and of meshroll --help");
	names_free(&want);
	names_free(&got);
	cr_assert((globals = man_synopsis_entry(man, NULL)),
	          "the SYNOPSIS has no entry for meshroll's own options");
	help_globals(&want);
	options_scan(&got, globals, strlen(globals));
	names_expect_eq(&got, &want, "meshroll's options in the SYNOPSIS and in its usage");
	names_free(&want);
	names_free(&got);
	free(globals);
	free(syn);
	free(man);
}

/* Expects the options that text names to be those of want; fmt says what the two are. */
static void __attribute__((format(printf, 3, 4)))
options_expect(const char *text, const struct names *want, const char *fmt, ...)
{
	struct names got = {0};
	char *what = NULL;
	va_list ap;

	va_start(ap, fmt);
	cr_assert(vasprintf(&what, fmt, ap) > 0);
	va_end(ap);
	options_scan(&got, text, strlen(text));
	names_expect_eq(&got, want, what);
	free(what);
	names_free(&got);
}

/* For each command: its options in its subsection of DESCRIPTION are those that its --help
 * lists, and in its SYNOPSIS entry those of its --help's usage line. */
Test(docs, man_options)
{
	struct names cmds = {0};
	char *man = man_text();

	help_commands(&cmds);
	for (size_t i = 0; i < cmds.n; i++) {
		struct names want = {0}, want_usage = {0};
		char *part = man_part(man, "DESCRIPTION", cmds.v[i]);
		char *entry = man_synopsis_entry(man, cmds.v[i]);
		cr_assert(part, "DESCRIPTION has no subsection '%s'", cmds.v[i]);
		cr_assert(entry, "the SYNOPSIS has no entry for '%s'", cmds.v[i]);
		help_options(&want, cmds.v[i], false);
		help_options(&want_usage, cmds.v[i], true);
		options_expect(part, &want, "%s: the options of its subsection and of its --help",
		               cmds.v[i]);
		options_expect(entry, &want_usage,
		               "%s: the options of its SYNOPSIS entry and of its usage", cmds.v[i]);
		names_free(&want);
		names_free(&want_usage);
		free(entry);
		free(part);
	}
	names_free(&cmds);
	free(man);
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

/* The directory of the meshroll under test, where make keeps it (B): relative to the project's
 * root when below it. */
static const char *
build_dir(char *b, size_t size)
{
	char cwd[2048];
	const char *bin = meshroll_bin(), *slash = strrchr(bin, '/');
	size_t len = slash ? (size_t)(slash - bin) : 0;

	cr_assert(getcwd(cwd, sizeof(cwd)) && len);
	if (!strncmp(bin, cwd, strlen(cwd)) && bin[strlen(cwd)] == '/')
		bin += strlen(cwd) + 1, len -= strlen(cwd) + 1;
	snprintf(b, size, "%.*s", (int)len, bin);
	return b;
}

/* The installed meshroll says the version of the one under test, and the installed kustomize
 * plugin, with it on PATH, prints what render -o - does. */
static void
installed_runs(void)
{
	char *out = NULL, *want = NULL;

	run_cmd(&out, "%s/dest/usr/bin/meshroll --version", dir);
	run_cmd(&want, "'%s' --version", meshroll_bin());
	cr_expect_str_eq(out, want, "the installed meshroll's --version");
	free(out);
	free(want);
	run_cmd(
	    &out,
	    "PATH=%s/dest/usr/bin:/usr/bin:/bin %s/dest/usr/share/meshroll/kustomize-plugin/Rollout "
	    "testdata/ok-example/rollout.yaml",
	    dir, dir);
	run_cmd(&want, "'%s' render -o - testdata/ok-example/rollout.yaml", meshroll_bin());
	cr_expect(*want && !strcmp(out, want), "the installed kustomize plugin printed:\n%s", out);
	free(out);
	free(want);
}

/* make install PREFIX=/usr into a temporary DESTDIR installs exactly these files, each a copy
 * of its source (the kustomize plugin runs the meshroll on PATH), and make uninstall removes
 * them all. The meshroll under test must be up to date: make must not rebuild it under the
 * running suite. */
Test(docs, install_uninstall)
{
	static const char installed[] = "./usr/bin/meshroll 755\n"
	                                "./usr/share/bash-completion/completions/meshroll 644\n"
	                                "./usr/share/man/man1/meshroll.1 644\n"
	                                "./usr/share/meshroll/kustomize-plugin/Rollout 755\n"
	                                "./usr/share/meshroll/rollout.schema.json 644\n"
	                                "./usr/share/meshroll/status.schema.json 644\n"
	                                "./usr/share/zsh/vendor-completions/_meshroll 644\n";
	static const char *const copies[][2] = {
	    {"usr/share/man/man1/meshroll.1", "doc/meshroll.1"},
	    {"usr/share/bash-completion/completions/meshroll", "completion/meshroll.bash"},
	    {"usr/share/zsh/vendor-completions/_meshroll", "completion/_meshroll"},
	    {"usr/share/meshroll/rollout.schema.json", "schemas/rollout.schema.json"},
	    {"usr/share/meshroll/status.schema.json", "schemas/status.schema.json"},
	};
	/* MESHROLL_MAKEFLAGS: how make test was run (STATIC=1), so the same binary is up to date */
	const char *make = "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s ${MESHROLL_MAKEFLAGS-}";
	char b[2048], *out = NULL;

	build_dir(b, sizeof(b));
	cr_assert_eq(run_cmd(NULL, "%s -q B=%s %s/meshroll", make, b, b), 0,
	             "%s/meshroll is older than its sources: make it first", b);
	cr_assert_eq(
	    run_cmd(&out, "%s install B=%s DESTDIR=%s/dest PREFIX=/usr 2>&1", make, b, dir), 0,
	    "%s", out);
	free(out);
	run_cmd(&out, "cd %s/dest && find . ! -type d -printf '%%p %%m\\n' | sort", dir);
	cr_expect_str_eq(out, installed, "make install installed:\n%s", out);
	free(out);
	for (size_t i = 0; i < sizeof(copies) / sizeof(copies[0]); i++)
		cr_expect_eq(run_cmd(NULL, "cmp -s %s/dest/%s %s", dir, copies[i][0], copies[i][1]),
		             0, "%s is not %s", copies[i][0], copies[i][1]);
	installed_runs();
	cr_assert_eq(
	    run_cmd(&out, "%s uninstall B=%s DESTDIR=%s/dest PREFIX=/usr 2>&1", make, b, dir), 0,
	    "%s", out);
	free(out);
	run_cmd(&out, "cd %s/dest && find . ! -type d; test ! -e usr/share/meshroll || echo %s",
	        dir, "usr/share/meshroll");
	cr_expect_str_eq(out, "", "make uninstall left:\n%s", out);
	free(out);
}
