/* plan.h: the plan stage, the routing state of every stage of a rollout, as data.
 *
 * A pure function of the model: for each stage, every route in order with its fields and its
 * weighted destinations. Render's builders turn a stage's plan into objects (the
 * VirtualService's routes); the stage kinds to come (A/B matches, mirrors, sticky
 * cookies) are more routes and fields here, not more template variables. */
#ifndef MESHROLL_PLAN_H
#define MESHROLL_PLAN_H

#include <stddef.h>

#include "arena.h"
#include "model.h"
#include "node.h"

/* One weighted destination of a route. */
struct plan_dest {
	const char *host, *subset; /* subset NULL: none */
	int port;                  /* 0: none */
	int weight;                /* percent; -1: not written (a route with one destination) */
};

/* One route of a stage: a fixed route is its spec as written; a split route is its spec with
 * the stage's weighted destinations and, for http, the rollout's default timeout and retries
 * where it sets none. */
struct plan_route {
	const struct node *spec;
	struct plan_dest *dests; /* NULL: a fixed route */
	size_t ndests;
	const char *timeout;           /* NULL: none */
	const struct retries *retries; /* NULL, or attempts -1: none */
};

/* The routing state of one stage: its http, tcp and tls routes in order. */
struct plan_stage {
	struct plan_route *routes[NPROTOS];
	size_t n[NPROTOS];
};

/* The plan of stage s of r, in a. */
void plan_stage(const struct rollout *r, size_t s, struct arena *a, struct plan_stage *out);
/* The stage's routes of one protocol as Istio's VirtualService writes them; NULL for none. */
struct node *plan_route_nodes(const struct plan_stage *p, enum proto proto, struct arena *a);

#endif
