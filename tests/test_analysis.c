/* test_analysis.c: spec.analysis's alerts in Prometheus's own rule engine. tests/prom_rules.py
 * runs `promtool check rules` on the rule groups of every testdata/ok-* case, and `promtool
 * test rules` with series written as Istio reports them: a failing or slow canary fires, a
 * healthy one, a failing stable, no traffic and traffic under minRequestRate do not. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

Test(analysis, alerts_fire_in_promtool_as_the_rollout_asks)
{
	char *out = NULL;
	long files = -1, scenarios = -1, failed = -1;

	if (!have_cmd("promtool"))
		test_skip("promtool (Debian's prometheus) is missing; the alert tests did not run");
	if (!have_python_modules("yaml"))
		test_skip("python3 with yaml is missing; the alert tests did not run");
	int status = run_cmd(&out, "python3 tests/prom_rules.py %s 2>&1", meshroll_bin());
	const char *sum = out ? strstr(out, "prom_rules: ") : NULL;
	if (sum)
		sscanf(sum, "prom_rules: %ld rule files checked, %ld scenarios, %ld failed", &files,
		       &scenarios, &failed);
	cr_expect_eq(status, 0, "%s", out);
	cr_expect_eq(failed, 0, "%s", out);
	/* every analysis case renders its rule, and each runs its scenarios */
	cr_expect_geq(files, 5, "%s", out);
	cr_expect_geq(scenarios, 40, "%s", out);
	free(out);
}
