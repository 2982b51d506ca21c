/* test_semantics.c: what each request reaches in each stage. tests/route_eval.py renders every
 * stage of the rollouts in tests/semantics/ (*.yaml) and walks the VirtualService's http routes as
 * Istio does (first match wins), checking per request the versions and weights it reaches, what
 * is mirrored and which Set-Cookie the answer carries. For Gateway API it evaluates an HTTPRoute
 * by the spec's match precedence instead; with --docs it reads hand-written documents in place
 * of meshroll's (tests/semantics-docs/), which test that evaluator on its own. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* Runs route_eval.py on the case files, rendered by meshroll (or with docs, their documents);
 * its summary line's counts go to checked and failed (-1 when there is no summary line).
 * Returns the exit status; *out is its output. */
static int
route_eval(char **out, bool docs, const char *cases, long *checked, long *failed)
{
	if (!have_python_modules("yaml"))
		test_skip("python3 with yaml is missing; the route semantics test did not run");
	int status = run_cmd(out, "python3 tests/route_eval.py %s %s 2>&1",
	                     docs ? "--docs" : meshroll_bin(), cases);
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

	int status = route_eval(&out, false, "tests/semantics/*.yaml", &checked, &failed);
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
	int status = route_eval(&out, false, path, &checked, &failed);
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

/* The HTTPRoute evaluator on hand-written documents: Istio's bookinfo 90/10 samples side by side,
 * an HTTPRoute whose rules first match would get wrong beside the VirtualService that routes
 * alike, and Gateway API's corners (ties, regex, weights, mirrors, services). */
Test(semantics, httproutes_follow_gateway_api_precedence)
{
	char *out = NULL;
	long checked, failed;

	int status = route_eval(&out, true, "tests/semantics-docs/*.yaml", &checked, &failed);
	cr_expect_eq(status, 0, "route_eval.py --docs failed:\n%s", out);
	cr_expect_eq(failed, 0, "%s", out);
	cr_expect_gt(checked, 60, "too few requests checked:\n%s", out);
	free(out);
}

/* An HTTPRoute (catch-all 90/10 listed first, PathPrefix /api after) and wrong expectations. */
static const char wrong_httproute[] =
    "providers: [gateway-api]\n"
    "documents:\n"
    "  shift:\n"
    "  - &route\n"
    "    apiVersion: gateway.networking.k8s.io/v1\n"
    "    kind: HTTPRoute\n"
    "    metadata: {name: reviews}\n"
    "    spec:\n"
    "      parentRefs: [{group: \"\", kind: Service, name: reviews, port: 9080}]\n"
    "      rules:\n"
    "      - name: shift\n"
    "        filters:\n"
    "        - type: RequestMirror\n"
    "          requestMirror:\n"
    "            backendRef: {name: reviews-v2, port: 9080}\n"
    "            fraction: {numerator: 1, denominator: 8}\n"
    "        backendRefs:\n"
    "        - {name: reviews-v1, port: 9080, weight: 90}\n"
    "        - name: reviews-v2\n"
    "          port: 9080\n"
    "          weight: 10\n"
    "          filters:\n"
    "          - type: ResponseHeaderModifier\n"
    "            responseHeaderModifier: {set: [{name: Set-Cookie, value: c=v2}]}\n"
    "      - name: api\n"
    "        matches: [{path: {type: PathPrefix, value: /api}}]\n"
    "        backendRefs: [{name: reviews-v2, port: 9080}]\n"
    "  empty: [*route]\n"
    "expect:\n"
    "  shift:\n"
    "  - {name: first-match, uri: /api/x, want: {v1: 90, v2: 10}}\n"
    "  - {name: apix, uri: /apix, want: {v2: 100}, mirror: {v2: 12.5}, setCookie: {v2: "
    "c=v2}}\n"
    "  - {name: mirror, uri: /, want: {v1: 90, v2: 10}, mirror: {v2: 12}, setCookie: {v2: "
    "c=v2}}\n"
    "  - {name: no-cookie, uri: /, want: {v1: 90, v2: 10}, mirror: {v2: 12.5}}\n"
    "  - {name: right, uri: /api, want: {v2: 100}, rule: api, route: api}\n"
    "  - {name: wrong-rule, uri: /api/y, want: {v2: 100}, rule: shift}\n"
    "  - {name: port, uri: /api, port: 9080, want: {v2: 100}}\n";

/* The HTTPRoute evaluator fails on what first match would answer, on /apix under PathPrefix
 * /api, on a mirror of 12% where 1/8 is 12.5%, on a missing Set-Cookie and a wrong rule; it
 * refuses a request port, a stage without requests and a `route:` no VirtualService decides. */
Test(semantics, a_wrong_httproute_expectation_fails)
{
	char dir[64], path[128], *out = NULL;
	long checked, failed;

	cr_assert_eq(tmp_dir_new(dir, "semantics"), 0);
	snprintf(path, sizeof(path), "%s/wrong.yaml", dir);
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs(wrong_httproute, f);
	fclose(f);
	int status = route_eval(&out, true, path, &checked, &failed);
	cr_expect_eq(status, 1, "%s", out);
	cr_expect_eq(checked, 7, "%s", out);
	cr_expect_eq(failed, 6, "%s", out);
	static const char *const lines[] = {
	    "wrong.yaml: stage empty: no requests (a test gap)",
	    "wrong.yaml: stage shift: request right: `route:` is for istio, which the case does "
	    "not evaluate",
	    "wrong.yaml: stage shift (gateway-api): request first-match: expected {\"want\": "
	    "{\"v1\": 90, \"v2\": 10}}, got {\"want\": {\"v2\": 100}} (rule api)",
	    "wrong.yaml: stage shift (gateway-api): request apix: expected {\"want\": {\"v2\": "
	    "100}}, got {\"want\": {\"v1\": 90, \"v2\": 10}} (rule shift)",
	    "wrong.yaml: stage shift (gateway-api): request mirror: expected {\"mirror\": "
	    "{\"v2\": 12}}, got {\"mirror\": {\"v2\": 12.5}} (rule shift)",
	    "wrong.yaml: stage shift (gateway-api): request no-cookie: expected {\"setCookie\": "
	    "{}}, got {\"setCookie\": {\"v2\": \"c=v2\"}} (rule shift)",
	    "wrong.yaml: stage shift (gateway-api): request wrong-rule: expected {\"rule\": "
	    "\"shift\"}, got {\"rule\": \"api\"} (rule api)",
	    "wrong.yaml: stage shift (gateway-api): request port: could not evaluate: "
	    "Unsupported: the request names a port, and an HTTPRoute has no port match",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		cr_expect(strstr(out, lines[i]) != NULL, "missing: %s\n%s", lines[i], out);
	free(out);
	run_cmd(NULL, "rm -rf %s", dir);
}
