/* edit.h: promote's editor. It changes the bytes of spec.activeStage's value and nothing else:
 * comments, order, quoting and blank lines stay as they were. */
#ifndef MESHROLL_EDIT_H
#define MESHROLL_EDIT_H

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "model.h"
#include "node.h"
#include "source.h"

/* The text that names target in activeStage, in the form old has (a weight, an id with its
 * quotes, or bare in a block scalar); old may be NULL (the key is absent): the weight of an
 * unnamed stage, else its name. */
const char *edit_stage_text(const struct source *src, const struct node *old,
                            const struct stage *target, struct arena *a);
/* Appends to out the bytes of src with spec.activeStage's value replaced by text (its tag and
 * anchor kept; of a block scalar, its line of text); where the key is absent, one line
 * "activeStage: TEXT" is added right after spec.stages' value, with the file's line break.
 * doc is src's checked tree. Returns 0, or -1 with an error where the layout does not allow
 * it (a flow spec, an alias, an anchor an alias repeats). */
int edit_active_stage(const struct source *src, const struct node *doc, const char *text,
                      struct buf *out, struct diags *d);

#endif
