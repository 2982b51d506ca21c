/* fuzz_edit.c: promote's editor on arbitrary files. When a file checks as a rollout and the
 * editor accepts it, the edited file must check too, name the stage asked for, and differ from
 * the original only where the value is (or where the one line was added). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "load.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena keep;
	static struct schema schema;
	static int ready;
	struct arena a;
	struct diags d;
	struct source src, out_src;
	struct buf out;

	if (!ready++) {
		struct diags k;
		arena_init(&keep);
		diags_init(&k, &keep);
		if (schema_load(&schema, &k) < 0)
			abort();
	}
	if (size < 1)
		return 0;
	arena_init(&a);
	diags_init(&d, &a);
	buf_init(&out);
	src = (struct source){.path = "fuzz.yaml",
	                      .data = arena_strndup(&a, (const char *)data + 1, size - 1),
	                      .len = size - 1};
	struct node *doc = load_bytes(&src, &schema, &a, &d);
	if (!doc)
		goto out;
	struct rollout *r = model_build(doc, src.path, &a);
	size_t target = data[0] % r->nstages;
	const struct node *old = node_get(node_get(doc, "spec"), "activeStage");
	const char *text = edit_stage_text(&src, old, &r->stages[target], &a);
	if (edit_active_stage(&src, doc, text, &out, &d) < 0)
		goto out;
	out_src = (struct source){.path = "edited.yaml", .data = out.data, .len = out.len};
	struct node *doc2 = load_bytes(&out_src, &schema, &a, &d);
	if (!doc2 || model_build(doc2, "edited.yaml", &a)->active != target)
		abort(); /* the edit broke the file or missed its mark */
	size_t head = 0, tail = 0;
	while (head < src.len && head < out.len && src.data[head] == out.data[head])
		head++;
	while (tail < src.len - head && tail < out.len - head &&
	       src.data[src.len - 1 - tail] == out.data[out.len - 1 - tail])
		tail++;
	/* what changed lies within one line, or is one line added */
	if (memchr(src.data + head, '\n', src.len - head - tail) && old)
		abort();
out:
	buf_release(&out);
	arena_release(&a);
	return 0;
}
