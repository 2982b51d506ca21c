/* test_golden.c: each golden case (tests/golden.sh) as one Criterion test. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

struct golden_case {
	char name[256];
};

static void
cases_free(struct criterion_test_params *p)
{
	cr_free(p->params);
}

ParameterizedTestParameters(golden, case)
{
	struct dirent **ents;
	int n = scandir("testdata", &ents, NULL, alphasort);
	struct golden_case *v = cr_malloc(sizeof(*v) * (size_t)(n > 0 ? n : 1));
	size_t k = 0;

	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.')
			snprintf(v[k++].name, sizeof(v->name), "%s", ents[i]->d_name);
		free(ents[i]);
	}
	if (n > 0)
		free(ents);
	return cr_make_param_array(struct golden_case, v, k, cases_free);
}

ParameterizedTest(struct golden_case *c, golden, case)
{
	char *out = NULL;
	int status =
	    run_cmd(&out, "MESHROLL='%s' tests/golden.sh '%s' 2>&1", meshroll_bin(), c->name);

	cr_expect_eq(status, 0, "golden case %s differs:\n%s", c->name, out);
	free(out);
}

Test(golden, every_case_has_expectations)
{
	char **cases = golden_cases("");
	size_t n = 0;

	for (; cases[n]; n++) {
		char path[512];
		snprintf(path, sizeof(path), "testdata/%s", cases[n]);
		DIR *dir = opendir(path);
		cr_expect(dir != NULL, "golden/%s has no testdata/%s", cases[n], cases[n]);
		if (dir)
			closedir(dir);
		free(cases[n]);
	}
	free(cases);
	cr_expect_geq(n, 42, "only %zu golden cases", n);
}

/* git keeps no empty directory: a golden tree with one would differ in a fresh clone. */
Test(golden, no_empty_directories)
{
	char *out = NULL;

	run_cmd(&out, "find golden testdata -type d -empty");
	cr_expect_str_eq(out, "", "empty directories, which a clone would lack:\n%s", out);
	free(out);
}
