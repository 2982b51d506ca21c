/* describe.h: a stage's matches in a few words, for the lines promote and status print. */
#ifndef MESHROLL_DESCRIBE_H
#define MESHROLL_DESCRIBE_H

#include "buf.h"
#include "node.h"

/* Appends the fields that match blocks (a sequence of Istio HTTPMatchRequests) test, once
 * each: header names, ?query parameters, "no " and the headers they must not have, the other
 * fields by name ("x-canary + ?beta + uri"); the labels name and statPrefix are not tests. */
void describe_match(struct buf *b, const struct node *match);

#endif
