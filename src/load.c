/* load.c: read -> parse -> validate (schema, then semantics) -> model, for one file. */
#include "load.h"

#include <string.h>

#include "analysis.h"
#include "gateway.h"
#include "parse.h"
#include "schema.h"
#include "source.h"
#include "validate.h"

/* Whether s is "Rollout", or close to it (case, a typo). */
static int
kind_is_close(const char *s)
{
	static const char *const rollout[] = {"Rollout"};

	return schema_suggest(s, rollout, 1) != NULL;
}

/* Whether the API group of apiVersion s ("group/version") is meshroll.dev, or close to it. */
static int
group_is_close(const char *s)
{
	static const char *const group[] = {"meshroll.dev"};
	const char *slash = strchr(s, '/');
	char buf[256];

	if (!slash || (size_t)(slash - s) >= sizeof(buf))
		return 0;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	return schema_suggest(buf, group, 1) != NULL;
}

/* A file of another kind gets one error, not one for each field a Rollout would need. */
static int
load_check_kind(const struct node *doc, struct diags *d)
{
	const struct node *kind = node_get(doc, "kind"), *api = node_get(doc, "apiVersion");

	if (node_is_str(api) && strncmp(api->str, "argoproj.io/", 12) == 0)
		return node_error(
		    d, api,
		    "apiVersion: '%s' makes this an Argo Rollouts object, not a "
		    "meshroll Rollout (apiVersion meshroll.dev/v1alpha1, kind Rollout)",
		    api->str);

	if (node_is_str(kind) && strcmp(kind->str, "Rollout") != 0 && kind_is_close(kind->str))
		return node_error(d, kind, "kind: '%s' is not 'Rollout'; did you mean 'Rollout'?",
		                  kind->str);
	if (node_is_str(kind) && strcmp(kind->str, "Rollout") != 0)
		return node_error(d, kind,
		                  "kind: '%s' is not a meshroll Rollout (apiVersion "
		                  "meshroll.dev/v1alpha1, kind Rollout)",
		                  kind->str);
	return 0;
}

/* Whether a file found in a directory is meant as a Rollout, and so checked as one (a typo
 * must not make a directory run skip it, and so prune its tree): its apiVersion's group is
 * meshroll.dev or close to it; or its kind is Rollout or close to it, and its apiVersion
 * names no other API group (argoproj.io's Rollout is not meshroll's). A file that does not
 * parse is meant when it names meshroll's API group. */
static int
load_is_rollout(const struct source *src, const struct node *doc)
{
	const struct node *api = node_get(doc, "apiVersion"), *kind = node_get(doc, "kind");

	if (!doc)
		return memmem(src->data, src->len, "meshroll.dev/", 13) != NULL;
	if (node_is_str(api) && group_is_close(api->str))
		return 1;
	int other_group = node_is_str(api) && strchr(api->str, '/');
	return node_is_str(kind) && kind_is_close(kind->str) && !other_group;
}

/* The checks of a parsed document: its kind, the schema, then the semantic rules (both run,
 * so one pass reports every error). */
int
load_check(const struct node *doc, struct schema *schema, struct diags *d)
{
	if (load_check_kind(doc, d) < 0)
		return -1;
	int bad = schema_validate(schema, doc, d) < 0;
	bad |= validate_rollout(doc, d) < 0;
	if (!bad) { /* they build the model: only of a rollout that passed the rest */
		bad = validate_gateway_plan(doc, d) < 0;
		analysis_check(doc, d);
	}
	return bad ? -1 : 0;
}

struct node *
load_bytes(struct source *src, struct schema *schema, struct arena *scratch, struct diags *d)
{
	struct node *doc;

	if (source_check(src, scratch, d) < 0 || parse_document(src, 0, scratch, d, &doc) < 0 ||
	    load_check(doc, schema, d) < 0)
		return NULL;
	return doc;
}

struct node *
load_tree(const char *path, struct schema *schema, struct arena *scratch, struct diags *d,
          struct source *src)
{
	struct node *doc;

	if (source_read(src, path, scratch, d) < 0 ||
	    parse_document(src, 0, scratch, d, &doc) < 0 || load_check(doc, schema, d) < 0)
		return NULL;
	return doc;
}

struct rollout *
load_rollout(const char *path, unsigned flags, struct schema *schema, struct arena *run,
             struct arena *scratch, struct diags *d, int *skipped)
{
	struct source src;
	struct node *doc = NULL;
	size_t mark = d->n;
	int io = d->io_errors;

	*skipped = 0;
	int r = source_read(&src, path, scratch, d);
	if (d->io_errors > io)
		return NULL;
	if (r == 0)
		parse_document(&src, 0, scratch, d, &doc);
	if ((flags & LOAD_SKIP_FOREIGN) && !load_is_rollout(&src, doc)) {
		diags_rewind(d, mark);
		*skipped = 1;
		return NULL;
	}
	if (!doc || load_check(doc, schema, d) < 0)
		return NULL; /* the read, the parse or the checks said why */
	return model_build(doc, src.path, run);
}
