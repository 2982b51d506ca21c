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

struct rollout *
load_rollout(const char *path, struct schema *schema, struct arena *run, struct arena *scratch,
             struct diags *d)
{
	struct source src;
	struct node *doc;

	if (source_read(&src, path, scratch, d) < 0 ||
	    parse_document(&src, 0, scratch, d, &doc) < 0 || load_check_kind(doc, d) < 0)
		return NULL;
	/* both run on a bad file, so one pass reports every error */
	int bad = schema_validate(schema, doc, d) < 0;
	bad |= validate_rollout(doc, d) < 0;
	return bad ? NULL : model_build(doc, src.path, run);
}
