/* test_property.c: random valid rollouts, from tests/gen_rollouts.py with a fixed seed, lint
 * clean and render together; kubectl kustomize builds every stage of every one as `render
 * --stage` prints it, and every stage passes the Istio conformance checker. Rendered with
 * provider: gateway-api, each is refused with a located error or routes every probe request
 * as the VirtualService does. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

#define CONFORMANCE "../shared/conformance/validate.py"

/* The seed when $MESHROLL_PROPERTY_SEED does not name one. */
#define SEED 20250601ULL
/* Stage indexes: gen_rollouts.py writes at most 8 stages, the schema allows 101. */
#define SLOTS 101
/* How many stages kustomize also builds one at a time: the first ones of the first rollouts. */
#define ALONE 8

static unsigned long long
seed_of_run(void)
{
	const char *e = getenv("MESHROLL_PROPERTY_SEED");

	return e && *e ? strtoull(e, NULL, 0) : SEED;
}

/* $MESHROLL_PROPERTY_COUNT, else 300, fewer for a slow meshroll (sanitizers, valgrind). */
static int
count_of_run(void)
{
	const char *e = getenv("MESHROLL_PROPERTY_COUNT");
	int n = 300 / slowdown();

	if (e && atoi(e) > 0)
		return atoi(e);
	return n < 10 ? 10 : n;
}

/* What a failure says first: how to make the same rollouts again, and where they are. */
static char why[512];

static FILE *
open_in(const char *top, const char *name, const char *mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, name);
	f = fopen(path, mode);
	cr_assert(f, "%s: cannot open %s", why, path);
	return f;
}

/* The job lists of the run, from the generator's index.tsv (file, namespace, name, stage ids):
 *   stages      file, stage id and output of each `render --stage ID -o - FILE`;
 *   agg/<k>/    a kustomization with the (k+1)-th stage directory of every rollout that has
 *               one: one kubectl run builds the stage of hundreds of rollouts (one at a time,
 *               kubectl kustomize takes 0.1-0.3 s of CPU, minutes for a thousand stages);
 *               agg/<k>.jobs the stage directories, for a build of each when one fails;
 *   alone.jobs  the stage directories that kustomize also builds alone;
 *   pairs       what gen_rollouts.py compare compares.
 * Returns how many stages there are; *slots, how many agg/<k> there are. */
static int
write_jobs(const char *top, int count, int *slots)
{
	FILE *index = open_in(top, "in/index.tsv", "r"), *agg[SLOTS] = {0}, *fix[SLOTS] = {0};
	FILE *stages = open_in(top, "stages", "w"), *alone = open_in(top, "alone.jobs", "w");
	FILE *pairs = open_in(top, "pairs", "w");
	char line[2048], name[64];
	int n = 0, rollouts = 0;

	*slots = 0;
	cr_assert(run_cmd(NULL, "mkdir -p %s/agg %s/printed %s/alone", top, top, top) == 0);
	while (fgets(line, sizeof(line), index)) {
		char *save = NULL, *file = strtok_r(line, "\t\n", &save);
		char *ns = strtok_r(NULL, "\t\n", &save), *ro = strtok_r(NULL, "\t\n", &save);
		char *ids = strtok_r(NULL, "\t\n", &save), *base = strdup(file ? file : "");
		cr_assert(file && ns && ro && ids, "%s: index.tsv: bad line", why);
		base[strcspn(base, ".")] = '\0';
		rollouts++;
		int k = 0;
		for (char *id = strtok_r(ids, " ", &save); id;
		     id = strtok_r(NULL, " ", &save), k++) {
			cr_assert(k < SLOTS);
			if (!agg[k]) {
				snprintf(name, sizeof(name), "agg/%d", k);
				cr_assert(run_cmd(NULL, "mkdir -p %s/%s", top, name) == 0);
				strcat(name, "/kustomization.yaml");
				agg[k] = open_in(top, name, "w");
				fprintf(agg[k], "resources:\n");
				snprintf(name, sizeof(name), "agg/%d.jobs", k);
				fix[k] = open_in(top, name, "w");
				*slots = k + 1;
			}
			fprintf(stages, "in/%s %s printed/%s--%s.yaml\n", file, id, base, id);
			fprintf(agg[k], "- ../../tree/%s/%s/stages/%s\n", ns, ro, id);
			fprintf(fix[k], "tree/%s/%s/stages/%s %s %s\n", ns, ro, id, file, id);
			fprintf(pairs,
			        "%s stage %s (tree/%s/%s/stages/%s)\tagg/%d.yaml\tprinted/%s--%s."
			        "yaml\t%s/%s\n",
			        file, id, ns, ro, id, k, base, id, ns, ro);
			if (n < ALONE) {
				fprintf(alone, "tree/%s/%s/stages/%s alone/%s--%s.yaml %s %s\n", ns,
				        ro, id, base, id, file, id);
				fprintf(
				    pairs,
				    "%s stage %s (built alone)\talone/%s--%s.yaml\tprinted/%s--%s."
				    "yaml\n",
				    file, id, base, id, base, id);
			}
			n++;
		}
		free(base);
	}
	for (int k = 0; k < *slots; k++) {
		fclose(agg[k]);
		fclose(fix[k]);
	}
	fclose(index);
	fclose(stages);
	fclose(alone);
	fclose(pairs);
	cr_assert_eq(rollouts, count, "%s: index.tsv has %d rollouts", why, rollouts);
	return n;
}

/* kubectl kustomize of each agg/<k> into agg/<k>.yaml, three at once. When one fails, each of
 * its stages is built alone, to name the rollout files and stages that fail. */
static void
build_stages(const char *top, int slots)
{
	char *failed = NULL, *err = NULL, *alone = NULL;

	int status = run_cmd(&failed,
	                     "cd %s && seq 0 %d | xargs -P 3 -I@ sh -c 'kubectl kustomize agg/@ "
	                     "> agg/@.yaml 2> agg/@.err || echo @' 2>&1",
	                     top, slots - 1);
	cr_assert_eq(status, 0, "%s: xargs failed:\n%s", why, failed);
	if (failed[0]) {
		const char *k = strtok(failed, "\n");
		run_cmd(&err, "head -c 3000 %s/agg/%s.err", top, k);
		run_cmd(&alone,
		        "cd %s && xargs -P 4 -L 1 sh -c 'kubectl kustomize \"$0\" > /dev/null 2> "
		        "agg/$1-$2.err || { echo \"$1 stage $2: kubectl kustomize $0 failed:\"; "
		        "head -c 1000 agg/$1-$2.err; }' < agg/%s.jobs 2>&1",
		        top, k);
		cr_assert_fail("%s: kubectl kustomize of the stages at index %s of the rollouts "
		               "(agg/%s) failed:\n%s\neach built alone:\n%s",
		               why, k, k, err, alone);
	}
	free(failed);
}

/* The common start of a property run: the skips, a kept directory top, the why of a failure,
 * and the generated rollouts in top/in. */
static void
generate(char top[64], const char *label, unsigned long long seed, int count)
{
	char *out = NULL;

	if (access(CONFORMANCE, R_OK) != 0)
		test_skip(
		    "../shared/conformance is not beside the project; the property test did not run");
	if (!have_python_modules("yaml, jsonschema"))
		test_skip(
		    "python3 with yaml and jsonschema is missing; the property test did not run");
	cr_assert(tmp_dir_new(top, label) == 0);
	snprintf(why, sizeof(why),
	         "seed %llu, %d rollouts (MESHROLL_PROPERTY_SEED=%llu MESHROLL_PROPERTY_COUNT=%d "
	         "make the same; the files are kept in %s)",
	         seed, count, seed, count, top);
	int status =
	    run_cmd(&out, "python3 tests/gen_rollouts.py %llu %d %s/in 2>&1", seed, count, top);
	cr_assert_eq(status, 0, "%s: gen_rollouts.py failed:\n%s", why, out);
	free(out);
}

/* The property: for a few hundred random valid rollouts (seed $MESHROLL_PROPERTY_SEED, else
 * SEED), meshroll lint says nothing, one render writes them all, kubectl kustomize builds each
 * stage of each (stages/<id>) as `render --stage <id> -o -` prints it, compared as YAML data,
 * and the checker finds no error and no warning in any stage. A failure names the seed, the
 * rollout file and the stage, and keeps the files. */
Test(property, random_rollouts_build_as_rendered, .timeout = 900)
{
	char top[64], cwd[4096], *out = NULL;
	unsigned long long seed = seed_of_run();
	int count = count_of_run(), slots, status;

	if (!have_cmd("kubectl"))
		test_skip("kubectl is not installed; the property test did not run");
	cr_assert(getcwd(cwd, sizeof(cwd)));
	generate(top, "property", seed, count);
	status = run_cmd(&out, "cd %s && '%s' lint in/*.yaml 2>&1", top, meshroll_bin());
	cr_assert(status == 0 && !out[0], "%s: meshroll lint refuses a generated rollout:\n%s", why,
	          out);
	free(out);
	status = run_cmd(&out, "cd %s && '%s' render -o tree in 2>&1", top, meshroll_bin());
	cr_assert_eq(status, 0, "%s: render failed:\n%s", why, out);
	free(out);

	int n = write_jobs(top, count, &slots);
	cr_assert_gt(n, count, "%s: %d stages", why, n);
	run_cmd(&out, "cd %s && ls -d tree/*/*/stages/* | wc -l", top);
	cr_assert_eq(atoi(out), n, "%s: render wrote %d stage directories for %d stages", why,
	             atoi(out), n);
	free(out);

	/* every stage as render --stage prints it, ten to a shell, four shells at once */
	status = run_cmd(&out,
	                 "cd %s && xargs -P 4 -n 30 sh -c 'while [ $# -ge 3 ]; do \"$0\" render "
	                 "--stage \"$2\" -o - \"$1\" > \"$3\" 2> err.$$ || { echo \"$1 stage $2: "
	                 "render --stage $2 -o - failed:\"; cat err.$$; }; shift 3; done' '%s' "
	                 "< stages 2>&1",
	                 top, meshroll_bin());
	cr_assert(status == 0 && !out[0], "%s:\n%s", why, out);
	free(out);

	build_stages(top, slots);
	status = run_cmd(&out,
	                 "cd %s && xargs -P 4 -L 1 sh -c 'kubectl kustomize \"$0\" > \"$1\" 2>&1 "
	                 "|| { echo \"$2 stage $3: kubectl kustomize $0 failed:\"; cat \"$1\"; }' "
	                 "< alone.jobs",
	                 top);
	cr_assert(status == 0 && !out[0], "%s:\n%s", why, out);
	free(out);

	status = run_cmd(&out, "cd %s && python3 '%s/tests/gen_rollouts.py' compare pairs 2>&1",
	                 top, cwd);
	char done[64];
	snprintf(done, sizeof(done), "compared %d pairs, 0 differ\n", n + (n < ALONE ? n : ALONE));
	cr_assert(status == 0 && strstr(out, done),
	          "%s: kubectl kustomize and render --stage differ:\n%s", why, out);
	free(out);

	/* the checker has no schema for a v1 Service (split: service writes one a version): it
	 * skips those, and must skip nothing else */
	char *services = NULL, clean[96];
	run_cmd(&services, "cat %s/printed/*.yaml | grep -c '^kind: Service$'", top);
	int nservices = atoi(services);
	free(services);
	snprintf(clean, sizeof(clean), " 0 invalid, %d skipped; 0 errors, 0 warnings", nservices);
	status = run_cmd(&out, "python3 " CONFORMANCE " --semantic %s/printed 2>&1", top);
	cr_assert(status == 0 && strstr(out, clean),
	          "%s: validate.py finds problems in the stages (printed/<file>--<stage>.yaml), "
	          "or skips more than their %d Services:\n%s",
	          why, nservices, out);
	free(out);
	run_cmd(NULL, "rm -rf %s", top);
}

/* The property of provider: gateway-api: each random rollout, without what Gateway API cannot
 * say (route_eval.py's translatable()), is refused with a located error (precedence, names) or
 * its HTTPRoute routes every request made from the rollout's own matches (paths at and across
 * their edges, header and query values, methods, the sticky cookie) to the versions, weights,
 * mirrors and Set-Cookie of the VirtualService rendered from the same file, stage by stage;
 * and every HTTPRoute passes the conformance checker. */
Test(property, random_rollouts_route_alike_as_httproutes, .timeout = 900)
{
	char top[64], *out = NULL, clean[96];
	unsigned long long seed = seed_of_run();
	int count = count_of_run(), status;

	generate(top, "property-gw", seed, count);
	status =
	    run_cmd(&out, "python3 tests/route_eval.py --compare '%s' %s/docs %s/in/r*.yaml 2>&1",
	            meshroll_bin(), top, top);
	int rollouts = 0, rendered = 0, refused = 0, requests = 0, differ = -1;
	const char *summary = strstr(out, "route_eval --compare: ");
	cr_assert(summary &&
	              sscanf(summary,
	                     "route_eval --compare: %d rollouts, %d rendered for gateway-api, %d "
	                     "refused; %d requests compared, %d differ",
	                     &rollouts, &rendered, &refused, &requests, &differ) == 5,
	          "%s: route_eval.py --compare printed no summary:\n%s", why, out);
	cr_assert(status == 0 && differ == 0,
	          "%s: the HTTPRoute and the VirtualService differ:\n%s", why, out);
	/* not vacuous: a good share is rendered, with several requests each */
	cr_assert(rendered >= count / 4 && requests >= 5 * rendered,
	          "%s: only %d of %d rollouts rendered for gateway-api, %d requests:\n%s", why,
	          rendered, count, requests, out);
	free(out);
	char *services = NULL;
	run_cmd(&services, "cat %s/docs/*.yaml | grep -c '^kind: Service$'", top);
	snprintf(clean, sizeof(clean), " 0 invalid, %d skipped; 0 errors, 0 warnings",
	         atoi(services));
	free(services);
	status = run_cmd(&out, "python3 " CONFORMANCE " --semantic %s/docs 2>&1", top);
	cr_assert(
	    status == 0 && strstr(out, clean),
	    "%s: validate.py finds problems in the HTTPRoutes (docs/<file>--<stage>.yaml):\n%s",
	    why, out);
	free(out);
	run_cmd(NULL, "rm -rf %s", top);
}
