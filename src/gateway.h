/* gateway.h: provider: gateway-api, the plan of a stage as a Gateway API HTTPRoute.
 *
 * The translation keeps Istio's meaning or refuses: validate_gateway() names each field that
 * Gateway API's standard channel cannot express, and validate_gateway_plan() each pair of
 * routes that its match precedence (the most specific match wins, not the first) would send a
 * request to differently than Istio's first match does. */
#ifndef MESHROLL_GATEWAY_H
#define MESHROLL_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>

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

/* Shared by the translation (gateway.c), its refusals (gateway_check.c) and its precedence
 * check (gateway_order.c). */

/* A Service as Istio names it in a host: "name", or "name.ns.svc.cluster.local". */
struct gw_svc {
	const char *name, *ns; /* ns NULL: the rollout's namespace */
};

/* The matches of a route, in Gateway API's terms. */
enum gw_path {
	GW_ANY,    /* no path condition: PathPrefix / */
	GW_EXACT,  /* Exact value */
	GW_PREFIX, /* PathPrefix value: whole segments */
	GW_CHARS,  /* Istio's prefix value, by characters: a RegularExpression */
	GW_REGEX,  /* RegularExpression value */
};

struct gw_match {
	enum gw_path path;
	const char *value;
	const char *method;                 /* NULL: any */
	const struct node *headers, *query; /* Istio's maps; NULL: none */
	const struct node *at;              /* the Istio match block; NULL: none */
};

/* Gateway API's limits on the fields of one HTTPRoute (the v1.6 CRD's maxItems and
 * maxLength, and its CEL rule on all matches). */
enum {
	GW_MAX_RULES = 16,
	GW_MAX_MATCHES = 64,
	GW_MAX_ALL_MATCHES = 128,
	GW_MAX_VALUES = 16, /* header and query param matches, header changes, backends, ... */
	GW_MAX_PARENTS = 32,
	GW_MAX_PATH = 1024, /* a path, a regular expression of one, a redirect's */
	GW_MAX_HEADER_VALUE = 4096,
	GW_MAX_QUERY_VALUE = 1024,
	GW_MAX_CORS_AGE = 2147483647, /* int32 seconds */
};

/* Whether s starts with prefix. */
bool gw_starts(const char *s, const char *prefix);
/* A host as the Service it names ("name", "name.ns.svc.cluster.local"; ns: the rollout's),
 * into out; false for another host. */
bool gw_service_of(const char *host, const char *ns, struct arena *a, struct gw_svc *out);
/* Gateway API's hostname: RFC 1123 labels, lowercase, maybe a leading "*." label. */
bool gw_is_hostname(const char *s);
/* A rule's name: a lowercase DNS subdomain (Gateway API's SectionName). */
bool gw_is_rule_name(const char *s);
/* Whether a gateway of spec.gateways is the mesh. */
bool gw_is_mesh(const char *gateway);
/* A Go duration as Gateway API writes one (up to four of 5-digit h, m, s, ms); NULL when
 * it has none (over 99999h, or finer than a millisecond). */
const char *gw_duration(const char *istio, struct arena *a);
/* The value of a match block's uri StringMatch of kind how ("exact", "prefix", "regex"). */
const char *gw_uri_of(const struct node *block, const char *how);
/* Istio's match list (NULL or empty: every request) as Gateway API matches, into out (room
 * for list->n, at least 1); returns how many. */
size_t gw_matches(const struct node *list, struct gw_match *out, struct arena *a);
/* Whether a match takes every request. */
bool gw_takes_all(const struct gw_match *m);
/* A RegularExpression that takes what Istio's StringMatch sm takes ({}: presence). */
const char *gw_value_regex(const struct node *sm, struct arena *a);
/* The RegularExpression of a path match of GW_CHARS or GW_REGEX. */
const char *gw_path_regex(const struct gw_match *m, struct arena *a);
/* The name of a plan route's rule; NULL: none. */
const char *gw_route_name(const struct plan_route *pr);

#endif
