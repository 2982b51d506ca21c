/* conflict.h: the checks across rollouts of one run, in time linear in their number.
 *
 * Two rollouts may not share a namespace and name, nor make the same objects, nor route one
 * host through one gateway (istioctl's IST0109). Each rollout leaves a small record (its
 * names, its version Services, its hosts as Istio resolves them, its gateways) and keys in a
 * hash table that map to the earliest rollout holding them, so the model itself need not be
 * kept. Records live in the set's own arena, keys in its table. */
#ifndef MESHROLL_CONFLICT_H
#define MESHROLL_CONFLICT_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "hash.h"
#include "model.h"

struct conflict_rec;
struct conflict_error;

struct conflicts {
	struct arena *arena;    /* the records and the errors; not owned */
	size_t n;               /* the rollouts added */
	struct hash_table keys; /* key -> the earliest record holding it */
	/* the errors found, kept for conflicts_report(); in arena */
	struct conflict_error *errors, **last;
	size_t nerrors;
};

/* The records and errors go into arena, which outlives c: the run's own, so that a run of one
 * rollout does not take a chunk (and its fresh pages) for a few hundred bytes. */
void conflicts_init(struct conflicts *c, struct arena *arena);
/* Finds an error on ro when it conflicts with a rollout added before: against the earliest
 * such rollout, a shared name first, then a shared object, then a shared host and gateway;
 * it is kept (nerrors counts it) for conflicts_report(). Then adds ro (copying what the
 * checks need; ro may be freed after). scratch is reset. */
void conflicts_add(struct conflicts *c, const struct rollout *ro, struct arena *scratch);
/* Records the errors found, in the order found, once every rollout is added: after all the
 * rollouts' own diagnostics, as when the checks ran over all rollouts at the end. Recorded
 * right after a file's own, one would fall under the file's cap on diagnostics in a row
 * (diag.h) and show only as "N more not shown". */
void conflicts_report(const struct conflicts *c, struct diags *d);
void conflicts_release(struct conflicts *c);

#endif
