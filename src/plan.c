/* plan.c: the routing state of every stage, and its routes as nodes. */
#include "plan.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"

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

	if (proto == PROTO_HTTP || !mesh_only || !match || match->kind != NODE_SEQ ||
	    match->n == 0 || r->split == SPLIT_SERVICE) /* the version Services have the one port */
		return r->port;
	for (size_t i = 0; i < match->n; i++) {
		const struct node *p = node_get(match->kids[i], "port");
		if (!p || p->type != SCALAR_INT || (port >= 0 && p->ival != port))
			return r->port;
		port = p->ival;
	}
	return (int)port;
}

/* The free-form maps of a match block: two blocks may both set them, with other keys. */
static bool
is_keyed(const char *field)
{
	return !strcmp(field, "headers") || !strcmp(field, "queryParams") ||
	       !strcmp(field, "withoutHeaders") || !strcmp(field, "sourceLabels");
}

/* Whether map has key; nocase: as HTTP compares header names (query params and labels are
 * case-sensitive). */
static bool
has_key(const struct node *map, const char *key, bool nocase)
{
	for (size_t i = 0; i < map->n; i++)
		if (!(nocase ? strcasecmp : strcmp)(map->kids[2 * i]->str, key))
			return true;
	return false;
}

/* Labels of a match block, not conditions: the split route's stay. */
static bool
is_label(const char *field)
{
	return !strcmp(field, "name") || !strcmp(field, "statPrefix");
}

const char *
plan_match_clash(const struct node *x, const struct node *y, char *buf, size_t size)
{
	if (!x || x->kind != NODE_MAP || !y || y->kind != NODE_MAP)
		return NULL;
	/* ignoreUriCase in one block would change how the other's uri matches */
	if ((node_get(x, "uri") && node_get(y, "ignoreUriCase")) ||
	    (node_get(x, "ignoreUriCase") && node_get(y, "uri"))) {
		snprintf(buf, size, "uri (ignoreUriCase in one would change the other's)");
		return buf;
	}
	for (size_t i = 0; i < x->n; i++) {
		const char *field = x->kids[2 * i]->str;
		const struct node *mine = x->kids[2 * i + 1], *theirs = node_get(y, field);
		if (!theirs || is_label(field))
			continue;
		if (!is_keyed(field) || mine->kind != NODE_MAP || theirs->kind != NODE_MAP) {
			snprintf(buf, size, "%s", field);
			return buf;
		}
		for (size_t k = 0; k < mine->n; k++)
			if (has_key(theirs, mine->kids[2 * k]->str,
			            !strcmp(field, "headers") ||
			                !strcmp(field, "withoutHeaders"))) {
				snprintf(buf, size, "%s.%s", field, mine->kids[2 * k]->str);
				return buf;
			}
	}
	return NULL;
}

/* x and y as one match block: x's fields in order, then y's; a keyed map of both, joined. */
static struct node *
merge_block(const struct node *x, const struct node *y, struct arena *a)
{
	struct node *m = node_new_map(a, x->n + y->n);

	for (size_t i = 0; i < x->n; i++) {
		const struct node *key = x->kids[2 * i], *value = x->kids[2 * i + 1];
		const struct node *more = node_get(y, key->str);
		if (!more || is_label(key->str)) {
			node_map_add(m, (struct node *)key, (struct node *)value);
			continue;
		}
		struct node *both = node_new_map(a, value->n + more->n);
		for (size_t k = 0; k < value->n; k++)
			node_map_add(both, value->kids[2 * k], value->kids[2 * k + 1]);
		for (size_t k = 0; k < more->n; k++)
			node_map_add(both, more->kids[2 * k], more->kids[2 * k + 1]);
		node_map_add(m, (struct node *)key, both);
	}
	for (size_t i = 0; i < y->n; i++)
		if (!node_get(x, y->kids[2 * i]->str))
			node_map_add(m, y->kids[2 * i], y->kids[2 * i + 1]);
	return m;
}

struct node *
plan_match_merge(const struct node *x, const struct node *y, struct arena *a)
{
	if (!x || x->kind != NODE_SEQ || x->n == 0)
		return (struct node *)y;
	struct node *seq = node_new_seq(a, x->n * y->n);
	for (size_t i = 0; i < x->n; i++)
		for (size_t k = 0; k < y->n; k++)
			node_seq_add(seq, merge_block(x->kids[i], y->kids[k], a));
	return seq;
}

const char *
plan_route_name(const char *route, const char *stage_id, enum plan_kind kind, struct arena *a)
{
	return kind == PLAN_STICKY ? arena_printf(a, "%s-sticky", route)
	       : kind == PLAN_AB   ? arena_printf(a, "%s-%s", route, stage_id)
	                           : arena_printf(a, "%s-%s-mirror", route, stage_id);
}

bool
plan_sticky(const struct rollout *r, size_t s)
{
	return r->sticky_cookie && r->stages[s].weight > 0 && r->stages[s].weight < 100;
}

/* Version v (0 stable, 1 canary) as a destination: its subset of the host, or its Service. */
static struct plan_dest
version_dest(const struct rollout *r, size_t v, int port, int weight)
{
	if (r->split == SPLIT_SERVICE)
		return (struct plan_dest){r->subsets[v].service, NULL, port, weight, NULL};
	return (struct plan_dest){r->host, r->subsets[v].name, port, weight, NULL};
}

const char *
plan_regex_quote(const char *text, struct arena *a)
{
	struct buf b;

	buf_init(&b);
	for (const char *p = text; *p; p++) {
		if (strchr("\\.+*?()|[]{}^$", *p))
			buf_addc(&b, '\\');
		buf_addc(&b, *p);
	}
	const char *s = arena_strndup(a, b.data, b.len);
	buf_release(&b);
	return s;
}

/* The match block of a sticky user: the cookie, a whole cookie anywhere in the header. */
static struct node *
sticky_match(const struct rollout *r, struct arena *a)
{
	const char *cookie =
	    arena_printf(a, "^(.*?;\\s*)?(%s=%s)(;.*)?$", plan_regex_quote(r->sticky_cookie, a),
	                 plan_regex_quote(r->canary, a));
	struct node *regex = node_new_map(a, 1), *headers = node_new_map(a, 1);
	struct node *block = node_new_map(a, 1), *seq = node_new_seq(a, 1);

	node_map_add(regex, node_new_str(a, "regex"), node_new_str(a, cookie));
	node_map_add(headers, node_new_str(a, "cookie"), regex);
	node_map_add(block, node_new_str(a, "headers"), headers);
	node_seq_add(seq, block);
	return seq;
}

/* The routes stage s of r makes of the split http route spec, at out: those it puts before
 * it, then the route itself. Returns how many. */
static size_t
plan_http_split(const struct rollout *r, size_t s, const struct node *spec, int port,
                struct arena *a, struct plan_route *out)
{
	const struct stage *st = &r->stages[s];
	const struct node *match = node_get(spec, "match"), *name = node_get(spec, "name");
	const char *route_name = node_is_str(name) ? name->str : r->name, *id = st->id;
	struct plan_dest *split = arena_alloc(a, 2 * sizeof(*split));
	struct plan_dest *canary = arena_alloc(a, 2 * sizeof(*canary)); /* sticky, A/B */
	struct plan_dest mirror = version_dest(r, 1, port, -1);
	struct plan_route base = {.spec = spec,
	                          .dests = split,
	                          .ndests = 2,
	                          .timeout = r->timeout,
	                          .retries = &r->retries};
	size_t n = 0;

	split[0] = version_dest(r, 0, port, 100 - st->weight);
	split[1] = version_dest(r, 1, port, st->weight);
	canary[0] = canary[1] = version_dest(r, 1, port, -1);
	if (plan_sticky(r, s))
		split[1].set_cookie = canary->set_cookie =
		    arena_printf(a, "%s=%s; Max-Age=%lld; Path=/", r->sticky_cookie, r->canary,
		                 r->sticky_max_age);
	if (st->match) {
		out[n] = base;
		out[n].name = plan_route_name(route_name, id, PLAN_AB, a);
		out[n].match = plan_match_merge(match, st->match, a);
		out[n].dests = &canary[1];
		out[n++].ndests = 1;
	}
	if (plan_sticky(r, s)) {
		out[n] = base;
		out[n].name = plan_route_name(route_name, id, PLAN_STICKY, a);
		out[n].match = plan_match_merge(match, sticky_match(r, a), a);
		out[n].dests = canary;
		out[n++].ndests = 1;
	}
	if (st->mirror && st->mirror_match) {
		out[n] = base;
		out[n].name = plan_route_name(route_name, id, PLAN_MIRROR, a);
		out[n].match = plan_match_merge(match, st->mirror_match, a);
		out[n].mirror = mirror;
		out[n++].mirror_percent = st->mirror;
	}
	out[n] = base;
	if (st->mirror && !st->mirror_match) {
		out[n].mirror = mirror;
		out[n].mirror_percent = st->mirror;
	}
	return n + 1;
}

void
plan_stage(const struct rollout *r, size_t s, struct arena *a, struct plan_stage *out)
{
	int w = r->stages[s].weight;

	for (size_t p = 0; p < NPROTOS; p++) {
		const struct routes *rs = &r->routes[p];
		/* a split http route and at most three before it */
		size_t cap = p == PROTO_HTTP ? 4 * rs->n : rs->n, n = 0;
		struct plan_route *routes = arena_alloc(a, (cap ? cap : 1) * sizeof(*routes));
		for (size_t i = 0; i < rs->n; i++) {
			const struct node *spec = rs->v[i].spec;
			int port = route_port(r, (enum proto)p, spec);
			if (!rs->v[i].split) {
				routes[n++] = (struct plan_route){.spec = spec};
			} else if (p == PROTO_HTTP) {
				n += plan_http_split(r, s, spec, port, a, routes + n);
			} else {
				/* the stable version takes what the canary does not */
				struct plan_dest *d = arena_alloc(a, 2 * sizeof(*d));
				d[0] = version_dest(r, 0, port, 100 - w);
				d[1] = version_dest(r, 1, port, w);
				routes[n++] =
				    (struct plan_route){.spec = spec, .dests = d, .ndests = 2};
			}
		}
		out->routes[p] = routes;
		out->n[p] = n;
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

/* headers.response.add of a destination whose responses set a cookie. */
static struct node *
set_cookie_node(const char *cookie, struct arena *a)
{
	struct map add = {a, node_new_map(a, 1)}, response = {a, node_new_map(a, 1)};
	struct map headers = {a, node_new_map(a, 1)};

	put(&add, "Set-Cookie", node_new_str_or_none(a, cookie));
	put(&response, "add", done(&add));
	put(&headers, "response", done(&response));
	return done(&headers);
}

/* A destination: host, subset, port. */
static struct node *
destination_node(const struct plan_dest *d, struct arena *a)
{
	struct map dest = {a, node_new_map(a, 3)}, port = {a, node_new_map(a, 1)};

	put(&dest, "host", node_new_str_or_none(a, d->host));
	put(&dest, "subset", node_new_str_or_none(a, d->subset));
	put(&port, "number", d->port ? node_new_int_or_none(a, d->port) : NULL);
	put(&dest, "port", done(&port));
	return done(&dest);
}

static struct node *
dest_node(const struct plan_dest *d, struct arena *a)
{
	struct map item = {a, node_new_map(a, 3)};

	put(&item, "destination", destination_node(d, a));
	put(&item, "weight", node_new_int_or_none(a, d->weight));
	put(&item, "headers", set_cookie_node(d->set_cookie, a));
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

/* A percent as Istio's Percent writes it: a number. */
static struct node *
percent_node(const char *percent, struct arena *a)
{
	struct map value = {a, node_new_map(a, 1)};
	struct node *n = strchr(percent, '.') ? node_new_str(a, percent)
	                                      : node_new_int(a, strtoll(percent, NULL, 10));

	if (n->type == SCALAR_STR) { /* 12.5: a float, written as it is */
		n->type = SCALAR_FLOAT;
		n->plain = true;
	}
	put(&value, "value", n);
	return done(&value);
}

/* A split route, or a route before it: its fields in their order with its name and match,
 * the destinations after its match (else after its name, else first), then the defaults it
 * does not set and the stage's mirror. */
static struct node *
route_node(const struct plan_route *r, struct arena *a)
{
	const struct node *spec = r->spec;
	/* at most name, match, route, timeout, retries, mirror, mirrorPercentage more */
	struct map route = {a, node_new_map(a, spec->n + 7)};
	struct node *dests = node_new_seq(a, r->ndests);
	struct node *name = r->name ? node_new_str(a, r->name) : shared(node_get(spec, "name"));
	struct node *match = r->match ? shared(r->match) : shared(node_get(spec, "match"));
	bool has_name = node_get(spec, "name"), has_match = node_get(spec, "match");

	if (!r->dests)
		return shared(spec);
	for (size_t i = 0; i < r->ndests; i++)
		node_seq_add(dests, dest_node(&r->dests[i], a));
	if (!has_name) {
		put(&route, "name", name);
		if (!has_match) {
			put(&route, "match", match);
			put(&route, "route", dests);
		}
	}
	for (size_t i = 0; i < spec->n; i++) {
		const char *key = spec->kids[2 * i]->str;
		if (!strcmp(key, "name")) {
			put(&route, "name", name);
			if (!has_match) {
				put(&route, "match", match);
				put(&route, "route", dests);
			}
		} else if (!strcmp(key, "match")) {
			put(&route, "match", match);
			put(&route, "route", dests);
		} else {
			node_map_add(route.n, shared(spec->kids[2 * i]),
			             shared(spec->kids[2 * i + 1]));
		}
	}
	if (!node_get(spec, "timeout"))
		put(&route, "timeout", node_new_str_or_none(a, r->timeout));
	if (!node_get(spec, "retries") && r->retries)
		put(&route, "retries", retries_node(r->retries, a));
	if (r->mirror.host) {
		put(&route, "mirror", destination_node(&r->mirror, a));
		put(&route, "mirrorPercentage", percent_node(r->mirror_percent, a));
	}
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
