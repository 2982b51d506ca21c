/* test_semantics.c: what each request reaches in each stage. tests/route_eval.py renders every
 * stage of the rollouts in tests/semantics/ (*.yaml) and walks the VirtualService's http routes as
 * Istio does (first match wins), checking per request the versions and weights it reaches, what
 * is mirrored and which Set-Cookie the answer carries. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* Runs route_eval.py on the case files; its summary line's counts go to checked and failed
 * (-1 when there is no summary line). Returns the exit status; *out is its output. */
static int
route_eval(char **out, const char *cases, long *checked, long *failed)
{
	if (!have_python_modules("yaml"))
		test_skip("python3 with yaml is missing; the route semantics test did not run");
	int status = run_cmd(out, "python3 tests/route_eval.py %s %s 2>&1", meshroll_bin(), cases);
	const char *sum = *out;
	while (sum && strncmp(sum, "route_eval: ", 12)) {
		sum = strchr(sum, '\n');
		sum = sum ? sum + 1 : NULL;
	}
	*checked = *failed = -1;
	if (sum)
		sscanf(sum, "route_eval: %ld requests checked, %ld failed", checked, failed);
	return status;
}

/* The request tables: A/B, mirror, plain and sticky stages, fixed routes around split ones. */
Test(semantics, requests_reach_the_expected_versions)
{
	char *out = NULL;
	long checked, failed;

	int status = route_eval(&out, "tests/semantics/*.yaml", &checked, &failed);
	cr_expect_eq(status, 0, "route_eval.py failed:\n%s", out);
	cr_expect_eq(failed, 0, "%s", out);
	cr_expect_gt(checked, 40, "too few requests checked:\n%s", out);
	free(out);
}

/* The evaluator fails on a wrong weight, on a mirror the answer does not have, and on a stage
 * without requests: plain weighted stages, so that this holds whatever stage kinds exist. */
Test(semantics, a_wrong_expectation_fails)
{
	char dir[64], path[128], *out = NULL;
	long checked, failed;

	cr_assert_eq(tmp_dir_new(dir, "semantics"), 0);
	snprintf(path, sizeof(path), "%s/wrong.yaml", dir);
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs("rollout:\n"
	      "  apiVersion: meshroll.dev/v1alpha1\n"
	      "  kind: Rollout\n"
	      "  metadata: {name: reviews}\n"
	      "  spec: {stable: v1, canary: v2, stages: [0, 10, 100]}\n"
	      "expect:\n"
	      "  \"000\": [{name: plain, uri: /, want: {v1: 100}}]\n"
	      "  \"010\":\n"
	      "  - {name: plain, uri: /, want: {v1: 100}}\n"
	      "  - {name: mirrored, uri: /, want: {v1: 90, v2: 10}, mirror: {v2: 10}}\n",
	      f);
	fclose(f);
	int status = route_eval(&out, path, &checked, &failed);
	cr_expect_eq(status, 1, "%s", out);
	cr_expect_eq(checked, 3, "%s", out);
	cr_expect_eq(failed, 2, "%s", out);
	cr_expect(strstr(out, "wrong.yaml: stage 100: no requests") != NULL, "%s", out);
	cr_expect(strstr(out, "wrong.yaml: stage 010: request plain: expected {\"want\": {\"v1\": "
	                      "100}}, got {\"want\": {\"v1\": 90, \"v2\": 10}}") != NULL,
	          "%s", out);
	cr_expect(strstr(out, "wrong.yaml: stage 010: request mirrored: expected {\"mirror\": "
	                      "{\"v2\": 10}}, got {\"mirror\": null}") != NULL,
	          "%s", out);
	free(out);
	run_cmd(NULL, "rm -rf %s", dir);
}
