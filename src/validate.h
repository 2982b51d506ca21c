/* validate.h: the semantic rules of a rollout that a JSON Schema cannot say. */
#ifndef MESHROLL_VALIDATE_H
#define MESHROLL_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "diag.h"
#include "node.h"

enum { DURATION_SYNTAX = -1, DURATION_OVERFLOW = -2 };

/* Parses a Go duration ("1m30s", "250ms"; units h m s ms us ns) into nanoseconds.
 * Returns 0, DURATION_SYNTAX when it is not one, DURATION_OVERFLOW past 64 bits. */
int duration_parse(const char *s, long long *ns);
/* For each item i with a key, the first item j < i with the same key where i or j is strong
 * (strong NULL: all are), or SIZE_MAX: what comparing every pair finds, by one sort, so that
 * 100,000 items take milliseconds. keys[i] NULL: the item is not compared. malloc'd. */
size_t *earlier_same(const char *const *keys, const bool *strong, size_t n);
/* Whether a host as written in namespace ns names host h, as Istio reads hosts: a short name
 * is <name>.<ns>.svc.cluster.local; "*" and "*.suffix" name every host they end. */
bool host_covers(const char *pattern, const char *h, const char *ns);
/* A deprecated field old of map: a warning that it is written as written, or an error when
 * map also has now, its current form. path names map. */
void validate_deprecated(struct diags *d, const struct node *map, const char *old, const char *now,
                         const char *path, const char *written);
/* At most one of keys (NULL-terminated) in map; exactly one when required. path names map. */
void validate_one_of(struct diags *d, const struct node *map, const char *const *keys,
                     const char *path, bool required);
/* A retry policy as Istio's webhook takes it: other fields only when attempts is not 0 (the
 * schema requires attempts). path names it. */
void validate_retries(struct diags *d, const struct node *retries, const char *path);
/* The rules of spec.http, spec.tcp and spec.tls (routes.c): reachable routes, unique names and
 * matches, fixed routes' subsets and weights, a split route at all, deprecated fields. */
void validate_routes(const struct node *spec, const char *name, const char *ns, struct diags *d);
/* The rules of spec.stages and spec.stickySessions (stages.c): weights that never decrease,
 * unique ids, stages that change something, and the routes stages put before the split
 * routes: matches that merge, names of their own. name: the rollout's. */
void validate_stages(const struct node *spec, const char *name, struct diags *d);
/* Whether a match block takes every request: it has no condition (a name, a stat prefix or
 * ignoreUriCase alone do not narrow it). */
bool validate_match_is_empty(const struct node *m);
/* A value in one spelling whatever its key order, appended to b: for comparing values. */
void validate_canon(struct buf *b, const struct node *n);
/* Checks the rules that span fields or need arithmetic: stable != canary, stages strictly
 * ascending with unique ids, activeStage names a stage, durations >= 1ms, label key parts,
 * unique hosts, the deprecated consecutiveErrors. Fields of the wrong type are skipped (the
 * schema reports them). Returns 0, or -1 with every error recorded. */
int validate_rollout(const struct node *doc, struct diags *d);

#endif
