/* load.h: the front of the pipeline for one file: read, parse, validate, model. */
#ifndef MESHROLL_LOAD_H
#define MESHROLL_LOAD_H

#include "arena.h"
#include "diag.h"
#include "model.h"
#include "schema.h"
#include "source.h"

enum load_flags {
	LOAD_SKIP_FOREIGN = 1 << 0, /* found in a directory: a file that is no Rollout is skipped */
};

/* Reads and checks the rollout file at path. Returns its model, built in run, or NULL with
 * every error recorded; with LOAD_SKIP_FOREIGN, NULL with nothing recorded and *skipped set
 * for a file that is not a Rollout (another kind, or unreadable YAML that does not name
 * meshroll.dev). The parse tree goes to scratch, which the caller may reset after. */
struct rollout *load_rollout(const char *path, unsigned flags, struct schema *schema,
                             struct arena *run, struct arena *scratch, struct diags *d,
                             int *skipped);
/* The first half of load_rollout(): the checked parse tree of a file named on the command
 * line, in scratch, with its source in *src. Returns NULL with every error recorded. */
struct node *load_tree(const char *path, struct schema *schema, struct arena *scratch,
                       struct diags *d, struct source *src);
/* The checks of a parsed rollout document: its kind, the schema, the semantic rules. */
int load_check(const struct node *doc, struct schema *schema, struct diags *d);
/* Checks bytes already in memory as a rollout file (promote checks its own edit so). */
struct node *load_bytes(struct source *src, struct schema *schema, struct arena *scratch,
                        struct diags *d);

#endif
