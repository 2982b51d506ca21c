/* plan.c: the routing state of every stage, and its routes as nodes. */
#include "plan.h"

#include <stdbool.h>
#include <string.h>

/* The port a split tcp or tls route sends to: on the mesh alone, the one port all its matches
 * name (the service's port the client asked for); else the rollout's port (0: none). On a
 * gateway a match's port is the gateway's listener, not the service's. */
static int
route_port(const struct rollout *r, enum proto proto, const struct node *route)
{
	const struct node *match = node_get(route, "match");
	bool mesh_only =
	    r->gateways.n == 0 || (r->gateways.n == 1 && !strcmp(r->gateways.v[0], "mesh"));
	long long port = -1;

	if (proto == PROTO_HTTP || !mesh_only || !match || match->kind != NODE_SEQ || match->n == 0)
		return r->port;
	for (size_t i = 0; i < match->n; i++) {
		const struct node *p = node_get(match->kids[i], "port");
		if (!p || p->type != SCALAR_INT || (port >= 0 && p->ival != port))
			return r->port;
		port = p->ival;
	}
	return (int)port;
}

void
plan_stage(const struct rollout *r, size_t s, struct arena *a, struct plan_stage *out)
{
	int w = r->stages[s].weight;

	for (size_t p = 0; p < NPROTOS; p++) {
		const struct routes *rs = &r->routes[p];
		struct plan_route *routes = arena_alloc(a, (rs->n ? rs->n : 1) * sizeof(*routes));
		for (size_t i = 0; i < rs->n; i++) {
			const struct node *spec = rs->v[i].spec;
			routes[i] = (struct plan_route){.spec = spec};
			if (!rs->v[i].split)
				continue;
			/* the stable version takes what the canary does not */
			int port = route_port(r, (enum proto)p, spec);
			struct plan_dest *d = arena_alloc(a, 2 * sizeof(*d));
			d[0] = (struct plan_dest){r->host, r->stable, port, 100 - w};
			d[1] = (struct plan_dest){r->host, r->canary, port, w};
			routes[i].dests = d;
			routes[i].ndests = 2;
			if (p == PROTO_HTTP) {
				routes[i].timeout = r->timeout;
				routes[i].retries = &r->retries;
			}
		}
		out->routes[p] = routes;
		out->n[p] = rs->n;
	}
}

/* A map to which pairs are added while they have a value; NULL when none had. */
struct map {
	struct arena *a;
	struct node *n;
};

static void
put(struct map *m, const char *key, struct node *value)
{
	if (value)
		node_map_add(m->n, node_new_str(m->a, key), value);
}

static struct node *
done(struct map *m)
{
	return m->n->n ? m->n : NULL;
}

static struct node *
dest_node(const struct plan_dest *d, struct arena *a)
{
	struct map dest = {a, node_new_map(a, 3)}, port = {a, node_new_map(a, 1)};
	struct map item = {a, node_new_map(a, 2)};

	put(&dest, "host", node_new_str_or_none(a, d->host));
	put(&dest, "subset", node_new_str_or_none(a, d->subset));
	put(&port, "number", d->port ? node_new_int_or_none(a, d->port) : NULL);
	put(&dest, "port", done(&port));
	put(&item, "destination", done(&dest));
	put(&item, "weight", node_new_int_or_none(a, d->weight));
	return done(&item);
}

static struct node *
retries_node(const struct retries *r, struct arena *a)
{
	struct map retries = {a, node_new_map(a, 3)};

	put(&retries, "attempts", node_new_int_or_none(a, r->attempts));
	put(&retries, "perTryTimeout", node_new_str_or_none(a, r->per_try_timeout));
	put(&retries, "retryOn", node_new_str_or_none(a, r->retry_on));
	return done(&retries);
}

/* A node of the model in an object: objects are only read (written out, compared), never
 * changed, so they may share the model's nodes. */
static struct node *
shared(const struct node *n)
{
	return (struct node *)n;
}

/* A split route: its fields in their order, the destinations after its match (else after its
 * name, else first), then the defaults it does not set. */
static struct node *
route_node(const struct plan_route *r, struct arena *a)
{
	const struct node *spec = r->spec;
	struct map route = {a, node_new_map(a, spec->n + 3)};
	struct node *dests = node_new_seq(a, r->ndests);
	const char *anchor = node_get(spec, "match")  ? "match"
	                     : node_get(spec, "name") ? "name"
	                                              : NULL;

	if (!r->dests)
		return shared(spec);
	for (size_t i = 0; i < r->ndests; i++)
		node_seq_add(dests, dest_node(&r->dests[i], a));
	if (!anchor)
		put(&route, "route", dests);
	for (size_t i = 0; i < spec->n; i++) {
		const struct node *key = spec->kids[2 * i];
		node_map_add(route.n, shared(key), shared(spec->kids[2 * i + 1]));
		if (anchor && !strcmp(key->str, anchor))
			put(&route, "route", dests);
	}
	if (!node_get(spec, "timeout"))
		put(&route, "timeout", node_new_str_or_none(a, r->timeout));
	if (!node_get(spec, "retries") && r->retries)
		put(&route, "retries", retries_node(r->retries, a));
	return done(&route);
}

struct node *
plan_route_nodes(const struct plan_stage *p, enum proto proto, struct arena *a)
{
	struct node *routes = node_new_seq(a, p->n[proto]);

	for (size_t i = 0; i < p->n[proto]; i++)
		node_seq_add(routes, route_node(&p->routes[proto][i], a));
	return routes->n ? routes : NULL;
}
