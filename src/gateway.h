/* gateway.h: provider: gateway-api, the plan of a stage as a Gateway API HTTPRoute.
 *
 * The translation keeps Istio's meaning or refuses: validate_gateway() names each field that
 * Gateway API's standard channel cannot express, and validate_gateway_plan() each pair of
 * routes that its match precedence (the most specific match wins, not the first) would send a
 * request to differently than Istio's first match does. */
#ifndef MESHROLL_GATEWAY_H
#define MESHROLL_GATEWAY_H

#include "arena.h"
#include "diag.h"
#include "model.h"
#include "node.h"
#include "plan.h"

/* The HTTPRoute's parentRefs: the Service spec.host for the mesh (no gateways, or "mesh"),
 * a Gateway for each other gateway. */
struct node *gateway_parent_refs(const struct rollout *r, struct arena *a);
/* Its hostnames: spec.hosts when a Gateway is a parent and no host is "*"; NULL: none. */
struct node *gateway_hostnames(const struct rollout *r, struct arena *a);
/* Its rules: the stage's http routes, in order. */
struct node *gateway_rules(const struct rollout *r, const struct plan_stage *p, struct arena *a);

/* The fields of spec (provider: gateway-api) that an HTTPRoute cannot hold. name and ns: the
 * rollout's (name NULL: unknown). */
void validate_gateway(const struct node *spec, const char *name, const char *ns, struct diags *d);
/* Every stage's rules of a rollout that passed every other check: Gateway API's limits, and
 * routes its precedence would reorder. Returns 0, or -1 with each error recorded. */
int validate_gateway_plan(const struct node *doc, struct diags *d);

#endif
