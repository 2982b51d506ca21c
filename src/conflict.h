/* conflict.h: the checks across rollouts of one run, in time linear in their number.
 *
 * Two rollouts may not share a namespace and name, nor make the same objects, nor route one
 * host through one gateway (istioctl's IST0109). Each rollout leaves a small record (its
 * names, its version Services, its hosts as Istio resolves them, its gateways) and keys in a
 * hash table that map to the earliest rollout holding them, so the model itself need not be
 * kept. Records and keys live in the set's own arena. */
#ifndef MESHROLL_CONFLICT_H
#define MESHROLL_CONFLICT_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "model.h"

struct conflict_rec;
struct conflict_slot;

struct conflicts {
	struct arena arena;      /* the records and the keys */
	struct conflict_rec **v; /* one per rollout added, in order; heap */
	size_t n, cap;
	struct conflict_slot *slots; /* open addressing: key -> earliest record; heap */
	size_t nslots, used;
};

void conflicts_init(struct conflicts *c);
/* Records an error on ro when it conflicts with a rollout added before: against the earliest
 * such rollout, a shared name first, then a shared object, then a shared host and gateway.
 * Then adds ro (copying what the checks need; ro may be freed after). scratch is reset. */
void conflicts_add(struct conflicts *c, const struct rollout *ro, struct arena *scratch,
                   struct diags *d);
void conflicts_release(struct conflicts *c);

#endif
