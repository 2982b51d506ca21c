/* schema.h: the structural checks of a rollout, driven by the embedded JSON Schema.
 *
 * schemas/rollout.schema.json is compiled into the binary and is the single source of the
 * structural rules (types, required fields, enums, ranges, patterns, unknown fields), so the
 * tool and the schema editors use cannot disagree. This is a small interpreter of the part of
 * JSON Schema 2020-12 that file uses; schema_keyword_known() lists it. */
#ifndef MESHROLL_SCHEMA_H
#define MESHROLL_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "frozen.h"
#include "node.h"

/* The keywords the checks look up in every schema object, as frozen words (frozen_word()). */
enum schema_word {
	W_REF,
	W_ONE_OF,
	W_TYPE,
	W_ENUM,
	W_PROPERTIES,
	W_REQUIRED,
	W_ADDITIONAL_PROPERTIES,
	W_PROPERTY_NAMES,
	W_MIN_PROPERTIES,
	W_MAX_PROPERTIES,
	W_ERROR_MESSAGE,
	W_ITEMS,
	W_MIN_ITEMS,
	W_MAX_ITEMS,
	W_MIN_LENGTH,
	W_MAX_LENGTH,
	W_PATTERN,
	W_MINIMUM,
	W_MAXIMUM,
	W_COUNT
};

struct schema {
	const struct frozen_node *root;     /* the schema, frozen when meshroll was built */
	const struct frozen_node *defs;     /* its $defs */
	const struct frozen_node *duration; /* $defs/duration, whose strings are Go durations */
	const char *path;                   /* "<embedded>/schemas/rollout.schema.json" */
	uint32_t word[W_COUNT];             /* each keyword's frozen word */
};

/* Loads the embedded schema, parsed at build time (frozen.h). Returns 0, or -1 with an
 * internal error. */
int schema_load(struct schema *s, struct diags *d);
/* Checks doc against the schema, recording every error. Returns 0 when it conforms, else -1. */
int schema_validate(struct schema *s, const struct node *doc, struct diags *d);
/* Whether this interpreter implements the keyword (annotations count as implemented). */
bool schema_keyword_known(const char *keyword);
/* The closest of names to word, for a "did you mean" hint; NULL when none is close. */
const char *schema_suggest(const char *word, const char *const *names, size_t n);

#endif
