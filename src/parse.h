/* parse.h: the parse stage: libyaml events to a tree of nodes with their marks. */
#ifndef MESHROLL_PARSE_H
#define MESHROLL_PARSE_H

#include "arena.h"
#include "diag.h"
#include "node.h"
#include "source.h"

enum {
	PARSE_MAX_DEPTH = 64,          /* nesting of maps and lists */
	PARSE_MAX_ALIAS_NODES = 10000, /* nodes that aliases may repeat, in all */
};

enum parse_flags {
	PARSE_LOCAL_TAGS = 1 << 0, /* keep tags such as !str (templates); else they are errors */
	PARSE_KEEP_TAGS = 1 << 1,  /* keep every tag (a ResourceList's items): the caller checks */
};

/* Parses the single YAML document of src. Returns 0 with *root set, or -1 with every
 * error found recorded (a syntax error or an exceeded limit stops at once). */
int parse_document(const struct source *src, unsigned flags, struct arena *a, struct diags *d,
                   struct node **root);
/* Records the error parse_document() gives a tag it does not take, for n's tag (kept under
 * PARSE_KEEP_TAGS). Returns -1. */
int parse_tag_error(struct diags *d, const struct node *n);

#endif
