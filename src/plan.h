/* plan.h: the plan stage, the routing state of every stage of a rollout, as data.
 *
 * A pure function of the model: for each stage, every route in order with its fields, its
 * weighted destinations and what the stage adds (A/B routes, mirrors, sticky cookies).
 * Render's builders turn a stage's plan into objects (the VirtualService's routes). */
#ifndef MESHROLL_PLAN_H
#define MESHROLL_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "model.h"
#include "node.h"

/* One weighted destination of a route. */
struct plan_dest {
	const char *host, *subset; /* subset NULL: none */
	int port;                  /* 0: none */
	int weight;                /* percent; -1: not written (a route with one destination) */
	const char *set_cookie;    /* the Set-Cookie its responses add; NULL: none */
};

/* One route of a stage: a fixed route is its spec as written; a split route, or a route a
 * stage puts before it, is that spec with another name and match, the stage's destinations
 * and mirror and, for http, the rollout's default timeout and retries where it sets none. */
struct plan_route {
	const struct node *spec;
	const char *name;         /* NULL: the spec's */
	const struct node *match; /* NULL: the spec's */
	struct plan_dest *dests;  /* NULL: a fixed route */
	size_t ndests;
	const char *timeout;           /* NULL: none */
	const struct retries *retries; /* NULL, or attempts -1: none */
	struct plan_dest mirror;       /* host NULL: none */
	const char *mirror_percent;
};

/* The routing state of one stage: its http, tcp and tls routes in order. */
struct plan_stage {
	struct plan_route *routes[NPROTOS];
	size_t n[NPROTOS];
};

/* The first field (a header or query parameter by its name: "headers.x-canary") that both
 * match blocks set, into buf; NULL when none is: then they merge into one block. */
const char *plan_match_clash(const struct node *x, const struct node *y, char *buf, size_t size);
/* The match blocks that take the requests both lists match: each pair merged, x's fields
 * first. x NULL or empty: y. The pairs must not clash. */
struct node *plan_match_merge(const struct node *x, const struct node *y, struct arena *a);
/* The name of a route a stage puts before the split route named route (the rollout's name
 * for a route without one): route-<stage id> (A/B), route-sticky, route-<stage id>-mirror. */
enum plan_kind { PLAN_AB, PLAN_STICKY, PLAN_MIRROR };
const char *plan_route_name(const char *route, const char *stage_id, enum plan_kind kind,
                            struct arena *a);
/* text with RE2's special characters escaped, in a. */
const char *plan_regex_quote(const char *text, struct arena *a);
/* Whether stage s of r sends sticky users to the canary: stickySessions, 0 < weight < 100. */
bool plan_sticky(const struct rollout *r, size_t s);
/* The plan of stage s of r, in a. */
void plan_stage(const struct rollout *r, size_t s, struct arena *a, struct plan_stage *out);
/* The stage's routes of one protocol as Istio's VirtualService writes them; NULL for none. */
struct node *plan_route_nodes(const struct plan_stage *p, enum proto proto, struct arena *a);

#endif
