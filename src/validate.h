/* validate.h: the semantic rules of a rollout that a JSON Schema cannot say. */
#ifndef MESHROLL_VALIDATE_H
#define MESHROLL_VALIDATE_H

#include "diag.h"
#include "node.h"

enum { DURATION_SYNTAX = -1, DURATION_OVERFLOW = -2 };

/* Parses a Go duration ("1m30s", "250ms"; units h m s ms us ns) into nanoseconds.
 * Returns 0, DURATION_SYNTAX when it is not one, DURATION_OVERFLOW past 64 bits. */
int duration_parse(const char *s, long long *ns);
/* Checks the rules that span fields or need arithmetic: stable != canary, stages strictly
 * ascending with unique ids, activeStage names a stage, durations >= 1ms, label key parts,
 * unique hosts, the deprecated consecutiveErrors. Fields of the wrong type are skipped (the
 * schema reports them). Returns 0, or -1 with every error recorded. */
int validate_rollout(const struct node *doc, struct diags *d);

#endif
