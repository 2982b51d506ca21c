/* load.c: read -> parse -> validate (schema, then semantics) -> model, for one file. */
#include "load.h"

#include "parse.h"
#include "source.h"
#include "validate.h"

struct rollout *
load_rollout(const char *path, struct schema *schema, struct arena *run, struct arena *scratch,
             struct diags *d)
{
	struct source src;
	struct node *doc;

	if (source_read(&src, path, scratch, d) < 0 ||
	    parse_document(&src, 0, scratch, d, &doc) < 0)
		return NULL;
	/* both run on a bad file, so one pass reports every error */
	int bad = schema_validate(schema, doc, d) < 0;
	bad |= validate_rollout(doc, d) < 0;
	return bad ? NULL : model_build(doc, src.path, run);
}
