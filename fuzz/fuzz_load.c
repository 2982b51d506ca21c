/* fuzz_load.c: arbitrary bytes through read, parse, validate, model and render. Whatever the
 * input, this must not crash, hang or leak; a valid rollout must render. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "load.h"
#include "parse.h"
#include "render.h"
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct arena keep;
static struct schema schema;
static struct templates templates;

static void
init(void)
{
	struct diags d;

	arena_init(&keep);
	diags_init(&d, &keep);
	if (schema_load(&schema, &d) < 0 || templates_load(&templates, NULL, &keep, &d) < 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct arena a;
	struct diags d;
	struct source src;

	if (!ready++)
		init();
	arena_init(&a);
	diags_init(&d, &a);
	struct node *doc = NULL;
	if (source_from_bytes(&src, "fuzz.yaml", (const char *)data, size, &a, &d) == 0 &&
	    parse_document(&src, 0, &a, &d, &doc) == 0 && load_check(doc, &schema, &d) == 0) {
		struct rollout *r = model_build(doc, src.path, &a);
		struct render_set set = {0};
		render_tree(r, &templates, &a, &set);
		size_t objects = 0;
		while (render_object_file(r, objects, &a))
			objects++;
		if (set.n != 2 + objects + r->nstages) /* kustomizations, base objects, stages */
			abort();
	}
	arena_release(&a);
	return 0;
}
