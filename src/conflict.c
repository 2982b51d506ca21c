/* conflict.c: the checks across rollouts through a hash table of their keys. */
#include "conflict.h"

#include <string.h>

#include "hash.h"

/* What the checks need of a rollout once its model is gone. */
struct conflict_rec {
	const char *file;
	int line, col;
	const char *ns, *name;
	enum split_mode split;
	const char *svc[2]; /* split: service: the versions' Services */
	const char **hosts; /* as Istio resolves them (host_fqdn) */
	size_t nhosts;
	const char **gws; /* as gateway_key() says; none given: "mesh" */
	size_t ngws;
	size_t seq; /* the order it was added in: 0 first */
};

/* An error conflicts_add() found, to record later. */
struct conflict_error {
	const char *file;
	int line, col;
	const char *msg;
	struct conflict_error *next;
};

void
conflicts_init(struct conflicts *c, struct arena *arena)
{
	memset(c, 0, sizeof(*c));
	c->arena = arena;
	c->last = &c->errors;
}

void
conflicts_release(struct conflicts *c)
{
	hash_release(&c->keys);
}

/* A host as Istio reads it in namespace ns: a short name means <name>.<ns>.svc.cluster.local. */
static const char *
host_fqdn(struct arena *a, const char *host, const char *ns)
{
	if (strchr(host, '.') || !strcmp(host, "*"))
		return arena_strdup(a, host);
	return arena_printf(a, "%s.%s.svc.cluster.local", host, ns);
}

/* A gateway as Istio reads it in namespace ns: "mesh", or "<namespace>/<name>" (from "name",
 * "ns/name" or "name.ns.svc.cluster.local"). */
static const char *
gateway_key(struct arena *a, const char *gw, const char *ns)
{
	const char *dot = strchr(gw, '.');

	if (!strcmp(gw, "mesh") || strchr(gw, '/'))
		return arena_strdup(a, gw);
	if (!dot)
		return arena_printf(a, "%s/%s", ns, gw);
	return arena_printf(a, "%.*s/%.*s", (int)strcspn(dot + 1, "."), dot + 1, (int)(dot - gw),
	                    gw);
}

/* ro's record, in a. */
static struct conflict_rec *
rec_new(struct arena *a, const struct rollout *ro)
{
	struct conflict_rec *x = arena_alloc(a, sizeof(*x));

	x->file = arena_strdup(a, ro->file);
	x->line = ro->line;
	x->col = ro->col;
	x->ns = arena_strdup(a, ro->ns);
	x->name = arena_strdup(a, ro->name);
	x->split = ro->split;
	for (size_t v = 0; ro->split == SPLIT_SERVICE && v < 2; v++)
		x->svc[v] = arena_strdup(a, ro->subsets[v].service);
	x->nhosts = ro->hosts.n;
	x->hosts = arena_alloc(a, (x->nhosts + 1) * sizeof(*x->hosts));
	for (size_t i = 0; i < x->nhosts; i++)
		x->hosts[i] = host_fqdn(a, ro->hosts.v[i], ro->ns);
	x->ngws = ro->gateways.n ? ro->gateways.n : 1;
	x->gws = arena_alloc(a, x->ngws * sizeof(*x->gws));
	for (size_t i = 0; i < x->ngws; i++)
		x->gws[i] = ro->gateways.n ? gateway_key(a, ro->gateways.v[i], ro->ns) : "mesh";
	return x;
}

/* A gateway both route through, or NULL. */
static const char *
shared_gateway(const struct conflict_rec *x, const struct conflict_rec *y)
{
	for (size_t i = 0; i < x->ngws; i++)
		for (size_t j = 0; j < y->ngws; j++)
			if (!strcmp(x->gws[i], y->gws[j]))
				return x->gws[i];
	return NULL;
}

/* The index of a host of x both route, as Istio compares hosts, or -1. */
static long
shared_host(const struct conflict_rec *x, const struct conflict_rec *y)
{
	for (size_t i = 0; i < x->nhosts; i++)
		for (size_t j = 0; j < y->nhosts; j++)
			if (!strcmp(x->hosts[i], y->hosts[j]))
				return (long)i;
	return -1;
}

/* An object both rollouts write, in one namespace, as "Service 'x'"; NULL for none: the
 * version Services and their DestinationRules of split: service, against the other's, and
 * against the DestinationRule named after the other of split: subset. */
static const char *
shared_object(struct arena *a, const struct conflict_rec *x, const struct conflict_rec *y)
{
	for (size_t k = 0; k < 2; k++) {
		const struct conflict_rec *p = k ? y : x, *q = k ? x : y;
		for (size_t v = 0; p->split == SPLIT_SERVICE && v < 2; v++) {
			const char *s = p->svc[v];
			if (q->split == SPLIT_SUBSET && !strcmp(s, q->name))
				return arena_printf(a, "DestinationRule '%s'", s);
			for (size_t w = 0; q->split == SPLIT_SERVICE && w < 2; w++)
				if (!strcmp(s, q->svc[w]))
					return arena_printf(a, "Service '%s'", s);
		}
	}
	return NULL;
}

/* Calls fn with each key of x: "n" namespace and name; "s" a version Service and "d" the
 * DestinationRule of split: subset, both in their namespace; "h" a host and a gateway. With
 * probe, the keys of the objects x conflicts with instead of those it owns. */
static void
rec_keys(const struct conflict_rec *x, int probe, struct arena *a,
         void (*fn)(void *ctx, const char *key), void *ctx)
{
	fn(ctx, arena_printf(a, "n %s\n%s", x->ns, x->name));
	for (size_t v = 0; x->split == SPLIT_SERVICE && v < 2; v++) {
		fn(ctx, arena_printf(a, "s %s\n%s", x->ns, x->svc[v]));
		if (probe) /* its Service against another's DestinationRule */
			fn(ctx, arena_printf(a, "d %s\n%s", x->ns, x->svc[v]));
	}
	if (x->split == SPLIT_SUBSET)
		fn(ctx, arena_printf(a, "%c %s\n%s", probe ? 's' : 'd', x->ns, x->name));
	for (size_t i = 0; i < x->nhosts; i++)
		for (size_t j = 0; j < x->ngws; j++)
			fn(ctx, arena_printf(a, "h %s\n%s", x->hosts[i], x->gws[j]));
}

/* What rec_keys() calls probe_key() and own_key() with. */
struct keys_ctx {
	struct conflicts *c;
	struct conflict_rec *rec; /* probe: the earliest record found; own: the one added */
};

static void
probe_key(void *ctx, const char *key)
{
	struct keys_ctx *k = ctx;
	long i = hash_find(&k->c->keys, key, strlen(key));
	struct conflict_rec *rec = i == HASH_NONE ? NULL : hash_get(&k->c->keys, (size_t)i);

	if (rec && (!k->rec || rec->seq < k->rec->seq))
		k->rec = rec;
}

/* Maps key (copied) to the record added unless an earlier record has it. */
static void
own_key(void *ctx, const char *key)
{
	struct keys_ctx *k = ctx;
	size_t i = hash_add(&k->c->keys, key, strlen(key));

	if (!hash_get(&k->c->keys, i))
		hash_set(&k->c->keys, i, k->rec);
}

/* Keeps an error at b's metadata.name; msg in c's arena. */
static void
conflict_error(struct conflicts *c, const struct conflict_rec *b, const char *msg)
{
	struct conflict_error *e = arena_alloc(c->arena, sizeof(*e));

	*e = (struct conflict_error){.file = b->file, .line = b->line, .col = b->col, .msg = msg};
	*c->last = e;
	c->last = &e->next;
	c->nerrors++;
}

/* The error of b against a, which conflicts with it in one way or more. */
static void
conflict_report(struct conflicts *c, const struct conflict_rec *b, const struct conflict_rec *a,
                const struct rollout *ro, struct arena *scratch)
{
	const char *object = strcmp(a->ns, b->ns) ? NULL : shared_object(scratch, b, a);
	long host = object ? -1 : shared_host(b, a);
	struct arena *m = c->arena;

	if (!strcmp(a->ns, b->ns) && !strcmp(a->name, b->name))
		conflict_error(c, b,
		               arena_printf(m, "rollout '%s/%s' is also defined in %s:%d:%d", b->ns,
		                            b->name, a->file, a->line, a->col));
	else if (object)
		conflict_error(
		    c, b,
		    arena_printf(m,
		                 "rollout '%s/%s' writes %s, as rollout '%s/%s' of %s:%d:%d does; "
		                 "give a version another service: name",
		                 b->ns, b->name, object, a->ns, a->name, a->file, a->line, a->col));
	else if (host >= 0 && shared_gateway(b, a))
		conflict_error(
		    c, b,
		    arena_printf(m,
		                 "rollout '%s/%s' routes host '%s' through gateway '%s', as "
		                 "rollout '%s/%s' of %s:%d:%d does; one host takes one "
		                 "VirtualService per gateway (IST0109)",
		                 b->ns, b->name, ro->hosts.v[host], shared_gateway(b, a), a->ns,
		                 a->name, a->file, a->line, a->col));
}

void
conflicts_add(struct conflicts *c, const struct rollout *ro, struct arena *scratch)
{
	struct conflict_rec *b = rec_new(c->arena, ro);
	struct keys_ctx probe = {c, NULL}, own = {c, b};

	b->seq = c->n++;
	rec_keys(b, 1, scratch, probe_key, &probe);
	if (probe.rec)
		conflict_report(c, b, probe.rec, ro, scratch);
	rec_keys(b, 0, scratch, own_key, &own);
	arena_reset(scratch);
}

void
conflicts_report(const struct conflicts *c, struct diags *d)
{
	for (const struct conflict_error *e = c->errors; e; e = e->next)
		diag_loc(d, DIAG_ERROR, e->file, e->line, e->col, "%s", e->msg);
}
