/* gateway.c: provider: gateway-api, the plan of a stage as an HTTPRoute. */
#include "gateway.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "validate.h"

/* Adds key to map when value has one. */
static void
put(struct node *map, struct arena *a, const char *key, struct node *value)
{
	if (value)
		node_map_add(map, node_new_str(a, key), value);
}

static struct node *
nonempty(struct node *n)
{
	return n && n->n ? n : NULL;
}

bool
gw_starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

bool
gw_service_of(const char *host, const char *ns, struct arena *a, struct gw_svc *out)
{
	const char *dot = strchr(host, '.'), *dot2 = dot ? strchr(dot + 1, '.') : NULL;

	if (!dot) {
		*out = (struct gw_svc){host, NULL};
		return host[0] != '*';
	}
	if (!dot2 || strcmp(dot2, ".svc.cluster.local") || dot == host || dot2 == dot + 1)
		return false;
	out->name = arena_strndup(a, host, (size_t)(dot - host));
	out->ns = arena_strndup(a, dot + 1, (size_t)(dot2 - dot - 1));
	if (!strcmp(out->ns, ns))
		out->ns = NULL;
	return true;
}

/* Gateway API's hostname: RFC 1123 labels, lowercase, maybe a leading "*." label. */
bool
gw_is_hostname(const char *s)
{
	size_t label = 0;

	if (gw_starts(s, "*."))
		s += 2;
	if (!*s || strlen(s) > 253)
		return false;
	for (const char *p = s; *p; p++) {
		bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				return false;
			label = 0;
		} else if (alnum || (*p == '-' && label > 0)) {
			label++;
		} else {
			return false;
		}
	}
	return label > 0 && s[strlen(s) - 1] != '-';
}

/* A rule's name: a lowercase DNS subdomain (Gateway API's SectionName). */
bool
gw_is_rule_name(const char *s)
{
	return !gw_starts(s, "*.") && gw_is_hostname(s);
}

/* A Go duration as Gateway API writes one: up to four of 5-digit h, m, s, ms; NULL when
 * it has no such form (over 99999h, or finer than a millisecond). */
const char *
gw_duration(const char *istio, struct arena *a)
{
	static const struct {
		const char *unit;
		long long ms;
	} units[] = {{"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1}};
	long long ns, ms;
	char out[64];
	size_t len = 0;

	if (!istio || duration_parse(istio, &ns) < 0 || ns < 0 || ns % 1000000)
		return NULL;
	ms = ns / 1000000;
	if (ms == 0)
		return "0s";
	if (ms / units[0].ms > 99999)
		return NULL;
	for (size_t i = 0; i < 4; i++, ms %= units[i - 1].ms)
		if (ms / units[i].ms)
			len += (size_t)snprintf(out + len, sizeof(out) - len, "%lld%s",
			                        ms / units[i].ms, units[i].unit);
	return arena_strdup(a, out);
}

/* An Istio destination's host; "" when it has none (validate_gateway() refused it). */
static const char *
host_of(const struct node *dest)
{
	const struct node *host = node_get(dest, "host");

	return node_is_str(host) ? host->str : "";
}

/* A backendRef to a Service host (one gw_service_of() takes), with its port. */
static struct node *
backend_ref(const char *host, long long port, const struct rollout *r, struct arena *a)
{
	struct node *ref = node_new_map(a, 6);
	struct gw_svc s;

	if (!gw_service_of(host, r->ns, a, &s))
		s = (struct gw_svc){host, NULL}; /* validate_gateway() refused it */
	put(ref, a, "name", node_new_str(a, s.name));
	put(ref, a, "namespace", node_new_str_or_none(a, s.ns));
	put(ref, a, "port", port > 0 ? node_new_int(a, port) : NULL);
	return ref;
}

/* Istio's {name: value} headers as Gateway API's [{name, value}]. */
static struct node *
header_list(const struct node *map, struct arena *a)
{
	if (!map || map->kind != NODE_MAP || map->n == 0)
		return NULL;
	struct node *seq = node_new_seq(a, map->n);
	for (size_t i = 0; i < map->n; i++) {
		struct node *h = node_new_map(a, 2);
		put(h, a, "name", map->kids[2 * i]);
		put(h, a, "value", map->kids[2 * i + 1]);
		node_seq_add(seq, h);
	}
	return seq;
}

/* A filter: {type: type, field: value}. */
static struct node *
filter(const char *type, const char *field, struct node *value, struct arena *a)
{
	struct node *f = node_new_map(a, 2);

	if (!value)
		return NULL;
	put(f, a, "type", node_new_str(a, type));
	put(f, a, field, value);
	return f;
}

/* Istio's header operations {set, add, remove} as a header modifier filter. */
static struct node *
header_filter(const struct node *ops, bool response, struct arena *a)
{
	struct node *mod = node_new_map(a, 3);
	const struct node *remove = node_get(ops, "remove");

	put(mod, a, "set", header_list(node_get(ops, "set"), a));
	put(mod, a, "add", header_list(node_get(ops, "add"), a));
	put(mod, a, "remove", nonempty((struct node *)remove));
	return filter(response ? "ResponseHeaderModifier" : "RequestHeaderModifier",
	              response ? "responseHeaderModifier" : "requestHeaderModifier", nonempty(mod),
	              a);
}

/* Istio's headers {request, response} as filters, added to seq. */
static void
add_header_filters(struct node *seq, const struct node *headers, struct arena *a)
{
	struct node *f;

	if ((f = header_filter(node_get(headers, "request"), false, a)))
		node_seq_add(seq, f);
	if ((f = header_filter(node_get(headers, "response"), true, a)))
		node_seq_add(seq, f);
}

static long long
gcd(long long x, long long y)
{
	while (y) {
		long long t = x % y;
		x = y;
		y = t;
	}
	return x;
}

/* A RequestMirror to host: percent (its shortest decimal, NULL: all) as percent, or as a
 * fraction when it has decimals (12.5 is 1/8). */
static struct node *
mirror_filter(const char *host, long long port, const char *percent, const struct rollout *r,
              struct arena *a)
{
	struct node *m = node_new_map(a, 2);
	const char *dot = percent ? strchr(percent, '.') : NULL;

	put(m, a, "backendRef", backend_ref(host, port, r, a));
	if (percent && !dot) {
		put(m, a, "percent", node_new_int(a, strtoll(percent, NULL, 10)));
	} else if (dot) {
		long long num = strtoll(percent, NULL, 10), den = 100;
		for (const char *p = dot + 1; *p; p++, den *= 10)
			num = num * 10 + (*p - '0');
		long long g = gcd(num, den);
		struct node *frac = node_new_map(a, 2);
		put(frac, a, "numerator", node_new_int(a, num / g));
		put(frac, a, "denominator", node_new_int(a, den / g));
		put(m, a, "fraction", frac);
	}
	return filter("RequestMirror", "requestMirror", m, a);
}

/* The port of an Istio destination: its own, else spec.port for spec.host; 0: none. */
static long long
dest_port(const struct node *dest, const struct rollout *r)
{
	const struct node *number = node_get(node_get(dest, "port"), "number");
	const struct node *host = node_get(dest, "host");

	if (number && number->type == SCALAR_INT)
		return number->ival;
	return node_is_str(host) && host_covers(host->str, r->host, r->ns) ? r->port : 0;
}

/* Istio's mirror destination and mirrorPercentage as a RequestMirror. */
static struct node *
istio_mirror(const struct node *dest, const struct node *percentage, const struct rollout *r,
             struct arena *a)
{
	char buf[16];
	const char *percent = percentage ? model_percent(node_get(percentage, "value"), buf) : NULL;

	return mirror_filter(host_of(dest), dest_port(dest, r), percent, r, a);
}

static struct node *
redirect_filter(const struct node *rd, struct arena *a)
{
	struct node *m = node_new_map(a, 5), *path = NULL;
	const struct node *code = node_get(rd, "redirectCode"), *uri = node_get(rd, "uri");

	if (uri) {
		path = node_new_map(a, 2);
		put(path, a, "type", node_new_str(a, "ReplaceFullPath"));
		put(path, a, "replaceFullPath", (struct node *)uri);
	}
	put(m, a, "scheme", node_get(rd, "scheme"));
	put(m, a, "hostname", node_get(rd, "authority"));
	put(m, a, "path", path);
	put(m, a, "port", node_get(rd, "port"));
	/* Istio's default is 301, Gateway API's 302: always say which */
	put(m, a, "statusCode", code ? (struct node *)code : node_new_int(a, 301));
	return filter("RequestRedirect", "requestRedirect", m, a);
}

static struct node *
rewrite_filter(const struct node *rw, struct arena *a)
{
	struct node *m = node_new_map(a, 2), *path = NULL;
	const struct node *uri = node_get(rw, "uri");

	if (uri) {
		path = node_new_map(a, 2);
		put(path, a, "type", node_new_str(a, "ReplaceFullPath"));
		put(path, a, "replaceFullPath", (struct node *)uri);
	}
	put(m, a, "hostname", node_get(rw, "authority"));
	put(m, a, "path", path);
	return filter("URLRewrite", "urlRewrite", nonempty(m), a);
}

static struct node *
cors_filter(const struct node *cors, struct arena *a)
{
	static const char *const same[] = {"allowMethods", "allowHeaders", "exposeHeaders"};
	const struct node *origins = node_get(cors, "allowOrigins"),
	                  *age = node_get(cors, "maxAge");
	struct node *m = node_new_map(a, 6), *creds = node_get(cors, "allowCredentials");
	long long ns;

	if (origins && origins->kind == NODE_SEQ) {
		struct node *seq = node_new_seq(a, origins->n);
		for (size_t i = 0; i < origins->n; i++)
			if (node_get(origins->kids[i], "exact"))
				node_seq_add(seq, node_get(origins->kids[i], "exact"));
		put(m, a, "allowOrigins", nonempty(seq));
	}
	for (size_t i = 0; i < 3; i++)
		put(m, a, same[i], nonempty(node_get(cors, same[i])));
	if (node_is_str(age) && duration_parse(age->str, &ns) == 0)
		put(m, a, "maxAge", node_new_int(a, ns / 1000000000));
	put(m, a, "allowCredentials", creds);
	return filter("CORS", "cors", m, a);
}

/* A match block's conditions other than its uri, in one spelling: blocks that differ only in
 * their uri have the same. Labels (name, statPrefix) do not count. */
static const char *
block_rest(const struct node *block, struct arena *a)
{
	struct node *rest = node_new_map(a, block->n);
	struct buf b;

	for (size_t i = 0; i < block->n; i++) {
		const char *key = block->kids[2 * i]->str;
		if (strcmp(key, "uri") && strcmp(key, "name") && strcmp(key, "statPrefix"))
			node_map_add(rest, block->kids[2 * i], block->kids[2 * i + 1]);
	}
	buf_init(&b);
	validate_canon(&b, rest);
	const char *s = arena_strndup(a, b.data, b.len);
	buf_release(&b);
	return s;
}

const char *
gw_uri_of(const struct node *block, const char *how)
{
	const struct node *v = node_get(node_get(block, "uri"), how);
	return node_is_str(v) ? v->str : NULL;
}

/* The block, among list's others, with uri exact value and the same other conditions as
 * block; SIZE_MAX for none. */
static size_t
exact_partner(const struct node *list, size_t self, const char *value, struct arena *a)
{
	const char *rest = NULL;

	for (size_t k = 0; k < list->n; k++) {
		const char *exact = gw_uri_of(list->kids[k], "exact");
		if (k == self || !exact || strcmp(exact, value))
			continue;
		if (!rest)
			rest = block_rest(list->kids[self], a);
		if (!strcmp(rest, block_rest(list->kids[k], a)))
			return k;
	}
	return SIZE_MAX;
}

/* Istio's match list (NULL or empty: every request) as Gateway API matches, into out (room
 * for list->n, at least 1); returns how many. A prefix X/ beside an exact X with the same other
 * conditions is one PathPrefix X, which takes the same paths; another prefix matches
 * characters, which only a regular expression says. */
size_t
gw_matches(const struct node *list, struct gw_match *out, struct arena *a)
{
	if (!list || list->kind != NODE_SEQ || list->n == 0) {
		out[0] = (struct gw_match){.path = GW_ANY};
		return 1;
	}
	bool *gone = arena_alloc(a, list->n);
	const char **segments = arena_alloc(a, list->n * sizeof(*segments));
	size_t n = 0;

	for (size_t i = 0; i < list->n; i++) {
		const char *p = gw_uri_of(list->kids[i], "prefix");
		size_t len = p ? strlen(p) : 0;
		/* X/ with X: not when X ends in /, which PathPrefix would ignore (X// is no pair)
		 */
		if (len < 3 || p[len - 1] != '/' || p[len - 2] == '/' || gone[i])
			continue;
		const char *whole = arena_strndup(a, p, len - 1);
		size_t k = exact_partner(list, i, whole, a);
		if (k != SIZE_MAX && !gone[k]) {
			gone[k] = true;
			segments[i] = whole;
		}
	}
	for (size_t i = 0; i < list->n; i++) {
		const struct node *block = list->kids[i];
		const struct node *method = node_get(node_get(block, "method"), "exact");
		struct gw_match m = {.path = GW_ANY, .at = block};
		const char *v;
		if (gone[i])
			continue;
		if (segments[i])
			m.path = GW_PREFIX, m.value = segments[i];
		else if ((v = gw_uri_of(block, "exact")))
			m.path = GW_EXACT, m.value = v;
		else if ((v = gw_uri_of(block, "regex")))
			m.path = GW_REGEX, m.value = v;
		else if ((v = gw_uri_of(block, "prefix")))
			m.path = v[0] == '\0' || !strcmp(v, "/") ? GW_PREFIX : GW_CHARS,
			m.value = v[0] ? v : "/";
		m.method = node_is_str(method) ? method->str : NULL;
		m.headers = node_get(block, "headers");
		m.query = node_get(block, "queryParams");
		out[n++] = m;
	}
	return n;
}

bool
gw_takes_all(const struct gw_match *m)
{
	return m->path == GW_ANY && !m->method && !nonempty((struct node *)m->headers) &&
	       !nonempty((struct node *)m->query);
}

/* A RegularExpression that takes what Istio's StringMatch sm takes ({}: presence). */
const char *
gw_value_regex(const struct node *sm, struct arena *a)
{
	const struct node *prefix = node_get(sm, "prefix"), *regex = node_get(sm, "regex");

	if (node_is_str(regex))
		return regex->str;
	return arena_printf(a, "%s.*", node_is_str(prefix) ? plan_regex_quote(prefix->str, a) : "");
}

/* Istio's headers or queryParams map as Gateway API's list of matches. */
static struct node *
value_matches(const struct node *map, struct arena *a)
{
	if (!map || map->kind != NODE_MAP || map->n == 0)
		return NULL;
	struct node *seq = node_new_seq(a, map->n);
	for (size_t i = 0; i < map->n; i++) {
		const struct node *sm = map->kids[2 * i + 1], *exact = node_get(sm, "exact");
		struct node *h = node_new_map(a, 3);
		put(h, a, "name", map->kids[2 * i]);
		if (!node_is_str(exact))
			put(h, a, "type", node_new_str(a, "RegularExpression"));
		put(h, a, "value",
		    node_is_str(exact) ? (struct node *)exact
		                       : node_new_str(a, gw_value_regex(sm, a)));
		node_seq_add(seq, h);
	}
	return seq;
}

/* The regular expression of a path match that is one. */
const char *
gw_path_regex(const struct gw_match *m, struct arena *a)
{
	return m->path == GW_CHARS ? arena_printf(a, "%s.*", plan_regex_quote(m->value, a))
	                           : m->value;
}

static struct node *
match_node(const struct gw_match *m, struct arena *a)
{
	static const char *const types[] = {
	    [GW_EXACT] = "Exact",
	    [GW_PREFIX] = "PathPrefix",
	    [GW_CHARS] = "RegularExpression",
	    [GW_REGEX] = "RegularExpression",
	};
	struct node *match = node_new_map(a, 4);

	if (m->path != GW_ANY) {
		struct node *path = node_new_map(a, 2);
		bool regex = m->path == GW_CHARS || m->path == GW_REGEX;
		put(path, a, "type", node_new_str(a, types[m->path]));
		put(path, a, "value", node_new_str(a, regex ? gw_path_regex(m, a) : m->value));
		put(match, a, "path", path);
	}
	put(match, a, "headers", value_matches(m->headers, a));
	put(match, a, "queryParams", value_matches(m->query, a));
	put(match, a, "method", node_new_str_or_none(a, m->method));
	return match;
}

/* The matches of a rule; NULL when one takes every request (the rule has none). */
static struct node *
matches_node(const struct node *list, struct arena *a)
{
	size_t cap = list && list->kind == NODE_SEQ && list->n ? list->n : 1;
	struct gw_match *ms = arena_alloc(a, cap * sizeof(*ms));
	size_t n = gw_matches(list, ms, a);
	struct node *seq = node_new_seq(a, n);

	for (size_t i = 0; i < n; i++) {
		if (gw_takes_all(&ms[i]))
			return NULL;
		node_seq_add(seq, match_node(&ms[i], a));
	}
	return seq;
}

/* The response filter that sets a sticky cookie. */
static struct node *
cookie_filter(const char *cookie, struct arena *a)
{
	struct node *h = node_new_map(a, 2), *add = node_new_seq(a, 1), *mod = node_new_map(a, 1);

	put(h, a, "name", node_new_str(a, "Set-Cookie"));
	put(h, a, "value", node_new_str(a, cookie));
	node_seq_add(add, h);
	put(mod, a, "add", add);
	return filter("ResponseHeaderModifier", "responseHeaderModifier", mod, a);
}

/* A route's backends: the plan's weighted versions, or the destinations the route names. */
static struct node *
backends_node(const struct rollout *r, const struct plan_route *pr, struct arena *a)
{
	const struct node *route = node_get(pr->spec, "route");
	size_t n = pr->dests ? pr->ndests : route && route->kind == NODE_SEQ ? route->n : 0;
	struct node *seq = node_new_seq(a, n);

	for (size_t i = 0; i < n; i++) {
		struct node *ref, *filters = node_new_seq(a, 2);
		if (pr->dests) {
			const struct plan_dest *d = &pr->dests[i];
			ref = backend_ref(d->host, d->port, r, a);
			put(ref, a, "weight", node_new_int_or_none(a, d->weight));
			if (d->set_cookie)
				node_seq_add(filters, cookie_filter(d->set_cookie, a));
		} else {
			const struct node *item = route->kids[i],
			                  *dest = node_get(item, "destination");
			ref = backend_ref(host_of(dest), dest_port(dest, r), r, a);
			/* beside others, a destination without a weight has none (Istio's 0);
			 * Gateway API's default is 1 */
			put(ref, a, "weight",
			    node_get(item, "weight") ? node_get(item, "weight")
			    : n > 1                  ? node_new_int(a, 0)
			                             : NULL);
			add_header_filters(filters, node_get(item, "headers"), a);
		}
		put(ref, a, "filters", nonempty(filters));
		node_seq_add(seq, ref);
	}
	return nonempty(seq);
}

/* A route's filters: header modifiers, redirect, rewrite, mirrors, CORS. */
static struct node *
filters_node(const struct rollout *r, const struct plan_route *pr, struct arena *a)
{
	const struct node *spec = pr->spec, *mirrors = node_get(spec, "mirrors");
	const struct node *mirror = node_get(spec, "mirror");
	size_t nmirrors = mirrors && mirrors->kind == NODE_SEQ ? mirrors->n : 0;
	struct node *seq = node_new_seq(a, 6 + nmirrors), *f;

	add_header_filters(seq, node_get(spec, "headers"), a);
	if ((f = node_get(spec, "redirect")))
		node_seq_add(seq, redirect_filter(f, a));
	if ((f = rewrite_filter(node_get(spec, "rewrite"), a)))
		node_seq_add(seq, f);
	if (pr->mirror.host)
		node_seq_add(
		    seq, mirror_filter(pr->mirror.host, pr->mirror.port, pr->mirror_percent, r, a));
	else if (mirror)
		node_seq_add(seq, istio_mirror(mirror, node_get(spec, "mirrorPercentage"), r, a));
	for (size_t i = 0; i < nmirrors; i++)
		node_seq_add(seq, istio_mirror(node_get(mirrors->kids[i], "destination"),
		                               node_get(mirrors->kids[i], "percentage"), r, a));
	if ((f = node_get(spec, "corsPolicy")))
		node_seq_add(seq, cors_filter(f, a));
	return nonempty(seq);
}

/* The name of a plan route; NULL: none. */
const char *
gw_route_name(const struct plan_route *pr)
{
	const struct node *name = node_get(pr->spec, "name");

	return pr->name ? pr->name : node_is_str(name) ? name->str : NULL;
}

static struct node *
rule_node(const struct rollout *r, const struct plan_route *pr, struct arena *a)
{
	const struct node *timeout = node_get(pr->spec, "timeout");
	const char *t = gw_duration(node_is_str(timeout) ? timeout->str : pr->timeout, a);
	struct node *rule = node_new_map(a, 5), *timeouts = node_new_map(a, 1);

	put(rule, a, "name", node_new_str_or_none(a, gw_route_name(pr)));
	put(rule, a, "matches",
	    matches_node(pr->match ? pr->match : node_get(pr->spec, "match"), a));
	put(rule, a, "filters", filters_node(r, pr, a));
	put(rule, a, "backendRefs", backends_node(r, pr, a));
	put(timeouts, a, "request", node_new_str_or_none(a, t));
	put(rule, a, "timeouts", nonempty(timeouts));
	return rule;
}

struct node *
gateway_rules(const struct rollout *r, const struct plan_stage *p, struct arena *a)
{
	struct node *rules = node_new_seq(a, p->n[PROTO_HTTP]);

	for (size_t i = 0; i < p->n[PROTO_HTTP]; i++)
		node_seq_add(rules, rule_node(r, &p->routes[PROTO_HTTP][i], a));
	return nonempty(rules);
}

bool
gw_is_mesh(const char *gateway)
{
	return !strcmp(gateway, "mesh");
}

/* A Gateway as Istio names it: "name", "ns/name" or "name.ns.svc.cluster.local". */
static struct node *
gateway_ref(const char *gw, struct arena *a)
{
	const char *slash = strchr(gw, '/'), *dot = strchr(gw, '.');
	struct node *ref = node_new_map(a, 2);

	if (slash) {
		put(ref, a, "name", node_new_str(a, slash + 1));
		put(ref, a, "namespace",
		    node_new_str(a, arena_strndup(a, gw, (size_t)(slash - gw))));
	} else if (dot) {
		put(ref, a, "name", node_new_str(a, arena_strndup(a, gw, (size_t)(dot - gw))));
		put(ref, a, "namespace",
		    node_new_str(a, arena_strndup(a, dot + 1, strcspn(dot + 1, "."))));
	} else {
		put(ref, a, "name", node_new_str(a, gw));
	}
	return ref;
}

struct node *
gateway_parent_refs(const struct rollout *r, struct arena *a)
{
	struct node *refs = node_new_seq(a, r->gateways.n + 1);
	struct buf seen; /* the parents written, as "namespace/name\n" ("mesh" for the mesh) */

	buf_init(&seen);
	buf_addc(&seen, '\n');
	for (size_t i = 0; i < (r->gateways.n ? r->gateways.n : 1); i++) {
		bool mesh = !r->gateways.n || gw_is_mesh(r->gateways.v[i]);
		struct node *gw = mesh ? NULL : gateway_ref(r->gateways.v[i], a);
		const struct node *gw_ns = node_get(gw, "namespace");
		const char *key = mesh ? "\nmesh\n"
		                       : arena_printf(a, "\n%s/%s\n", gw_ns ? gw_ns->str : r->ns,
		                                      node_get(gw, "name")->str);
		if (strstr(seen.data, key)) /* Istio takes a gateway named twice once */
			continue;
		buf_adds(&seen, key + 1);
		if (!mesh) {
			node_seq_add(refs, gw);
			continue;
		}
		/* GAMMA: the Service itself; group "" is core (the CRD's default is Gateway's) */
		struct node *ref = backend_ref(r->host, r->port, r, a);
		struct node *svc = node_new_map(a, 5);
		put(svc, a, "group", node_new_str(a, ""));
		put(svc, a, "kind", node_new_str(a, "Service"));
		for (size_t k = 0; k < ref->n; k++)
			node_map_add(svc, ref->kids[2 * k], ref->kids[2 * k + 1]);
		node_seq_add(refs, svc);
	}
	buf_release(&seen);
	return refs;
}

struct node *
gateway_hostnames(const struct rollout *r, struct arena *a)
{
	bool gateway = false;

	for (size_t i = 0; i < r->gateways.n; i++)
		gateway |= !gw_is_mesh(r->gateways.v[i]);
	for (size_t i = 0; i < r->hosts.n; i++)
		if (!strcmp(r->hosts.v[i], "*"))
			return NULL;
	if (!gateway || r->hosts.n == 0)
		return NULL;
	struct node *seq = node_new_seq(a, r->hosts.n);
	for (size_t i = 0; i < r->hosts.n; i++) /* Istio reads a short name in the namespace */
		node_seq_add(seq, node_new_str(a, strchr(r->hosts.v[i], '.')
		                                      ? r->hosts.v[i]
		                                      : arena_printf(a, "%s.%s.svc.cluster.local",
		                                                     r->hosts.v[i], r->ns)));
	return seq;
}
