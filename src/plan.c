/* plan.c: the routing state of every stage, and its http routes as nodes. */
#include "plan.h"

void
plan_stage(const struct rollout *r, size_t s, struct arena *a, struct plan_stage *out)
{
	int w = r->stages[s].weight;
	struct plan_route *route = arena_alloc(a, sizeof(*route));
	struct plan_dest *d = arena_alloc(a, 2 * sizeof(*d));

	/* one split route: the stable version takes what the canary does not */
	d[0] = (struct plan_dest){r->host, r->stable, r->port, 100 - w};
	d[1] = (struct plan_dest){r->host, r->canary, r->port, w};
	*route = (struct plan_route){r->name, d, 2, r->timeout, &r->retries};
	*out = (struct plan_stage){route, 1};
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
route_node(const struct plan_route *r, struct arena *a)
{
	struct map route = {a, node_new_map(a, 4)}, retries = {a, node_new_map(a, 3)};
	struct node *dests = node_new_seq(a, r->ndests);

	for (size_t i = 0; i < r->ndests; i++)
		node_seq_add(dests, dest_node(&r->dests[i], a));
	put(&route, "name", node_new_str_or_none(a, r->name));
	put(&route, "route", dests);
	put(&route, "timeout", node_new_str_or_none(a, r->timeout));
	if (r->retries) {
		put(&retries, "attempts", node_new_int_or_none(a, r->retries->attempts));
		put(&retries, "perTryTimeout",
		    node_new_str_or_none(a, r->retries->per_try_timeout));
		put(&retries, "retryOn", node_new_str_or_none(a, r->retries->retry_on));
	}
	put(&route, "retries", done(&retries));
	return done(&route);
}

struct node *
plan_http_nodes(const struct plan_stage *p, struct arena *a)
{
	struct node *http = node_new_seq(a, p->nhttp);

	for (size_t i = 0; i < p->nhttp; i++)
		node_seq_add(http, route_node(&p->http[i], a));
	return http;
}
