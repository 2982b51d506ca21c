/* krm.h: the KRM function protocol: a ResourceList read from stdin and written to stdout.
 *
 * Items are passed through as the bytes they came in (comments, quoting, tags and order kept,
 * as the KRM Functions Specification asks), only re-indented to one column; meshroll's own
 * objects are written by its YAML writer, and so is an item whose alias would otherwise be
 * left dangling, the alias expanded. */
#ifndef MESHROLL_KRM_H
#define MESHROLL_KRM_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "node.h"
#include "source.h"

enum { KRM_MAX_BYTES = 64 * 1024 * 1024 };

struct krm_list {
	const struct source *src; /* the input; borrowed */
	const char *api_version;  /* of the input, echoed in the output */
	struct node *items;       /* the items list; NULL when absent or empty */
	struct node *config;      /* functionConfig; NULL when absent */
	const char *config_path;  /* its file in the package, from its annotations; or NULL */
};

struct krm_result {
	const char *severity; /* "error", "warning" or "info" */
	const char *message;
	const char *field; /* a field path such as spec.stages[2]; or NULL */
	const char *file;  /* or NULL */
};

/* Reads a ResourceList from src (already parsed into root). Returns 0, or -1 with an error
 * when it is not one. */
int krm_read(struct krm_list *l, const struct source *src, struct node *root, struct diags *d);
/* The identity of a KRM object: "apiVersion kind namespace name"; arena. */
const char *krm_object_key(const struct node *obj, struct arena *a);
/* Records an error for each item krm_write() would write anew (it is an alias, or uses an
 * anchor the output leaves out) that has a tag, which its YAML writer cannot keep. Returns 0,
 * or -1: then write no generated items. */
int krm_check(const struct krm_list *l, const struct node *generated, struct diags *d,
              struct arena *a);
/* Writes a ResourceList: the input's items except those whose identity is one of the
 * generated items' (drop), then the generated items (a list of maps; may be NULL), then the
 * results. An item is written as its bytes, or anew with its aliases expanded where they
 * would be left dangling. */
void krm_write(struct buf *out, const struct krm_list *in, const struct node *generated,
               const struct krm_result *results, size_t nresults, struct arena *a);

#endif
