/* test_argocd.c: examples/argocd-cmp/plugin.yaml, the Config Management Plugin that lets Argo CD
 * render the rollouts itself. tests/argocd_cmp.py runs its commands as Argo CD's CMP server
 * does: command + args exec'd in a copy of an application's directory, with the ARGOCD_APP_
 * and ARGOCD_ENV_ variables of the request, and a PATH whose meshroll is the one under test. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

#define PLUGIN "examples/argocd-cmp/plugin.yaml"
/* What Argo CD sets for every request; the test's own settings follow. */
#define APP_ENV                                                                                    \
	"ARGOCD_APP_NAME=bookinfo ARGOCD_APP_NAMESPACE=argocd ARGOCD_APP_REVISION=0123abcd "       \
	"ARGOCD_APP_SOURCE_REPO_URL=https://git.example.com/shop/gitops.git"

static char dir[64];

static void
teardown(void)
{
	if (dir[0])
		run_cmd(NULL, "rm -rf %s", dir);
}

TestSuite(argocd, .fini = teardown);

/* Skips the test where python3's yaml is missing, else makes its directory (after the skip: a
 * skipped test does not run .fini) with a bin/ whose meshroll, the one the plugin calls by
 * name, is the binary under test. */
static void
need_python_yaml(void)
{
	if (!have_python_modules("yaml"))
		test_skip("python3 with yaml is missing; the Argo CD plugin tests did not run");
	cr_assert_eq(tmp_dir_new(dir, "argocd"), 0);
	cr_assert_eq(
	    run_cmd(NULL, "mkdir %s/bin && ln -s '%s' %s/bin/meshroll", dir, meshroll_bin(), dir),
	    0);
}

/* The plugin's generate output for dir/app (a copy of src) with the request's vars, into *out;
 * returns its exit status. Its stderr goes to dir/stderr. */
static int
plugin_generate(char **out, const char *src, const char *vars)
{
	run_cmd(NULL, "rm -rf %s/app && cp -r %s %s/app", dir, src, dir);
	return run_cmd(out,
	               "PATH=%s/bin:$PATH python3 tests/argocd_cmp.py " PLUGIN " %s/app " APP_ENV
	               " %s 2>%s/stderr",
	               dir, dir, vars, dir);
}

/* Without settings: every rollout below the application's directory at its active stage,
 * byte for byte what `meshroll render -o - .` prints there; reviews is at 25%. */
Test(argocd, generate_prints_the_active_stages)
{
	char *out = NULL, *want = NULL, *err = NULL;

	need_python_yaml();
	int status = plugin_generate(&out, "examples/gitops/rollouts", "");
	run_cmd(&err, "cat %s/stderr", dir);
	cr_assert_eq(status, 0, "the plugin exited %d:\n%s", status, err);
	run_cmd(&want, "cd %s/app && '%s' render -o - .", dir, meshroll_bin());
	cr_assert_gt(strlen(want), 1000);
	cr_expect_str_eq(out, want);
	/* each of the four rollouts, reviews at its active stage 025 */
	for (const char *const *n =
	         (const char *const[]){"details", "productpage", "ratings", "reviews", NULL};
	     *n; n++) {
		char name[64];
		snprintf(name, sizeof(name), "\n  name: %s\n  namespace: bookinfo\n", *n);
		cr_expect(strstr(out, name), "no object named %s:\n%s", *n, out);
	}
	cr_expect(strstr(out, "        subset: v2\n        port:\n          number: 9080\n      "
	                      "weight: 25\n"),
	          "%s", out);
	free(out);
	free(want);
	free(err);
}

/* ARGOCD_ENV_MESHROLL_PATH names one rollout below the application's directory and
 * ARGOCD_ENV_MESHROLL_STAGE another stage than its active one: that stage's objects. */
Test(argocd, generate_with_path_and_stage)
{
	char *out = NULL, *want = NULL, *active = NULL, *err = NULL;

	need_python_yaml();
	int status = plugin_generate(&out, "examples/gitops",
	                             "ARGOCD_ENV_MESHROLL_PATH=rollouts/reviews.yaml "
	                             "ARGOCD_ENV_MESHROLL_STAGE=050");
	run_cmd(&err, "cat %s/stderr", dir);
	cr_assert_eq(status, 0, "the plugin exited %d:\n%s", status, err);
	run_cmd(&want, "cd %s/app && '%s' render -o - --stage 050 rollouts/reviews.yaml", dir,
	        meshroll_bin());
	run_cmd(&active, "cd %s/app && '%s' render -o - rollouts/reviews.yaml", dir,
	        meshroll_bin());
	cr_expect_str_eq(out, want);
	cr_expect_str_neq(out, active, "stage 050 is the active stage's output");
	cr_expect(strstr(out, "      weight: 50\n"), "%s", out);
	cr_expect(!strstr(out, "name: ratings\n"), "another rollout than reviews:\n%s", out);
	free(out);
	free(want);
	free(active);
	free(err);
}

/* A rollout with a mistake: the command fails with meshroll's diagnostic, which Argo CD shows,
 * and prints no object that Argo CD could apply; so does a stage a rollout does not have. */
Test(argocd, generate_fails_on_a_bad_rollout)
{
	char *out = NULL, *err = NULL;

	need_python_yaml();
	run_cmd(NULL,
	        "rm -rf %s/src && cp -r examples/gitops/rollouts %s/src && "
	        "sed -i 's/stages: \\[0, 10, 25, 50, 100\\]/stages: [0, 10, 150]/' "
	        "%s/src/reviews.yaml",
	        dir, dir, dir);
	char src[128];
	snprintf(src, sizeof(src), "%s/src", dir);
	int status = plugin_generate(&out, src, "");
	run_cmd(&err, "cat %s/stderr", dir);
	cr_expect_eq(status, 1, "the plugin exited %d:\n%s", status, err);
	cr_expect_str_eq(out, "");
	cr_expect(strstr(err, "reviews.yaml:12:19: error: spec.stages[2]: 150 is greater than the "
	                      "maximum 100"),
	          "%s", err);
	free(out);
	free(err);
	status = plugin_generate(&out, "examples/gitops/rollouts", "ARGOCD_ENV_MESHROLL_STAGE=050");
	run_cmd(&err, "cat %s/stderr", dir);
	cr_expect_eq(status, 2, "details has no stage 050; the plugin exited %d", status);
	cr_expect_str_eq(out, "");
	cr_expect(strstr(err, "no stage '050' in rollout 'details'"), "%s", err);
	free(out);
	free(err);
}

/* An Application that names no plugin: discovery picks a directory of rollouts, and not the
 * rendered tree that Argo CD applies with kustomize. */
Test(argocd, discover_finds_rollouts_only)
{
	char *out = NULL;

	need_python_yaml();
	static const struct {
		const char *src, *want;
	} cases[] = {
	    {"examples/gitops/rollouts", "match\n"},
	    {"examples/gitops", "match\n"},
	    {"examples/gitops/deploy", "no match\n"},
	    {"examples/gitops/deploy/bookinfo/reviews", "no match\n"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int status = run_cmd(&out, "python3 tests/argocd_cmp.py --discover " PLUGIN " %s",
		                     cases[i].src);
		cr_expect_eq(status, 0);
		cr_expect_str_eq(out, cases[i].want, "%s", cases[i].src);
		free(out);
	}
}
