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

/* The text that names target in activeStage, in the form old has (a weight, or an id with its
 * quotes); old may be NULL (the key is absent): the weight of an unnamed stage, else its name. */
const char *edit_stage_text(const struct source *src, const struct node *old,
                            const struct stage *target, struct arena *a);
/* Appends to out the bytes of src with spec.activeStage's value replaced by text; where the
 * key is absent, one line "activeStage: TEXT" is added after spec.stages' value. doc is src's
 * checked tree. Returns 0, or -1 with an error where the layout does not allow it. */
int edit_active_stage(const struct source *src, const struct node *doc, const char *text,
                      struct buf *out, struct diags *d);

#endif
