/* test_gitops.c: check, status, promote and pruning, as a GitOps repository sees them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

static char dir[64];

static void
setup(void)
{
	cr_assert_eq(tmp_dir_new(dir, "gitops"), 0);
}

static void
teardown(void)
{
	run_cmd(NULL, "rm -rf %s", dir);
}

TestSuite(gitops, .init = setup, .fini = teardown);

static char *
tree_digest(void)
{
	char *out = NULL;

	run_cmd(&out,
	        "cd %s && find . -path ./r.yaml -prune -o -printf '%%p %%T@ %%s\\n' | sort && "
	        "find . -type f -exec md5sum {} + | sort",
	        dir);
	return out;
}

/* cmd (check, or status) writes nothing: not on a fresh, stale, missing or extra tree, nor on
 * one holding a crashed run's temporary; it exits 0 on the fresh tree, else 1. */
static void
writes_nothing(const char *cmd)
{
	static const char *const breakage[] = {
	    "true",
	    "sed -i 's/activeStage: 10/activeStage: 50/' r.yaml",
	    "rm out/default/example-service/base/virtualservice.yaml",
	    "sed -i 's/stages: \\[0, 10, 25, 50, 100\\]/stages: [0, 10, 100]/' r.yaml",
	    "rm -r out",
	    "touch out/default/example-service/base/.virtualservice.yaml.meshroll-ab12-1.tmp",
	};
	for (size_t i = 0; i < sizeof(breakage) / sizeof(breakage[0]); i++) {
		run_cmd(
		    NULL,
		    "cd %s && rm -rf out && cp $OLDPWD/testdata/ok-example/rollout.yaml r.yaml && "
		    "'%s' render -o out r.yaml && %s",
		    dir, meshroll_bin(), breakage[i]);
		char *before = tree_digest();
		int status = run_cmd(NULL, "cd %s && '%s' %s -o out r.yaml >/dev/null 2>&1", dir,
		                     meshroll_bin(), cmd);
		char *after = tree_digest();
		cr_expect_eq(status, i == 0 ? 0 : 1, "case %zu: %s exited %d", i, cmd, status);
		cr_expect_str_eq(after, before, "case %zu: %s changed the tree", i, cmd);
		free(before);
		free(after);
	}
}

Test(gitops, check_writes_nothing)
{
	writes_nothing("check");
}

Test(gitops, status_writes_nothing)
{
	writes_nothing("status");
	writes_nothing("status --json");
}

/* The diff check prints is a real one: patch applies it and the tree is then up to date. */
Test(gitops, check_diff_applies_with_patch)
{
	char *out = NULL;

	if (!have_cmd("patch"))
		test_skip("patch is not installed; the diff test did not run");
	cr_assert_eq(
	    run_cmd(
	        NULL,
	        "cd %s && cp $OLDPWD/testdata/ok-full/rollout.yaml r.yaml && "
	        "'%s' render -o out r.yaml && echo '# mine' > out/bookinfo/reviews/NOTES.md && "
	        "sed -i 's/stages: \\[0, 10, 25, 50, 100\\]/stages: [0, 5, 25, 100]/; "
	        "s/activeStage: 25/activeStage: 5/; s/maxConnections: 100/maxConnections: 7/' r.yaml",
	        dir, meshroll_bin()),
	    0);
	cr_assert_eq(run_cmd(NULL, "cd %s && '%s' check -o out r.yaml > fix.diff 2>/dev/null", dir,
	                     meshroll_bin()),
	             1);
	int status = run_cmd(&out, "cd %s/out && patch -s -p1 < ../fix.diff 2>&1", dir);
	cr_expect_eq(status, 0, "patch failed:\n%s", out);
	cr_expect_eq(run_cmd(NULL, "cd %s && '%s' check -o out r.yaml", dir, meshroll_bin()), 0,
	             "still out of date after patching");
	cr_expect_eq(run_cmd(NULL, "test -f %s/out/bookinfo/reviews/NOTES.md", dir), 0);
	free(out);
}

/* promote changes the value's bytes and no other byte of a file full of comments. */
Test(gitops, promote_keeps_every_other_byte)
{
	static const char before[] = "# header comment\n"
	                             "apiVersion: meshroll.dev/v1alpha1   # api\n"
	                             "kind: Rollout\n\n"
	                             "metadata:\n"
	                             "  name:    reviews   # odd spacing\n"
	                             "  labels: {team: \"store\", 'tier': backend}\n"
	                             "spec:\n"
	                             "  # before stages\n"
	                             "  stages:\n"
	                             "  - 0      # zero\n"
	                             "  - {weight: 10, name: ten}\n"
	                             "  - 100\n"
	                             "  activeStage: ten   # <- here\n"
	                             "  stable: v1\n"
	                             "  canary: \"v2\"\n"
	                             "  retries: {attempts: 3,   perTryTimeout: 2s}\n"
	                             "\n"
	                             "# trailing\n";
	char path[128], *after;
	size_t len;

	snprintf(path, sizeof(path), "%s/r.yaml", dir);
	FILE *f = fopen(path, "w");
	fputs(before, f);
	fclose(f);
	cr_assert_eq(run_cmd(NULL, "'%s' promote %s", meshroll_bin(), path), 0);
	after = slurp(path, &len);
	const char *at = strstr(before, "ten   # <- here");
	size_t head = (size_t)(at - before);
	cr_assert_eq(len, strlen(before) + 2, "%s", after); /* "ten" -> "\"100\"" */
	cr_expect(memcmp(after, before, head) == 0, "bytes before the value changed:\n%s", after);
	cr_expect(memcmp(after + head, "\"100\"", 5) == 0, "%s", after);
	cr_expect_str_eq(after + head + 5, before + head + 3);
	free(after);
}

Test(gitops, promote_keeps_the_file_mode_and_is_atomic)
{
	char *out = NULL;

	cr_assert_eq(run_cmd(NULL,
	                     "cd %s && cp $OLDPWD/testdata/ok-example/rollout.yaml r.yaml && "
	                     "chmod 640 r.yaml && ln -s r.yaml link.yaml",
	                     dir),
	             0);
	cr_assert_eq(run_cmd(NULL, "cd %s && '%s' promote r.yaml >/dev/null", dir, meshroll_bin()),
	             0);
	run_cmd(&out, "cd %s && stat -c %%a r.yaml && ls -A | sort | tr '\\n' ' '", dir);
	cr_expect_str_eq(out, "640\nlink.yaml r.yaml ", "mode kept, no temporary left");
	free(out);
	/* through the link: the file it points at moves on, the link stays a link */
	cr_assert_eq(
	    run_cmd(NULL, "cd %s && '%s' promote link.yaml >/dev/null", dir, meshroll_bin()), 0);
	run_cmd(&out, "cd %s && test -L link.yaml && grep -c 'activeStage: 50' r.yaml", dir);
	cr_expect_str_eq(out, "1\n");
	free(out);
}

Test(gitops, promote_walks_every_stage_and_rollback_returns)
{
	static const char *const expect[] = {
	    "example-service: stage 010 -> 025 (canary 10% -> 25%)\n",
	    "example-service: stage 025 -> 050 (canary 25% -> 50%)\n",
	    "example-service: stage 050 -> 100 (canary 50% -> 100%)\n",
	};
	char *out = NULL;

	run_cmd(NULL, "cp testdata/ok-example/rollout.yaml %s/r.yaml", dir);
	for (size_t i = 0; i < 3; i++) {
		cr_assert_eq(run_cmd(&out, "'%s' promote %s/r.yaml", meshroll_bin(), dir), 0);
		cr_expect_str_eq(out, expect[i]);
		free(out);
	}
	cr_expect_eq(run_cmd(NULL, "'%s' promote %s/r.yaml 2>/dev/null", meshroll_bin(), dir), 1);
	cr_assert_eq(run_cmd(&out, "'%s' rollback %s/r.yaml", meshroll_bin(), dir), 0);
	cr_expect_str_eq(out, "example-service: stage 100 -> 000 (canary 100% -> 0%)\n");
	free(out);
	cr_expect_eq(run_cmd(NULL, "grep -q '^  activeStage: 0$' %s/r.yaml", dir), 0);
}

/* The lines of a rollout without activeStage, joined by eol, with the line promote adds
 * after "  - 100" where added is set; spec comes last when at_end, without a final break.
 * malloc'd. */
static char *
crlf_rollout(const char *eol, int added, int at_end)
{
	static const char *const head[] = {"apiVersion: meshroll.dev/v1alpha1", "kind: Rollout"};
	static const char *const meta[] = {"metadata:", "  name: reviews"};
	static const char *const spec[] = {"spec:", "  stable: v1", "  canary: v2", "  stages:",
	                                   "  - 0", "  - 10",       "  - 100",      NULL};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	for (size_t i = 0; i < 2; i++)
		fprintf(f, "%s%s", head[i], eol);
	for (size_t i = 0; at_end && i < 2; i++)
		fprintf(f, "%s%s", meta[i], eol);
	for (size_t i = 0; spec[i]; i++)
		fprintf(f, "%s%s", spec[i], spec[i + 1] || !at_end || added ? eol : "");
	if (added)
		fprintf(f, "  activeStage: 10%s", eol);
	for (size_t i = 0; !at_end && i < 2; i++)
		fprintf(f, "%s%s", meta[i], eol);
	fclose(f);
	return text;
}

/* The line promote adds ends with the file's line break (CRLF, CR or LF), right after
 * stages, also where the last line has none. */
Test(gitops, promote_adds_a_line_with_the_files_line_breaks)
{
	static const char *const eols[] = {"\r\n", "\r", "\n"};
	char path[128];

	snprintf(path, sizeof(path), "%s/r.yaml", dir);
	for (size_t i = 0; i < 3; i++) {
		for (int at_end = 0; at_end < 2; at_end++) {
			char *before = crlf_rollout(eols[i], 0, at_end);
			char *expect = crlf_rollout(eols[i], 1, at_end), *after;
			FILE *f = fopen(path, "w");
			fputs(before, f);
			fclose(f);
			cr_assert_eq(
			    run_cmd(NULL, "'%s' promote %s >/dev/null", meshroll_bin(), path), 0,
			    "eol %zu, at_end %d", i, at_end);
			after = slurp(path, NULL);
			cr_expect_str_eq(after, expect, "eol %zu, at_end %d", i, at_end);
			free(before);
			free(expect);
			free(after);
		}
	}
}

/* libyaml reads U+0085, U+2028 and U+2029 as line breaks (fuzz_edit found a block scalar's
 * header comment ended by one), and so does the editor: promote edits such a file where
 * libyaml has the value, and a line it adds ends as the line before it. */
#define STAGES "  stages: [0, {weight: 10, name: smoke}, {weight: 100, name: done}]"
Test(gitops, promote_edits_a_file_with_unicode_line_breaks)
{
	static const struct {
		const char *to, *spec, *want; /* spec's keys after canary, before and after */
	} cases[] = {
	    /* a block scalar whose header line ends at U+0085: its text is the next line */
	    {"000",
	     STAGES "\n  activeStage: |-   # a block scalar\xC2\x85   smoke\n  mtls: STRICT\n",
	     STAGES "\n  activeStage: |-   # a block scalar\xC2\x85   000\n  mtls: STRICT\n"},
	    /* an anchor, then a comment ended by U+2029 */
	    {"done", STAGES "\n  activeStage: &a # here\xE2\x80\xA9    smoke\n  mtls: STRICT\n",
	     STAGES "\n  activeStage: &a # here\xE2\x80\xA9    done\n  mtls: STRICT\n"},
	    /* added after stages, whose line ends at U+2028: the new line ends the same way */
	    {"done", "  mtls: STRICT\n" STAGES "\xE2\x80\xA8",
	     "  mtls: STRICT\n" STAGES "\xE2\x80\xA8  activeStage: done\xE2\x80\xA8"},
	};
	static const char head[] =
	    "apiVersion: meshroll.dev/v1alpha1\nkind: Rollout\nmetadata:\n  name: reviews\n"
	    "spec:\n  stable: v1\n  canary: v2\n";

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[128], *err = NULL, *after;
		FILE *f;

		snprintf(path, sizeof(path), "%s/r%zu.yaml", dir, i);
		cr_assert(f = fopen(path, "w"));
		fprintf(f, "%s%s", head, cases[i].spec);
		fclose(f);
		cr_expect_eq(run_cmd(&err, "'%s' promote --to %s %s 2>&1", meshroll_bin(),
		                     cases[i].to, path),
		             0, "case %zu: %s", i, err);
		free(err);
		after = slurp(path, NULL);
		cr_expect(!strncmp(after, head, strlen(head)), "case %zu: %s", i, after);
		cr_expect_str_eq(after + strlen(head), cases[i].want, "case %zu", i);
		free(after);
		cr_expect_eq(run_cmd(&err, "'%s' lint %s 2>&1", meshroll_bin(), path), 0,
		             "case %zu: %s", i, err);
		free(err);
	}
}
#undef STAGES

/* Where what promote prints cannot be written, the file is not changed: a retry promotes
 * once, not twice. */
Test(gitops, promote_with_a_full_stdout_changes_nothing)
{
	char *err = NULL;

	cr_assert_eq(run_cmd(NULL, "cp testdata/ok-example/rollout.yaml %s/r.yaml", dir), 0);
	cr_expect_eq(run_cmd(&err, "'%s' promote %s/r.yaml 2>&1 >/dev/full", meshroll_bin(), dir),
	             3);
	cr_expect(strstr(err, "r.yaml: error: not changed: cannot write to standard output"), "%s",
	          err);
	cr_expect_eq(run_cmd(NULL, "cmp -s testdata/ok-example/rollout.yaml %s/r.yaml", dir), 0,
	             "the file changed");
	free(err);
}

/* Run as root, promote keeps the file's owner and group; it never keeps a setuid or setgid
 * bit. */
Test(gitops, promote_keeps_the_owner_and_drops_setuid)
{
	char *out = NULL;

	if (geteuid() != 0)
		test_skip("not root: the owner test did not run");
	cr_assert_eq(run_cmd(NULL,
	                     "cd %s && cp $OLDPWD/testdata/ok-example/rollout.yaml r.yaml && "
	                     "chown 4321:4322 r.yaml && chmod 6750 r.yaml",
	                     dir),
	             0);
	cr_assert_eq(run_cmd(NULL, "cd %s && '%s' promote r.yaml >/dev/null", dir, meshroll_bin()),
	             0);
	run_cmd(&out, "stat -c '%%u %%g %%a' %s/r.yaml", dir);
	cr_expect_str_eq(out, "4321 4322 750\n");
	free(out);
}

/* The file is synced before it replaces the old one: where fsync fails, nothing changes. */
Test(gitops, promote_fsyncs_before_it_replaces)
{
	const char *shim = getenv("FAULTINJECT");

	if (!shim || access(shim, R_OK) != 0)
		test_skip("FAULTINJECT names no fault injector (make test builds it)");
	cr_assert_eq(run_cmd(NULL, "cp testdata/ok-example/rollout.yaml %s/r.yaml", dir), 0);
	cr_expect_eq(
	    run_cmd(NULL,
	            "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0\" "
	            "FAULT_CALL=fsync LD_PRELOAD=%s '%s' promote %s/r.yaml >/dev/null 2>&1",
	            shim, meshroll_faults_bin(), dir),
	    3); /* ASan lets the fault injector load first */
	cr_expect_eq(run_cmd(NULL, "cmp -s testdata/ok-example/rollout.yaml %s/r.yaml", dir), 0,
	             "the file changed");
}

/* What init prints is accepted by lint, for any valid name and namespace. */
Test(gitops, init_output_lints)
{
	static const char *const names[] = {"a", "reviews", "x-1",
	                                    "a23456789012345678901234567890"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		cr_expect_eq(run_cmd(NULL, "'%s' init %s -n team-%zu | '%s' lint -", meshroll_bin(),
		                     names[i], i, meshroll_bin()),
		             0, "%s", names[i]);
}

/* Another repository uses meshroll-check through pre-commit's `repo:`. */
Test(gitops, pre_commit_hook_end_to_end, .timeout = 300)
{
	char *out = NULL;
	int status = run_cmd(&out, "MESHROLL='%s' tests/precommit.sh 2>&1", meshroll_bin());

	if (status == 77)
		test_skip("pre-commit or git is not installed; the hook test did not run");
	cr_expect_eq(status, 0, "%s", out);
	free(out);
}

/* The example repository's walkthrough runs as written, and its tree is up to date. */
Test(gitops, example_walkthrough)
{
	char *out = NULL, *readme = slurp("examples/gitops/README.md", NULL);
	char *script = slurp("examples/gitops/walkthrough.sh", NULL);
	size_t commands = 0;

	cr_assert(readme && script);
	for (char *line = strtok(readme, "\n"); line; line = strtok(NULL, "\n")) {
		char *cmd = strstr(line, "$ meshroll");
		if (!cmd)
			continue;
		commands++;
		cr_expect(strstr(script, cmd + 2) != NULL, "README's '%s' is not in walkthrough.sh",
		          cmd + 2);
	}
	cr_expect_geq(commands, 6);
	int status = run_cmd(
	    &out, "d=$(dirname '%s') && PATH=\"$d:$PATH\" examples/gitops/walkthrough.sh 2>&1",
	    meshroll_bin());
	cr_expect_eq(status, 0, "%s", out);
	cr_expect_eq(
	    run_cmd(NULL, "cd examples/gitops && '%s' check -o deploy rollouts", meshroll_bin()), 0,
	    "examples/gitops/deploy is stale: run make examples");
	free(out);
	free(readme);
	free(script);
}

/* check's hint is a command a shell runs as printed, whatever the names hold (spaces,
 * quotes), with every option that changes the output. */
Test(gitops, check_hint_runs_as_printed)
{
	char *out = NULL;

	cr_assert_eq(run_cmd(NULL,
	                     "mkdir -p \"%s/my dir\" %s/tmpl && "
	                     "cp testdata/ok-example/rollout.yaml \"%s/my dir/it's.yaml\"",
	                     dir, dir, dir),
	             0);
	cr_expect_eq(
	    run_cmd(&out,
	            "cd %s && '%s' check -o 'o u t' --templates tmpl \"my dir/it's.yaml\" "
	            "2>&1 >/dev/null | tail -1 | sed \"s|^  meshroll|'%s'|\" > hint && "
	            "sh hint && '%s' check -o 'o u t' --templates tmpl \"my dir/it's.yaml\" "
	            "&& cat hint",
	            dir, meshroll_bin(), meshroll_bin(), meshroll_bin()),
	    0, "%s", out);
	cr_expect(strstr(out, " render -o 'o u t' --templates tmpl 'my dir/it'\\''s.yaml'\n"), "%s",
	          out);
	free(out);
}
