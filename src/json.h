/* json.h: node trees as JSON text (RFC 8259), for status --json.
 *
 * A map is an object (its keys' text, in the tree's order), a sequence an array. A string is
 * escaped where JSON requires it: '"', '\' and the controls U+0000..U+001F (\b \f \n \r \t,
 * the others as \u00XX); valid UTF-8 is kept as it is, and a byte that is not UTF-8 (in a
 * path, say) is written as U+FFFD, so the output is always valid JSON. Integers are decimal,
 * booleans true and false; a float is its text where that is a JSON number ("12.5"), else a
 * string (".inf"). Pretty-printed, two spaces a level; the same tree gives the same bytes. */
#ifndef MESHROLL_JSON_H
#define MESHROLL_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "node.h"

/* Appends s (len bytes) as a JSON string. */
void json_string(struct buf *b, const char *s, size_t len);
/* Whether s (len bytes) is a JSON number as RFC 8259 spells one. */
bool json_number_ok(const char *s, size_t len);
/* Appends n as a JSON value whose nested lines are indented by indent levels more, with no
 * final newline; NULL is null. */
void json_node(struct buf *b, const struct node *n, int indent);

#endif
