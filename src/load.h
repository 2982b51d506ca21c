/* load.h: the front of the pipeline for one file: read, parse, validate, model. */
#ifndef MESHROLL_LOAD_H
#define MESHROLL_LOAD_H

#include "arena.h"
#include "diag.h"
#include "model.h"
#include "schema.h"

/* Reads and checks the rollout file at path. Returns its model, built in run, or NULL with
 * every error recorded. The parse tree goes to scratch, which the caller may reset after. */
struct rollout *load_rollout(const char *path, struct schema *schema, struct arena *run,
                             struct arena *scratch, struct diags *d);

#endif
