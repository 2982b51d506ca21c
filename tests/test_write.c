/* test_write.c: what render does to a tree that is already there. */
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
	cr_assert_eq(tmp_dir_new(dir, "write"), 0);
	cr_assert_eq(run_cmd(NULL, "cp testdata/ok-example/rollout.yaml %s/r.yaml", dir), 0);
}

static void
teardown(void)
{
	run_cmd(NULL, "rm -rf %s", dir);
}

TestSuite(write, .init = setup, .fini = teardown);

/* A listing of every file with its nanosecond mtime, inode and content digest. */
static char *
tree_state(void)
{
	char *out = NULL;

	run_cmd(&out,
	        "cd %s/out && find . -type f -printf '%%p %%T@ %%i ' -exec md5sum {} \\; | sort",
	        dir);
	return out;
}

static int
render(const char *extra)
{
	return run_cmd(NULL, "cd %s && '%s' render -o out r.yaml %s 2>/dev/null", dir,
	               meshroll_bin(), extra);
}

Test(write, unchanged_files_are_not_rewritten)
{
	cr_assert_eq(render(""), 0);
	char *before = tree_state();
	usleep(20000);
	cr_assert_eq(render(""), 0);
	char *after = tree_state();
	cr_expect_str_eq(after, before);
	free(before);
	free(after);
}

Test(write, promotion_rewrites_only_the_top_kustomization)
{
	char *out = NULL;

	cr_assert_eq(render(""), 0);
	char *before = tree_state();
	usleep(20000);
	run_cmd(NULL, "sed -i 's/activeStage: 10/activeStage: 25/' %s/r.yaml", dir);
	cr_assert_eq(render(""), 0);
	char *after = tree_state();
	/* lines that differ: the top kustomization, and nothing else */
	char path[128];
	snprintf(path, sizeof(path), "%s/before", dir);
	FILE *f = fopen(path, "w");
	fputs(before, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/after", dir);
	f = fopen(path, "w");
	fputs(after, f);
	fclose(f);
	run_cmd(&out,
	        "cd %s && diff before after | grep '^[<>]' | cut -c3- | cut -d' ' -f1 | sort -u",
	        dir);
	cr_expect_str_eq(out, "./default/example-service/kustomization.yaml\n");
	char *top = NULL;
	run_cmd(&top, "tail -n 1 %s/out/default/example-service/kustomization.yaml", dir);
	cr_expect_str_eq(top, "- stages/025\n");
	free(out);
	free(top);
	free(before);
	free(after);
}

Test(write, a_run_with_an_error_writes_nothing)
{
	cr_assert_eq(render(""), 0);
	char *before = tree_state();
	run_cmd(NULL,
	        "cp testdata/bad-rule-active-stage/rollout.yaml %s/bad.yaml && "
	        "sed 's/name: example-service/name: other/' %s/r.yaml > %s/new.yaml && "
	        "sed -i 's/activeStage: 10/activeStage: 50/' %s/r.yaml",
	        dir, dir, dir, dir);
	cr_expect_eq(render("new.yaml bad.yaml"), 1);
	char *after = tree_state();
	cr_expect_str_eq(after, before);
	cr_expect_eq(run_cmd(NULL, "test -e %s/out/default/other", dir), 1, "no new directory");
	cr_expect_eq(run_cmd(NULL, "ls -a %s/out/default/example-service | grep -q tmp", dir), 1,
	             "no temporary left");
	free(before);
	free(after);
}

Test(write, files_follow_the_umask)
{
	char *modes = NULL;

	cr_assert_eq(
	    run_cmd(NULL, "cd %s && umask 027 && '%s' render -o out r.yaml", dir, meshroll_bin()),
	    0);
	run_cmd(
	    &modes,
	    "cd %s/out && find . -type f -printf '%%m\\n' | sort -u; find . -type d -printf '%%m\\n' | sort -u",
	    dir);
	cr_expect_str_eq(modes, "640\n750\n");
	free(modes);
}

/* An output directory that is a file is an I/O error for render and check alike (check said
 * the tree was merely out of date, exit 1). */
Test(write, output_that_is_a_file_is_an_io_error)
{
	static const char *const cmd[] = {"render", "check"};
	static const char *const msg[] = {"out: error: cannot create directory: Not a directory",
	                                  "out: error: cannot open directory: Not a directory"};

	run_cmd(NULL, "touch %s/out", dir);
	for (size_t i = 0; i < 2; i++) {
		char *err = NULL;
		cr_expect_eq(run_cmd(&err, "cd %s && '%s' %s -o out r.yaml 2>&1", dir,
		                     meshroll_bin(), cmd[i]),
		             3, "%s", cmd[i]);
		cr_expect(strstr(err, msg[i]), "%s", err);
		free(err);
	}
}

Test(write, a_failed_write_to_stdout_is_an_io_error)
{
	if (access("/dev/full", W_OK) != 0)
		test_skip("/dev/full is missing; the stdout error test did not run");
	cr_expect_eq(run_cmd(NULL, "'%s' render -o - %s/r.yaml > /dev/full 2>/dev/null",
	                     meshroll_bin(), dir),
	             3);
}

static void
faults(const char *env, const char *what)
{
	char *out = NULL;
	const char *shim = getenv("FAULTINJECT");

	if (!shim || access(shim, R_OK) != 0)
		test_skip("FAULTINJECT names no fault injector (make test builds it)");
	int status = run_cmd(&out, "%s MESHROLL='%s' MESHROLL_FAULTS='%s' tests/faults.sh %s 2>&1",
	                     env, meshroll_bin(), meshroll_faults_bin(), what);
	cr_expect_eq(status, 0, "%s", out);
	cr_expect(strstr(out, "fault points") != NULL, "%s", out);
	free(out);
}

/* A run that fails writing into a new output directory leaves no directory it made: not
 * those of the tree, nor those on the way to it. */
Test(write, a_failed_run_into_a_new_directory_leaves_none)
{
	static const char *const at[] = {"mkdir 2", "mkdir 5", "write 1", "rename 1", "rename 4"};
	const char *env = getenv("FAULTINJECT");
	char shim[4096];

	if (!env || !realpath(env, shim))
		test_skip("FAULTINJECT names no fault injector (make test builds it)");
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		char call[16];
		int nth;
		cr_assert_eq(sscanf(at[i], "%15s %d", call, &nth), 2);
		int status = run_cmd(
		    NULL,
		    "cd %s && ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0\" "
		    "FAULT_CALL=%s FAULT_NTH=%d FAULT_ERRNO=EIO LD_PRELOAD='%s' '%s' render -o "
		    "new/deep/out r.yaml 2>/dev/null",
		    dir, call, nth, shim, meshroll_faults_bin());
		cr_expect_eq(status, 3, "a fault at %s", at[i]);
		cr_expect_eq(run_cmd(NULL, "test -e %s/new", dir), 1, "%s/new is left after %s",
		             dir, at[i]);
		run_cmd(NULL, "rm -rf %s/new", dir);
	}
}

/* Each write-path call of render into an existing tree fails in turn. */
Test(write, every_write_fault_in_render, .timeout = 600)
{
	faults("", "render");
}

/* The same where the filesystem cannot exchange two names: render keeps the old file under
 * a second link instead, to restore it. */
Test(write, every_write_fault_in_render_without_rename_exchange, .timeout = 600)
{
	faults("FAULT_NO_EXCHANGE=1", "render");
}

/* Each write-path call of promote fails in turn. */
Test(write, every_write_fault_in_promote, .timeout = 600)
{
	faults("", "promote");
}

/* A link planted in the tree is not written through, and its target stays as it was. */
Test(write, links_in_the_tree_are_not_followed)
{
	char *err = NULL, *target = NULL;

	cr_assert_eq(
	    run_cmd(NULL,
	            "cd %s && '%s' render -o out r.yaml && mkdir elsewhere && "
	            "echo secret > elsewhere/secret && rm -r out/default/example-service/base && "
	            "ln -s ../../../elsewhere out/default/example-service/base",
	            dir, meshroll_bin()),
	    0);
	cr_expect_eq(run_cmd(&err, "cd %s && '%s' render -o out r.yaml 2>&1", dir, meshroll_bin()),
	             3);
	cr_expect(strstr(err, "out/default/example-service/base: error: is a symbolic link"), "%s",
	          err);
	run_cmd(&target, "cd %s && ls elsewhere && cat elsewhere/secret", dir);
	cr_expect_str_eq(target, "secret\nsecret\n");
	free(err);
	free(target);
	/* a link in place of a file: refused by render, and check does not read through it */
	cr_assert_eq(
	    run_cmd(
	        NULL,
	        "cd %s && rm out/default/example-service/base && '%s' render -o out r.yaml && "
	        "rm out/default/example-service/kustomization.yaml && "
	        "ln -s ../../../elsewhere/secret out/default/example-service/kustomization.yaml",
	        dir, meshroll_bin()),
	    0);
	cr_expect_eq(run_cmd(&err, "cd %s && '%s' render -o out r.yaml 2>&1", dir, meshroll_bin()),
	             3);
	cr_expect(strstr(err, "kustomization.yaml: error: is a symbolic link"), "%s", err);
	free(err);
	cr_expect_eq(run_cmd(&err, "cd %s && '%s' check -o out r.yaml 2>&1", dir, meshroll_bin()),
	             3);
	cr_expect(!strstr(err, "secret"), "check printed the link's target:\n%s", err);
	free(err);
	run_cmd(&target, "cat %s/elsewhere/secret", dir);
	cr_expect_str_eq(target, "secret\n");
	free(target);
}

/* The output directory itself may be a link (a user's choice, not a planted one). */
Test(write, the_output_directory_may_be_a_link)
{
	cr_assert_eq(
	    run_cmd(NULL,
	            "cd %s && mkdir real && ln -s real out && '%s' render -o out r.yaml && "
	            "test -f real/default/example-service/kustomization.yaml",
	            dir, meshroll_bin()),
	    0);
}
