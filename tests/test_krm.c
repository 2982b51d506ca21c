/* test_krm.c: meshroll fn (the ResourceList protocol), and meshroll inside kpt and kustomize. */
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
	cr_assert_eq(tmp_dir_new(dir, "krm"), 0);
}

static void
teardown(void)
{
	run_cmd(NULL, "rm -rf %s", dir);
}

TestSuite(krm, .init = setup, .fini = teardown);

/* dir/fn.sh, the wrapper kpt runs (exec functions take no arguments), and dir/pkg. */
static void
kpt_setup(void)
{
	if (!have_cmd("kpt"))
		test_skip("kpt is not installed; the kpt tests did not run");
	cr_assert_eq(run_cmd(NULL,
	                     "cd %s && printf '#!/bin/sh\\nexec %s fn\\n' > fn.sh && "
	                     "chmod +x fn.sh && mkdir pkg",
	                     dir, meshroll_bin()),
	             0);
}

static void
put(const char *name, const char *text)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs(text, f);
	fclose(f);
}

/* The example rollout as a functionConfig, indented under the key. */
static char *
config_block(void)
{
	char *out = NULL;

	run_cmd(&out, "sed 's/^/  /' testdata/ok-example/rollout.yaml");
	return out;
}

static const char items_with_comments[] =
    "items:\n"
    "- # the first item, with comments\n"
    "  apiVersion: v1\n"
    "  kind: ConfigMap   # a ConfigMap\n"
    "  metadata:\n"
    "    name: settings\n"
    "  data:\n"
    "    flag: \"on\"     # stays quoted\n"
    "    text: |\n"
    "      two\n"
    "        lines\n"
    "# between the items\n"
    "- {apiVersion: v1, kind: Service, metadata: {name: web}}\n";

static int
fn(const char *input, char **out, char **err)
{
	char cmd[512];

	put("in.yaml", input);
	snprintf(cmd, sizeof(cmd), "'%s' fn < %s/in.yaml 2>%s/err", meshroll_bin(), dir, dir);
	int status = run_cmd(out, "%s", cmd);
	if (err) {
		char path[128];
		snprintf(path, sizeof(path), "%s/err", dir);
		*err = slurp(path, NULL);
	}
	return status;
}

static char *
resource_list(const char *api, const char *items, const char *config)
{
	char *s = malloc(strlen(items) + strlen(config) + 128);

	sprintf(s, "apiVersion: %s\nkind: ResourceList\n%sfunctionConfig:\n%s", api, items, config);
	return s;
}

Test(krm, items_pass_through_byte_for_byte)
{
	char *config = config_block(),
	     *in = resource_list("config.kubernetes.io/v1", items_with_comments, config);
	char *out = NULL;

	cr_assert_eq(fn(in, &out, NULL), 0);
	/* the block item, comments and all, as it came */
	const char *first = strstr(items_with_comments, "- # the first");
	size_t len = (size_t)(strstr(items_with_comments, "- {apiVersion") - first);
	cr_expect(strstr(out, "items:\n") && !strncmp(strstr(out, "items:\n") + 7, first, len),
	          "the first item changed:\n%s", out);
	cr_expect(strstr(out, "- {apiVersion: v1, kind: Service, metadata: {name: web}}\n"), "%s",
	          out);
	cr_expect(strstr(out, "kind: VirtualService") && strstr(out, "weight: 90"), "%s", out);
	cr_expect(
	    strstr(
	        out,
	        "internal.config.kubernetes.io/path: meshroll/default/example-service/virtualservice.yaml"),
	    "%s", out);
	cr_expect(!strncmp(out, "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n", 55),
	          "%s", out);
	char *a = canon_libfyaml(out, strlen(out));
	cr_expect(a != NULL, "the output does not parse:\n%s", out);
	free(a);
	free(out);
	free(in);
	free(config);
}

/* Running the function on its own output changes nothing: its objects replace themselves. */
Test(krm, running_twice_changes_nothing)
{
	char *config = config_block(),
	     *in = resource_list("config.kubernetes.io/v1beta1", items_with_comments, config);
	char *once = NULL, *twice = NULL, *again = NULL;

	cr_assert_eq(fn(in, &once, NULL), 0);
	cr_expect(!strncmp(once, "apiVersion: config.kubernetes.io/v1beta1\n", 41),
	          "the input's version: %s", once);
	/* feed it back with the functionConfig */
	char *second = malloc(strlen(once) + strlen(config) + 32);
	sprintf(second, "%sfunctionConfig:\n%s", once, config);
	cr_assert_eq(fn(second, &twice, NULL), 0);
	cr_expect_str_eq(twice, once);
	sprintf(second, "%sfunctionConfig:\n%s", twice, config);
	cr_assert_eq(fn(second, &again, NULL), 0);
	cr_expect_str_eq(again, once);
	size_t count = 0;
	for (const char *p = once; (p = strstr(p, "kind: VirtualService")); p++)
		count++;
	cr_expect_eq(count, 1);
	free(once);
	free(twice);
	free(again);
	free(second);
	free(in);
	free(config);
}

Test(krm, empty_and_absent_items)
{
	char *config = config_block(), *out = NULL;
	char *a = resource_list("config.kubernetes.io/v1", "items: []\n", config);
	char *b = resource_list("config.kubernetes.io/v1", "", config);

	cr_assert_eq(fn(a, &out, NULL), 0);
	cr_expect(strstr(out, "items:\n- apiVersion: networking.istio.io/v1\n"), "%s", out);
	free(out);
	cr_assert_eq(fn(b, &out, NULL), 0);
	cr_expect(strstr(out, "kind: PeerAuthentication"), "%s", out);
	free(out);
	free(a);
	free(b);
	free(config);
}

Test(krm, a_config_that_is_not_a_rollout)
{
	char *out = NULL, *err = NULL;
	char *in = resource_list(
	    "config.kubernetes.io/v1", items_with_comments,
	    "  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: cfg\n    annotations:\n"
	    "      config.kubernetes.io/path: fn-config.yaml\n");

	cr_expect_eq(fn(in, &out, &err), 1);
	cr_expect(strstr(out, "results:\n- message: \"'ConfigMap' is not a meshroll Rollout"), "%s",
	          out);
	cr_expect(strstr(out, "  field:\n    path: kind\n"), "%s", out);
	cr_expect(strstr(out, "severity: error") && strstr(out, "path: fn-config.yaml"), "%s", out);
	/* the items stay; no object is added */
	cr_expect(strstr(out, "- # the first item") && !strstr(out, "VirtualService"), "%s", out);
	cr_expect(strstr(err, "error:"), "%s", err);
	free(out);
	free(err);
	free(in);
}

Test(krm, errors_and_warnings_become_results)
{
	char *out = NULL, *cfg = NULL;

	run_cmd(&cfg, "sed 's/^/  /; s/stages: \\[0, 10, 25, 50, 100\\]/stages: [0, 10, 250]/' "
	              "testdata/ok-example/rollout.yaml");
	char *in = resource_list("config.kubernetes.io/v1", "items: []\n", cfg);
	cr_expect_eq(fn(in, &out, NULL), 1);
	cr_expect(strstr(out,
	                 "- message: \"250 is greater than the maximum 100\"\n  severity: error\n"
	                 "  field:\n    path: \"spec.stages[2]\"\n"),
	          "%s", out);
	free(out);
	free(in);
	free(cfg);
	run_cmd(
	    &cfg,
	    "sed 's/^/  /; s/consecutive5xxErrors/consecutiveErrors/' testdata/ok-example/rollout.yaml");
	in = resource_list("config.kubernetes.io/v1", "items: []\n", cfg);
	cr_expect_eq(fn(in, &out, NULL), 0);
	cr_expect(strstr(out, "severity: warning") && strstr(out, "kind: DestinationRule") &&
	              strstr(out, "consecutive5xxErrors: 5"),
	          "%s", out);
	free(out);
	free(in);
	free(cfg);
}

Test(krm, bad_input_on_stdin)
{
	char *out = NULL, *err = NULL;

	cr_expect_eq(fn("apiVersion: v1\nkind: ResourceList\nitems: [\n", &out, &err), 1);
	cr_expect(strstr(err, "<stdin>:4:1: error: invalid yaml"), "%s", err);
	free(out);
	free(err);
	cr_expect_eq(fn("apiVersion: v1\nkind: List\nitems: []\n", &out, &err), 1);
	cr_expect(strstr(err, "not a KRM ResourceList"), "%s", err);
	free(out);
	free(err);
	cr_expect_eq(
	    fn("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n", &out, &err),
	    1);
	cr_expect(strstr(out, "has no functionConfig"), "%s", out);
	free(out);
	free(err);
}

/* PyYAML's reading of the items of a ResourceList, an independent check of the output: one
 * JSON line per item, keys sorted, a local tag !t as {"!t": value}, !!binary as b'...'.
 * Returns PyYAML's exit status; its stdout and stderr go to *out. */
static int
pyyaml_items(const char *text, char **out)
{
	static const char script[] =
	    "import json, sys, yaml\n"
	    "class Loader(yaml.SafeLoader): pass\n"
	    "def tagged(loader, suffix, n):\n"
	    "    if isinstance(n, yaml.ScalarNode): v = loader.construct_scalar(n)\n"
	    "    elif isinstance(n, yaml.SequenceNode): v = loader.construct_sequence(n, True)\n"
	    "    else: v = loader.construct_mapping(n, True)\n"
	    "    return {'!' + suffix: v}\n"
	    "Loader.add_multi_constructor('!', tagged)\n"
	    "for item in yaml.load(open(sys.argv[1]), Loader)['items']:\n"
	    "    print(json.dumps(item, sort_keys=True, default=repr))\n";

	if (run_cmd(NULL, "python3 -c 'import yaml' 2>/dev/null") != 0)
		test_skip("python3 with yaml is missing; fn's output was not read back");
	put("items.py", script);
	put("out.yaml", text);
	return run_cmd(out, "python3 %s/items.py %s/out.yaml 2>&1", dir, dir);
}

static size_t
count(const char *s, const char *what)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, what)); p++)
		n++;
	return n;
}

/* An object's identity holds its namespace: the rollout's DestinationRule replaces the copy
 * in its namespace, not a namesake in another one. */
Test(krm, a_namesake_in_another_namespace_is_kept)
{
	static const char items[] = "items:\n"
	                            "- apiVersion: networking.istio.io/v1\n"
	                            "  kind: DestinationRule\n"
	                            "  metadata:\n"
	                            "    name: example-service\n"
	                            "    namespace: other\n"
	                            "  spec:\n"
	                            "    host: other-copy\n"
	                            "- apiVersion: networking.istio.io/v1\n"
	                            "  kind: DestinationRule\n"
	                            "  metadata:\n"
	                            "    name: example-service\n"
	                            "    namespace: default\n"
	                            "  spec:\n"
	                            "    host: old-copy\n";
	char *config = config_block(),
	     *in = resource_list("config.kubernetes.io/v1", items, config);
	char *out = NULL;

	cr_assert_eq(fn(in, &out, NULL), 0);
	cr_expect(strstr(out, "items:\n- apiVersion: networking.istio.io/v1\n  kind: "
	                      "DestinationRule\n  metadata:\n    name: example-service\n"
	                      "    namespace: other\n  spec:\n    host: other-copy\n"),
	          "the namesake in namespace other is gone:\n%s", out);
	cr_expect(!strstr(out, "old-copy"), "the old copy stays:\n%s", out);
	cr_expect_eq(count(out, "kind: DestinationRule"), 2, "%s", out);
	free(out);
	free(in);
	free(config);
}

/* Items with tags meshroll does not read are someone else's: they pass through as their
 * bytes, tags and all. */
static const char tagged_items[] = "items:\n"
                                   "- apiVersion: v1\n"
                                   "  kind: Secret\n"
                                   "  metadata:\n"
                                   "    name: s\n"
                                   "  data:\n"
                                   "    key: !!binary aGVsbG8=   # hello\n"
                                   "- apiVersion: v1\n"
                                   "  kind: ConfigMap\n"
                                   "  metadata:\n"
                                   "    name: c\n"
                                   "  data: !custom\n"
                                   "    x: y\n"
                                   "- {apiVersion: v1, kind: ConfigMap, metadata: {name: f}, "
                                   "data: {n: !num 1}}\n";

Test(krm, items_with_tags_pass_through_as_bytes)
{
	char *config = config_block(),
	     *in = resource_list("config.kubernetes.io/v1", tagged_items, config);
	char *out = NULL, *read = NULL;

	cr_assert_eq(fn(in, &out, NULL), 0, "%s", out);
	cr_expect(strstr(out, tagged_items), "the items changed:\n%s", out);
	cr_expect(strstr(out, "kind: VirtualService"), "%s", out);
	cr_assert_eq(pyyaml_items(out, &read), 0, "%s\n%s", read, out);
	cr_expect(strstr(read, "{\"apiVersion\": \"v1\", \"data\": {\"key\": \"b'hello'\"}, "
	                       "\"kind\": \"Secret\", \"metadata\": {\"name\": \"s\"}}\n"),
	          "%s", read);
	cr_expect(strstr(read, "{\"apiVersion\": \"v1\", \"data\": {\"!custom\": {\"x\": \"y\"}}, "
	                       "\"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"c\"}}\n"),
	          "%s", read);
	cr_expect(strstr(read, "\"data\": {\"n\": {\"!num\": \"1\"}}"), "%s", read);
	free(read);
	free(out);
	free(in);
	/* in a flow list, an item is written as a block list item of its bytes */
	in = resource_list("config.kubernetes.io/v1",
	                   "items: [{apiVersion: v1, kind: Secret, metadata: {name: s},\n"
	                   "  data: {key: !!binary aGVsbG8=}}]\n",
	                   config);
	cr_assert_eq(fn(in, &out, NULL), 0, "%s", out);
	cr_expect(strstr(out, "items:\n- {apiVersion: v1, kind: Secret, metadata: {name: s},\n"
	                      "    data: {key: !!binary aGVsbG8=}}\n"),
	          "%s", out);
	cr_assert_eq(pyyaml_items(out, &read), 0, "%s\n%s", read, out);
	cr_expect(strstr(read, "\"data\": {\"key\": \"b'hello'\"}"), "%s", read);
	free(read);
	free(out);
	free(in);
	free(config);
}

/* The functionConfig is meshroll's to read: a tag there stays an error, located, and so is
 * one in the ResourceList's own fields. */
Test(krm, a_tag_outside_the_items_is_an_error)
{
	char *out = NULL, *err = NULL, *cfg = NULL;

	run_cmd(&cfg,
	        "sed 's/^/  /; s/stable: v1/stable: !custom v1/' testdata/ok-example/rollout.yaml");
	char *in = resource_list("config.kubernetes.io/v1", tagged_items, cfg);
	cr_expect_eq(fn(in, &out, &err), 1);
	cr_expect(strstr(err, "<stdin>:25:13: error: unsupported tag '!custom'\n"), "%s", err);
	cr_expect_eq(count(err, "error:"), 1, "only the config's tag is an error:\n%s", err);
	free(out);
	free(err);
	free(in);
	cr_expect_eq(fn("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"
	                "items: !!seq []\nresults: !list []\n",
	                &out, &err),
	             1);
	cr_expect(strstr(err, "<stdin>:4:10: error: unsupported tag '!list'\n"), "%s", err);
	free(out);
	free(err);
	free(cfg);
}

/* The old copy of the rollout's DestinationRule, which fn replaces, with an anchor. */
#define REPLACED_WITH_ANCHOR                                                                       \
	"- apiVersion: networking.istio.io/v1\n"                                                   \
	"  kind: DestinationRule\n"                                                                \
	"  metadata: &meta\n"                                                                      \
	"    name: example-service\n"                                                              \
	"    namespace: default\n"

/* An item that uses an anchor the output leaves out (in an item meshroll replaces, or outside
 * the items) is written anew with its aliases expanded, and so is one that uses an anchor of
 * such an item; an item whose anchors are all written back stays as its bytes. */
Test(krm, aliases_to_what_is_left_out_are_expanded)
{
	static const char items[] = "items:\n" REPLACED_WITH_ANCHOR "  spec:\n"
	                            "    host: old-copy\n"
	                            "- apiVersion: v1\n"
	                            "  kind: ConfigMap\n"
	                            "  metadata:\n"
	                            "    name: b\n"
	                            "    labels: &labels\n"
	                            "      app: shop\n"
	                            "  data: *meta\n"
	                            "- apiVersion: v1\n"
	                            "  kind: ConfigMap\n"
	                            "  metadata:\n"
	                            "    name: c\n"
	                            "    labels: *labels\n";
	static const char kept[] =
	    "- apiVersion: v1\n"
	    "  kind: ConfigMap\n"
	    "  metadata:\n"
	    "    name: d\n"
	    "    labels: &tier {tier: web}\n"
	    "- {apiVersion: v1, kind: ConfigMap, metadata: {name: e, labels: "
	    "*tier}}\n";
	char *config = config_block(), *list = malloc(sizeof(items) + sizeof(kept));
	char *out = NULL, *read = NULL;

	sprintf(list, "%s%s", items, kept);
	char *in = resource_list("config.kubernetes.io/v1", list, config);
	cr_assert_eq(fn(in, &out, NULL), 0, "%s", out);
	cr_assert_eq(pyyaml_items(out, &read), 0, "%s\n%s", read, out);
	cr_expect(strstr(read,
	                 "{\"apiVersion\": \"v1\", \"data\": {\"name\": \"example-service\", "
	                 "\"namespace\": \"default\"}, \"kind\": \"ConfigMap\", \"metadata\": "
	                 "{\"labels\": {\"app\": \"shop\"}, \"name\": \"b\"}}\n"),
	          "%s", read);
	cr_expect(strstr(read, "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": "
	                       "{\"labels\": {\"app\": \"shop\"}, \"name\": \"c\"}}\n"),
	          "%s", read);
	cr_expect(
	    strstr(read, "\"metadata\": {\"labels\": {\"tier\": \"web\"}, \"name\": \"e\"}}\n"),
	    "%s", read);
	cr_expect(strstr(out, kept), "the items whose anchors are kept changed:\n%s", out);
	cr_expect(!strstr(out, "old-copy") && count(out, "kind: DestinationRule") == 1, "%s", out);
	free(read);
	free(out);
	free(in);
	/* an anchor in the functionConfig, before the items */
	in = malloc(strlen(config) + 256);
	sprintf(in,
	        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig: "
	        "&rollout\n%sitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: r}, "
	        "data: {name: *rollout}}\n",
	        config);
	cr_assert_eq(fn(in, &out, NULL), 0, "%s", out);
	cr_assert_eq(pyyaml_items(out, &read), 0, "%s\n%s", read, out);
	cr_expect(
	    strstr(read, "\"metadata\": {\"name\": \"r\"}") &&
	        strstr(read, "\"data\": {\"name\": {\"apiVersion\": \"meshroll.dev/v1alpha1\""),
	    "%s", read);
	free(read);
	free(out);
	free(in);
	free(list);
	free(config);
}

/* An item that is an alias of another is a copy of it, written once. */
Test(krm, an_item_that_is_an_alias)
{
	static const char items[] = "items:\n"
	                            "- &cm\n"
	                            "  apiVersion: v1\n"
	                            "  kind: ConfigMap\n"
	                            "  metadata:\n"
	                            "    name: c\n"
	                            "- *cm\n"
	                            "- apiVersion: v1\n"
	                            "  kind: ConfigMap\n"
	                            "  metadata:\n"
	                            "    name: d\n";
	char *config = config_block(),
	     *in = resource_list("config.kubernetes.io/v1", items, config);
	char *out = NULL, *read = NULL;

	cr_assert_eq(fn(in, &out, NULL), 0, "%s", out);
	cr_assert_eq(pyyaml_items(out, &read), 0, "%s\n%s", read, out);
	cr_expect_eq(count(read, "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": "
	                         "{\"name\": \"c\"}}\n"),
	             2, "%s", read);
	cr_expect_eq(count(read, "\"name\": \"d\""), 1, "%s", read);
	cr_expect_eq(count(read, "\n"), 6, "three items and three objects:\n%s", read);
	free(read);
	free(out);
	free(in);
	free(config);
}

/* Written anew, an item would lose its tags: that is an error, as a result. */
Test(krm, an_item_to_write_anew_with_a_tag_is_an_error)
{
	static const char items[] = "items:\n" REPLACED_WITH_ANCHOR "- apiVersion: v1\n"
	                            "  kind: Secret\n"
	                            "  metadata:\n"
	                            "    name: s\n"
	                            "    labels: *meta\n"
	                            "  data:\n"
	                            "    key: !!binary aGVsbG8=\n";
	char *config = config_block(),
	     *in = resource_list("config.kubernetes.io/v1", items, config);
	char *out = NULL, *err = NULL, *read = NULL;

	cr_expect_eq(fn(in, &out, &err), 1);
	cr_expect(strstr(err, "<stdin>:15:10: error: items[1]"), "%s", err);
	cr_expect(strstr(out, "results:\n- message: \"items[1]") && strstr(out, "severity: error"),
	          "%s", out);
	cr_expect(!strstr(out, "VirtualService"), "%s", out);
	cr_expect_eq(pyyaml_items(out, &read), 0, "%s\n%s", read, out);
	free(read);
	free(out);
	free(err);
	free(in);
	free(config);
}

/* kpt runs meshroll fn through an exec wrapper: the same objects as render -o -, and the
 * package's other items pass through. */
Test(krm, kpt_fn_eval)
{
	char *got = NULL, *want = NULL;

	kpt_setup();
	put("pkg/cm.yaml", "# mine\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n");
	run_cmd(NULL, "cp testdata/ok-full/rollout.yaml %s/rollout.yaml", dir);
	int status = run_cmd(
	    &got,
	    "cd %s && kpt fn eval pkg --exec ./fn.sh --fn-config rollout.yaml -o unwrap 2>/dev/null",
	    dir);
	cr_assert_eq(status, 0);
	run_cmd(
	    &want,
	    "'%s' render -o - %s/rollout.yaml && printf -- '---\\napiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: c\\n'",
	    meshroll_bin(), dir);
	char *a = canon_libfyaml(got, strlen(got)), *b = canon_libfyaml(want, strlen(want));
	cr_assert(a && b);
	cr_expect_str_eq(a, b, "kpt gave:\n%s", got);
	cr_expect(strstr(got, "# mine"), "the ConfigMap lost its comment:\n%s", got);
	free(a);
	free(b);
	free(got);
	free(want);
}

/* kpt hands fn a package's files with their tags; a Secret's !!binary is not meshroll's
 * business, and kpt writes it back as it was. */
Test(krm, kpt_keeps_a_tagged_file)
{
	char *out = NULL;

	kpt_setup();
	put("pkg/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n"
	                       "  key: !!binary aGVsbG8=\n");
	run_cmd(NULL, "cp testdata/ok-example/rollout.yaml %s/rollout.yaml", dir);
	cr_assert_eq(
	    run_cmd(&out, "cd %s && kpt fn eval pkg --exec ./fn.sh --fn-config rollout.yaml 2>&1",
	            dir),
	    0, "%s", out);
	free(out);
	run_cmd(&out, "cat %s/pkg/secret.yaml", dir);
	cr_expect(strstr(out, "  key: !!binary aGVsbG8=\n"), "%s", out);
	free(out);
	cr_expect_eq(run_cmd(NULL,
	                     "test -f %s/pkg/meshroll/default/example-service/virtualservice.yaml",
	                     dir),
	             0);
}

Test(krm, kpt_fn_render_twice_is_stable)
{
	char *out = NULL;

	kpt_setup();
	cr_assert_eq(
	    run_cmd(
	        NULL,
	        "cd %s && sed 's/^  namespace: default/  namespace: default\\n  annotations:\\n    config.kubernetes.io\\/local-config: \"true\"/' "
	        "$OLDPWD/testdata/ok-example/rollout.yaml > pkg/rollout.yaml && "
	        "printf 'apiVersion: kpt.dev/v1\\nkind: Kptfile\\nmetadata:\\n  name: pkg\\npipeline:\\n  mutators:\\n  - exec: %s/fn.sh\\n    configPath: rollout.yaml\\n' > pkg/Kptfile",
	        dir, dir),
	    0);
	cr_assert_eq(run_cmd(&out, "cd %s && kpt fn render pkg --allow-exec 2>&1", dir), 0, "%s",
	             out);
	free(out);
	cr_assert_eq(run_cmd(NULL, "cd %s && cp -a pkg first", dir), 0);
	cr_assert_eq(run_cmd(&out, "cd %s && kpt fn render pkg --allow-exec 2>&1", dir), 0, "%s",
	             out);
	free(out);
	cr_expect_eq(run_cmd(&out, "cd %s && diff -r first pkg", dir), 0,
	             "the second render changed:\n%s", out);
	free(out);
	run_cmd(&out, "cd %s/pkg && grep -rh '^kind:' . | sort | uniq -c | sed 's/^ *//'", dir);
	cr_expect_str_eq(out,
	                 "1 kind: DestinationRule\n1 kind: Kptfile\n1 kind: PeerAuthentication\n"
	                 "1 kind: Rollout\n1 kind: VirtualService\n");
	free(out);
}

Test(krm, kpt_fails_on_a_bad_config_and_names_the_field)
{
	char *out = NULL;

	kpt_setup();
	run_cmd(NULL,
	        "sed 's/stages: \\[0, 10, 25, 50, 100\\]/stages: [0, 10, 250]/' "
	        "testdata/ok-example/rollout.yaml > %s/bad.yaml",
	        dir);
	int status =
	    run_cmd(&out, "cd %s && kpt fn eval pkg --exec ./fn.sh --fn-config bad.yaml 2>&1", dir);
	cr_expect_neq(status, 0, "%s", out);
	cr_expect(strstr(out, "[error] spec.stages[2]: 250 is greater than the maximum 100"), "%s",
	          out);
	cr_expect_eq(run_cmd(NULL, "test -d %s/pkg/meshroll", dir), 1, "kpt wrote objects");
	free(out);
}

/* make install-kustomize-plugin, then kubectl kustomize --enable-alpha-plugins. */
/* The cases whose active stage kustomize's plugin and kpt build: the full one, and each of
 * the stage kinds, of split: service and of provider: gateway-api; NULL-terminated,
 * malloc'd. */
static char **
plugin_cases(void)
{
	char **groups[] = {golden_cases("ok-stage-"), golden_cases("ok-split-service"),
	                   golden_cases("ok-gateway-")};
	size_t n = 1;

	for (size_t g = 0; g < 3; g++)
		for (size_t i = 0; groups[g][i]; i++)
			n++;
	char **all = calloc(n + 1, sizeof(*all));
	n = 0;
	all[n++] = strdup("ok-full");
	for (size_t g = 0; g < 3; g++) {
		for (size_t i = 0; groups[g][i]; i++)
			all[n++] = groups[g][i];
		free(groups[g]);
	}
	return all;
}

/* kubectl kustomize with meshroll as a generator gives the objects render -o - prints. */
Test(krm, kustomize_exec_plugin)
{
	char *out = NULL, **cases = plugin_cases();
	size_t built = 0;

	if (!have_cmd("kubectl"))
		test_skip("kubectl is not installed; the kustomize plugin test did not run");
	cr_assert_eq(
	    run_cmd(&out,
	            "make -s install-kustomize-plugin XDG_CONFIG_HOME=%s/xdg MESHROLL='%s' 2>&1",
	            dir, meshroll_bin()),
	    0, "%s", out);
	free(out);
	for (size_t i = 0; cases[i]; i++) {
		char *got = NULL, *want = NULL;
		cr_assert_eq(
		    run_cmd(
		        NULL,
		        "rm -rf %s/k && mkdir %s/k && cp testdata/%s/rollout.yaml %s/k/ && "
		        "printf 'apiVersion: kustomize.config.k8s.io/v1beta1\\nkind: "
		        "Kustomization\\ngenerators:\\n- rollout.yaml\\n' > %s/k/kustomization.yaml",
		        dir, dir, cases[i], dir, dir),
		    0);
		cr_assert_eq(
		    run_cmd(&got,
		            "XDG_CONFIG_HOME=%s/xdg kubectl kustomize --enable-alpha-plugins %s/k",
		            dir, dir),
		    0, "%s: %s", cases[i], got);
		run_cmd(&want, "'%s' render -o - %s/k/rollout.yaml 2>/dev/null", meshroll_bin(),
		        dir);
		char *a = canon_libfyaml(got, strlen(got)), *b = canon_libfyaml(want, strlen(want));
		cr_assert(a && b);
		cr_expect_str_eq(a, b, "%s: kustomize's plugin and render -o - differ", cases[i]);
		built++;
		free(a);
		free(b);
		free(got);
		free(want);
		free(cases[i]);
	}
	free(cases);
	cr_expect_geq(built, 8, "the stage kinds' cases are missing");
}
