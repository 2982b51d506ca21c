/* routes.c: the rules of spec.http, spec.tcp and spec.tls that a schema cannot say. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "model.h"
#include "validate.h"

static const char *const protos[NPROTOS] = {"http", "tcp", "tls"};

/* What the rules of one rollout's routes compare against. */
struct ctx {
	struct diags *d;
	const char *host, *ns;    /* the host the split routes send to, in its namespace */
	bool services;            /* split: service: the host has no subsets */
	const char *subsets[258]; /* stable, canary, then spec.subsets */
	size_t nsubsets;
};

static bool
is_seq(const struct node *n)
{
	return n && n->kind == NODE_SEQ;
}

/* Whether a match block takes every request: it has no condition (a name, a stat prefix or
 * ignoreUriCase alone do not narrow it). */
bool
validate_match_is_empty(const struct node *m)
{
	for (size_t i = 0; m && m->kind == NODE_MAP && i < m->n; i++) {
		const char *k = m->kids[2 * i]->str;
		if (strcmp(k, "name") && strcmp(k, "statPrefix") && strcmp(k, "ignoreUriCase"))
			return false;
	}
	return true;
}

/* Whether a route takes every request that reaches it: no matches, or a match block without
 * conditions. */
static bool
route_takes_all(const struct node *route)
{
	const struct node *match = node_get(route, "match");

	if (!is_seq(match) || match->n == 0)
		return true;
	for (size_t i = 0; i < match->n; i++)
		if (validate_match_is_empty(match->kids[i]))
			return true;
	return false;
}

struct entry {
	const struct node *key, *value;
};

static int
entry_cmp(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;

	return strcmp(a->key->str, b->key->str);
}

/* A value in one spelling whatever its key order: for comparing match blocks. top: a match
 * block, whose name and statPrefix do not change what it matches. */
static void
canon(struct buf *b, const struct node *n, bool top)
{
	if (n->kind == NODE_SCALAR) {
		buf_addf(b, "%d:%zu:", (int)n->type, n->len);
		buf_add(b, n->str, n->len);
		return;
	}
	if (n->kind == NODE_SEQ) {
		buf_addc(b, '[');
		for (size_t i = 0; i < n->n; i++)
			canon(b, n->kids[i], false);
		buf_addc(b, ']');
		return;
	}
	struct entry *v = malloc((n->n ? n->n : 1) * sizeof(*v));
	if (!v)
		abort();
	for (size_t i = 0; i < n->n; i++)
		v[i] = (struct entry){n->kids[2 * i], n->kids[2 * i + 1]};
	qsort(v, n->n, sizeof(*v), entry_cmp);
	buf_addc(b, '{');
	for (size_t i = 0; i < n->n; i++) {
		if (top && (!strcmp(v[i].key->str, "name") || !strcmp(v[i].key->str, "statPrefix")))
			continue;
		canon(b, v[i].key, false);
		canon(b, v[i].value, false);
	}
	buf_addc(b, '}');
	free(v);
}

void
validate_canon(struct buf *b, const struct node *n)
{
	canon(b, n, false);
}

/* Routes after one that takes every request are never reached; a match block that an earlier
 * one repeats never matches. */
static void
check_reachable(struct ctx *c, const struct node *routes, const char *proto)
{
	size_t n = 0, k = 0, all = SIZE_MAX;

	for (size_t i = 0; i < routes->n; i++) {
		const struct node *match = node_get(routes->kids[i], "match");
		n += is_seq(match) ? match->n : 0;
	}
	const char **keys = calloc(n ? n : 1, sizeof(*keys));
	const struct node **at = calloc(n ? n : 1, sizeof(*at));
	size_t(*where)[2] = calloc(n ? n : 1, sizeof(*where));
	if (!keys || !at || !where)
		abort();
	for (size_t i = 0; i < routes->n; i++) {
		const struct node *route = routes->kids[i], *match = node_get(route, "match");
		if (all != SIZE_MAX)
			node_error(
			    c->d, route,
			    "spec.%s[%zu] is never reached: spec.%s[%zu] before it takes every "
			    "request; move this route before it, or give that one a match",
			    proto, i, proto, all);
		else if (route->kind == NODE_MAP && route_takes_all(route))
			all = i;
		for (size_t j = 0; is_seq(match) && j < match->n; j++) {
			struct buf b;
			buf_init(&b);
			canon(&b, match->kids[j], true);
			buf_addc(&b, '\0');
			keys[k] = strdup(b.data);
			buf_release(&b);
			if (!keys[k])
				abort();
			at[k] = match->kids[j];
			where[k][0] = i;
			where[k][1] = j;
			k++;
		}
	}
	size_t *same = earlier_same(keys, NULL, n);
	for (size_t i = 0; i < n; i++)
		if (same[i] != SIZE_MAX && where[i][0] <= all)
			node_error(c->d, at[i],
			           "spec.%s[%zu].match[%zu] never matches: spec.%s[%zu].match[%zu] "
			           "before it is the same; remove one of them",
			           proto, where[i][0], where[i][1], proto, where[same[i]][0],
			           where[same[i]][1]);
	for (size_t i = 0; i < n; i++)
		free((char *)keys[i]);
	free(same);
	free(where);
	free(at);
	free(keys);
}

/* http route names once each: Istio's metrics and Argo's managed routes tell routes by them. */
static void
check_names(struct ctx *c, const struct node *routes)
{
	const char **keys = calloc(routes->n ? routes->n : 1, sizeof(*keys));

	if (!keys)
		abort();
	for (size_t i = 0; i < routes->n; i++) {
		const struct node *name = node_get(routes->kids[i], "name");
		keys[i] = node_is_str(name) ? name->str : NULL;
	}
	size_t *same = earlier_same(keys, NULL, routes->n);
	for (size_t i = 0; i < routes->n; i++)
		if (same[i] != SIZE_MAX)
			node_error(
			    c->d, node_get(routes->kids[i], "name"),
			    "spec.http[%zu].name: '%s' is already the name of spec.http[%zu]", i,
			    keys[i], same[i]);
	free(same);
	free(keys);
}

/* Whether a destination sends to the rollout's host. */
static bool
to_our_host(const struct ctx *c, const struct node *dest)
{
	const struct node *host = node_get(dest, "host");

	return node_is_str(host) && host->str[0] != '*' && host_covers(host->str, c->host, c->ns);
}

/* A destination to the rollout's host names a subset the DestinationRule has. */
static void
check_destination(struct ctx *c, const struct node *dest, const char *path)
{
	const struct node *subset = node_get(dest, "subset");
	char list[512] = "";

	if (!to_our_host(c, dest) || !node_is_str(subset))
		return;
	if (c->services) {
		node_error(c->d, subset,
		           "%s.subset: under split: service, %s has no subsets; send to a "
		           "version's Service, or leave out subset",
		           path, c->host);
		return;
	}
	for (size_t i = 0; i < c->nsubsets; i++) {
		if (!strcmp(c->subsets[i], subset->str))
			return;
		size_t len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%s", len ? ", " : "", c->subsets[i]);
	}
	node_error(c->d, subset,
	           "%s.subset: '%s' is not a subset of %s; declare it in spec.subsets, or name "
	           "one of %s",
	           path, subset->str, c->host, list);
}

/* Whether a fixed route's destinations are exactly the stable and the canary version: what a
 * pasted VirtualService's split route looks like. */
static bool
is_pasted_split(const struct ctx *c, const struct node *route)
{
	bool seen[2] = {false, false};

	if (!is_seq(route) || route->n != 2)
		return false;
	for (size_t i = 0; i < 2; i++) {
		const struct node *dest = node_get(route->kids[i], "destination");
		const struct node *subset = node_get(dest, "subset");
		if (!to_our_host(c, dest) || !node_is_str(subset))
			return false;
		for (size_t v = 0; v < 2; v++)
			seen[v] |= !strcmp(subset->str, c->subsets[v]);
	}
	return seen[0] && seen[1];
}

/* A fixed route: subsets that exist, weights that add up to 100. */
static void
check_fixed(struct ctx *c, const struct node *route, const char *path)
{
	const struct node *dests = node_get(route, "route");
	long long sum = 0;
	bool ranged = true; /* every weight in 0..100: else the schema says so, and no more */
	char p[160];

	for (size_t i = 0; is_seq(dests) && i < dests->n; i++) {
		const struct node *w = node_get(dests->kids[i], "weight");
		snprintf(p, sizeof(p), "%s.route[%zu].destination", path, i);
		check_destination(c, node_get(dests->kids[i], "destination"), p);
		if (w && (w->kind != NODE_SCALAR || w->type != SCALAR_INT || w->ival < 0 ||
		          w->ival > 100))
			ranged = false;
		else if (w)
			sum += w->ival;
		if (dests->n == 1 && ranged && w && w->type == SCALAR_INT && w->ival != 100)
			node_error(c->d, w,
			           "%s.route[0].weight: the only destination of a route takes all "
			           "its requests; remove weight: %lld",
			           path, w->ival);
	}
	if (is_seq(dests) && dests->n > 1 && ranged && sum != 100)
		node_error(c->d, dests,
		           "%s.route: the weights add up to %lld; they must add up to 100", path,
		           sum);
	if (is_pasted_split(c, dests))
		node_warning(c->d, dests,
		             "%s.route: these are the stable and the canary version; remove its "
		             "route: so that meshroll splits it in every stage",
		             path);
}

/* What a redirect or a direct response leaves no room for (Istio's webhook refuses them). */
static void
check_answered(struct ctx *c, const struct node *route, const char *path)
{
	static const char *const answers[] = {"redirect", "directResponse"};
	static const char *const others[] = {"rewrite", "fault", "mirror", "mirrors", "retries"};

	for (size_t a = 0; a < 2; a++) {
		if (!node_get(route, answers[a]))
			continue;
		for (size_t o = 0; o < sizeof(others) / sizeof(others[0]); o++)
			if (node_get_key(route, others[o]))
				node_error(
				    c->d, node_get_key(route, others[o]),
				    "%s.%s: a route that answers with %s sends nothing on; remove "
				    "%s",
				    path, others[o], answers[a], others[o]);
	}
}

/* CORS: maxAge in whole seconds, no empty origin. */
static void
check_cors(struct ctx *c, const struct node *cors, const char *path)
{
	const struct node *age = node_get(cors, "maxAge"),
	                  *origins = node_get(cors, "allowOrigins");
	long long ns;

	if (node_is_str(age) && duration_parse(age->str, &ns) == 0 && ns % 1000000000LL)
		node_error(c->d, age,
		           "%s.corsPolicy.maxAge: '%s' is not a whole number of seconds, which "
		           "is all CORS can say",
		           path, age->str);
	for (size_t i = 0; is_seq(origins) && i < origins->n; i++) {
		const struct node *m = origins->kids[i];
		for (size_t k = 0; m->kind == NODE_MAP && k < m->n; k++)
			if (node_is_str(m->kids[2 * k + 1]) && !m->kids[2 * k + 1]->len)
				node_error(
				    c->d, m->kids[2 * k + 1],
				    "%s.corsPolicy.allowOrigins[%zu]: an empty origin matches "
				    "nothing; remove it",
				    path, i);
	}
}

/* Header operations may not remove the Host header: Istio's webhook refuses it. */
static void
check_headers(struct ctx *c, const struct node *headers, const char *path)
{
	static const char *const sides[] = {"request", "response"};

	for (size_t s = 0; s < 2; s++) {
		const struct node *remove = node_get(node_get(headers, sides[s]), "remove");
		for (size_t i = 0; is_seq(remove) && i < remove->n; i++)
			if (node_is_str(remove->kids[i]) &&
			    !strcasecmp(remove->kids[i]->str, "host"))
				node_error(c->d, remove->kids[i],
				           "%s.%s.remove[%zu]: the Host header cannot be removed",
				           path, sides[s], i);
	}
}

static void
check_http_route(struct ctx *c, const struct node *route, const char *path)
{
	const struct node *fault = node_get(route, "fault");
	const struct node *mirrors = node_get(route, "mirrors"), *dests = node_get(route, "route");
	static const char *const mirroring[] = {"mirror", "mirrors", NULL};
	char p[160];

	snprintf(p, sizeof(p), "%s.mirror", path);
	check_destination(c, node_get(route, "mirror"), p);
	for (size_t i = 0; is_seq(mirrors) && i < mirrors->n; i++) {
		snprintf(p, sizeof(p), "%s.mirrors[%zu].destination", path, i);
		check_destination(c, node_get(mirrors->kids[i], "destination"), p);
	}
	validate_one_of(c->d, route, mirroring, path, false);
	check_answered(c, route, path);
	check_cors(c, node_get(route, "corsPolicy"), path);
	snprintf(p, sizeof(p), "%s.headers", path);
	check_headers(c, node_get(route, "headers"), p);
	for (size_t i = 0; is_seq(dests) && i < dests->n; i++) {
		snprintf(p, sizeof(p), "%s.route[%zu].headers", path, i);
		check_headers(c, node_get(dests->kids[i], "headers"), p);
	}

	snprintf(p, sizeof(p), "%s.fault.delay", path);
	validate_deprecated(c->d, node_get(fault, "delay"), "percent", "percentage", p,
	                    "fault.delay.percentage.value");
	snprintf(p, sizeof(p), "%s.fault.abort", path);
	validate_deprecated(c->d, node_get(fault, "abort"), "percent", "percentage", p,
	                    "fault.abort.percentage.value");
	static const char *const targets[] = {"route", "redirect", "directResponse", "delegate",
	                                      NULL};
	static const char *const codes[] = {"httpStatus", "grpcStatus", "http2Error", NULL};
	static const char *const ports[] = {"port", "derivePort", NULL};
	validate_one_of(c->d, route, targets, path, false);
	snprintf(p, sizeof(p), "%s.fault.abort", path);
	validate_one_of(c->d, node_get(fault, "abort"), codes, p, true);
	const struct node *h2 = node_get_key(node_get(fault, "abort"), "http2Error");
	if (h2)
		node_error(c->d, h2,
		           "%s.http2Error: Istio does not support it yet; use httpStatus or "
		           "grpcStatus",
		           p);
	snprintf(p, sizeof(p), "%s.retries", path);
	validate_retries(c->d, node_get(route, "retries"), p);
	snprintf(p, sizeof(p), "%s.redirect", path);
	validate_one_of(c->d, node_get(route, "redirect"), ports, p, false);
	snprintf(p, sizeof(p), "%s.corsPolicy", path);
	validate_deprecated(c->d, node_get(route, "corsPolicy"), "allowOrigin", "allowOrigins", p,
	                    "corsPolicy.allowOrigins[].exact");
}

/* The SNI hosts of a tls route's matches: each within the VirtualService's hosts. */
static void
check_sni(struct ctx *c, const struct node *spec, const struct node *route, const char *path)
{
	const struct node *hosts = node_get(spec, "hosts"), *match = node_get(route, "match");

	if (is_seq(hosts) && hosts->n > 64) /* past the schema's limit, which says so: this would
	                                     * compare every SNI host with every host */
		return;
	for (size_t m = 0; is_seq(match) && m < match->n; m++) {
		const struct node *sni = node_get(match->kids[m], "sniHosts");
		for (size_t i = 0; is_seq(sni) && i < sni->n; i++) {
			const struct node *h = sni->kids[i];
			bool in = false;
			if (!node_is_str(h))
				continue;
			if (!is_seq(hosts))
				in = host_covers(c->host, h->str, c->ns);
			for (size_t k = 0; is_seq(hosts) && k < hosts->n; k++)
				in |= node_is_str(hosts->kids[k]) &&
				      host_covers(hosts->kids[k]->str, h->str, c->ns);
			if (!in)
				node_error(
				    c->d, h,
				    "%s.match[%zu].sniHosts[%zu]: '%s' is not among spec.hosts; "
				    "Istio takes only SNI hosts of the VirtualService's hosts",
				    path, m, i, h->str);
		}
	}
}

void
validate_routes(const struct node *spec, const char *name, const char *ns, struct diags *d)
{
	const struct node *host = node_get(spec, "host"), *subsets = node_get(spec, "subsets");
	const struct node *given = NULL;
	const char *given_proto = NULL;
	const struct node *split = node_get(spec, "split");
	struct ctx c = {.d = d,
	                .host = node_is_str(host) ? host->str : name,
	                .ns = ns,
	                .services = node_is_str(split) && !strcmp(split->str, "service")};
	static const char *const versions[] = {"stable", "canary"};
	size_t nsplit = 0;

	if (!c.host)
		return;
	for (size_t v = 0; v < 2; v++) {
		const struct node *ver = node_get(spec, versions[v]);
		const struct node *vname =
		    ver && ver->kind == NODE_MAP ? node_get(ver, "name") : ver;
		c.subsets[c.nsubsets++] = node_is_str(vname) ? vname->str : "";
	}
	for (size_t i = 0; is_seq(subsets) && i < subsets->n && c.nsubsets < 258; i++) {
		const struct node *sname = node_get(subsets->kids[i], "name");
		if (node_is_str(sname))
			c.subsets[c.nsubsets++] = sname->str;
	}
	for (size_t p = 0; p < NPROTOS; p++) {
		const struct node *routes = node_get(spec, protos[p]);
		if (!is_seq(routes))
			continue;
		if (!given) {
			given = routes;
			given_proto = protos[p];
		}
		check_reachable(&c, routes, protos[p]);
		if (p == PROTO_HTTP)
			check_names(&c, routes);
		for (size_t i = 0; i < routes->n; i++) {
			const struct node *route = routes->kids[i];
			const struct node *delegate = node_get_key(route, "delegate");
			char path[64];
			if (route->kind != NODE_MAP)
				continue;
			snprintf(path, sizeof(path), "spec.%s[%zu]", protos[p], i);
			if (delegate)
				node_error(
				    d, delegate,
				    "%s.delegate: meshroll writes no delegate VirtualService; "
				    "put the delegate's routes in spec.http",
				    path);
			if (model_route_is_split(route))
				nsplit++;
			else
				check_fixed(&c, route, path);
			if (p == PROTO_HTTP)
				check_http_route(&c, route, path);
			if (p == PROTO_TLS)
				check_sni(&c, spec, route, path);
		}
	}
	if (given && !nsplit)
		node_error(
		    d, given,
		    "spec.%s: no split route: every route of spec.http, spec.tcp and spec.tls has "
		    "route, redirect, directResponse or delegate; leave route: out of the "
		    "routes meshroll should split between the versions",
		    given_proto);
}
