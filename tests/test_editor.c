/* test_editor.c: the README's editor line, `# yaml-language-server: $schema=...`, in the real
 * yaml-language-server (build.sh installs the pinned version into build/node). tests/yaml_lsp.js
 * speaks LSP to it over stdio and prints what an editor would show: diagnostics and
 * completions, as FILE:LINE:COL like meshroll's own diagnostics. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

#define YLS "build/node/node_modules/.bin/yaml-language-server"

static char dir[64];
static char schema[4096]; /* schemas/rollout.schema.json, absolute */

static void
teardown(void)
{
	if (dir[0])
		run_cmd(NULL, "rm -rf %s", dir);
}

TestSuite(editor, .fini = teardown);

/* Skips the test where node or the server is missing, else makes its directory (after the
 * skip: a skipped test does not run .fini). */
static void
need_server(void)
{
	if (!have_cmd("node"))
		test_skip("node is missing; the yaml-language-server tests did not run");
	if (access(YLS, X_OK) != 0)
		test_skip(YLS
		          " is missing (./build.sh check installs it); the yaml-language-server "
		          "tests did not run");
	cr_assert(realpath("schemas/rollout.schema.json", schema),
	          "no schemas/rollout.schema.json");
	cr_assert_eq(tmp_dir_new(dir, "editor"), 0);
}

/* Writes dir/name: the schema modeline, its path the schema's absolute path after scheme ("" or
 * "file://"), then body. */
static void
rollout_write(const char *name, const char *scheme, const char *body)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert(f, "cannot write %s", path);
	fprintf(f, "# yaml-language-server: $schema=%s%s\n", scheme, schema);
	fputs(body, f);
	cr_assert_eq(fclose(f), 0);
}

/* Runs tests/yaml_lsp.js on args in dir; its output goes to *out and stays in dir/lsp.out.
 * Returns its exit status. */
static int
lsp_run(char **out, const char *args)
{
	return run_cmd(out,
	               "cd %s && node $OLDPWD/tests/yaml_lsp.js $OLDPWD/" YLS " %s > lsp.out 2>&1; "
	               "s=$?; cat lsp.out; exit $s",
	               dir, args);
}

/* An unknown field, a weight of 150 and a name that is not a DNS label: the server reports each
 * at the line and column meshroll lint does, the last in the schema's errorMessage words. */
Test(editor, diagnostics_at_the_lines_meshroll_reports)
{
	char *out = NULL, *lsp = NULL, *lint = NULL;

	need_server();
	rollout_write("r.yaml", "",
	              "apiVersion: meshroll.dev/v1alpha1\n" /* 2 */
	              "kind: Rollout\n"
	              "metadata:\n"
	              "  name: Reviews\n" /* 5:9 */
	              "spec:\n"
	              "  stable: v1\n"
	              "  canary: v2\n"
	              "  colour: blue\n"           /* 9:3 */
	              "  stages: [0, 10, 150]\n"); /* 10:19 */
	int status = lsp_run(&out, "r.yaml");
	cr_assert_eq(status, 0, "yaml_lsp.js exited %d:\n%s", status, out);
	cr_expect(strstr(out, "r.yaml:9:3: error: Property colour is not allowed"), "%s", out);
	cr_expect(strstr(out, "r.yaml:10:19: error: Value is above the maximum of 100"), "%s", out);
	cr_expect(strstr(out, "r.yaml:5:9: error: must be a DNS-1123 label"), "%s", out);
	cr_expect(strstr(out, ": 1 files, 3 diagnostics, 0 completions"), "%s", out);
	/* the same places as meshroll's own */
	run_cmd(&lsp, "cd %s && grep -o '^r.yaml:[0-9]*:[0-9]*: error:' lsp.out | sort", dir);
	run_cmd(&lint,
	        "cd %s && '%s' lint r.yaml 2>&1 | grep -o '^r.yaml:[0-9]*:[0-9]*: error:' | sort",
	        dir, meshroll_bin());
	cr_expect_str_eq(lsp, lint, "yaml-language-server:\n%s\nmeshroll lint:\n%s", lsp, lint);
	free(out);
	free(lsp);
	free(lint);
}

/* Completion on an empty line inside spec: (the modeline a file:// URI this time) offers
 * spec's fields, stages and activeStage among them, and not the top level's. */
Test(editor, completion_inside_spec)
{
	char *out = NULL;

	need_server();
	rollout_write("c.yaml", "file://",
	              "apiVersion: meshroll.dev/v1alpha1\n"
	              "kind: Rollout\n"
	              "metadata:\n"
	              "  name: reviews\n"
	              "spec:\n"
	              "  stable: v1\n"
	              "  \n" /* 8:3, the cursor */
	              "  canary: v2\n");
	int status = lsp_run(&out, "c.yaml@8:3");
	cr_assert_eq(status, 0, "yaml_lsp.js exited %d:\n%s", status, out);
	cr_expect(strstr(out, "c.yaml:8:3: completion: stages\n"), "%s", out);
	cr_expect(strstr(out, "c.yaml:8:3: completion: activeStage\n"), "%s", out);
	cr_expect(strstr(out, "c.yaml:8:3: completion: circuitBreaker\n"), "%s", out);
	cr_expect(!strstr(out, "completion: metadata\n"), "%s", out);
	cr_expect(!strstr(out, "completion: stable\n"), "already there:\n%s", out);
	free(out);
}

/* Every testdata case meshroll's schema judges, in the editor with the modeline: no ok-* case
 * gets an error or a warning, every bad-schema-* case gets an error. */
Test(editor, testdata_cases_judged_as_meshroll_judges_them)
{
	char *out = NULL, *oks = NULL, *bads = NULL;
	long files = -1;

	need_server();
	cr_assert_eq(run_cmd(NULL,
	                     "for f in testdata/ok-*/*.yaml testdata/bad-schema-*/*.yaml; do "
	                     "c=${f#testdata/}; { printf '# yaml-language-server: $schema=%%s\\n' "
	                     "'%s'; cat $f; } > %s/${c%%%%/*}--${c#*/} || exit 1; done",
	                     schema, dir),
	             0);
	int status = lsp_run(&out, "ok-*.yaml bad-schema-*.yaml");
	cr_assert_eq(status, 0, "yaml_lsp.js exited %d:\n%s", status, out);
	const char *sum = strstr(out, "yaml_lsp: yaml-language-server ");
	if (sum && (sum = strchr(sum + 31, ':')))
		sscanf(sum, ": %ld files", &files);
	cr_expect_geq(files, 120, "%s", out); /* 81 ok, 50 bad-schema today */
	run_cmd(&oks, "cd %s && grep '^ok-.*: \\(error\\|warning\\): ' lsp.out", dir);
	cr_expect_str_eq(oks, "", "valid cases the editor flags:\n%s", oks);
	run_cmd(
	    &bads,
	    "cd %s && grep -o '^bad-schema-[^:]*:[0-9]*:[0-9]*: error:' lsp.out | cut -d: -f1 | "
	    "LC_ALL=C sort -u > flagged && LC_ALL=C ls bad-schema-*.yaml | comm -23 - flagged",
	    dir);
	cr_expect_str_eq(bads, "", "invalid cases the editor lets through:\n%s", bads);
	free(out);
	free(oks);
	free(bads);
}
