/* load.c: read -> parse -> validate (schema, then semantics) -> model, for one file. */
#include "load.h"

#include <string.h>

#include "parse.h"
#include "source.h"
#include "validate.h"

/* A file of another kind gets one error, not one for each field a Rollout would need. */
static int
load_check_kind(const struct node *doc, struct diags *d)
{
	const struct node *kind = node_get(doc, "kind");

	if (node_is_str(kind) && strcmp(kind->str, "Rollout") != 0)
		return node_error(d, kind,
		                  "kind: '%s' is not a meshroll Rollout (apiVersion "
		                  "meshroll.dev/v1alpha1, kind Rollout)",
		                  kind->str);
	return 0;
}

/* Whether a file found in a directory is meant as a Rollout: it says so, or, when it does not
 * parse, it at least names meshroll's API group. */
static int
load_is_rollout(const struct source *src, const struct node *doc)
{
	const struct node *api = node_get(doc, "apiVersion"), *kind = node_get(doc, "kind");

	if (!doc)
		return memmem(src->data, src->len, "meshroll.dev/", 13) != NULL;
	return node_is_str(api) && !strncmp(api->str, "meshroll.dev/", 13) && node_is_str(kind) &&
	       !strcmp(kind->str, "Rollout");
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
