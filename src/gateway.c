/* gateway.c: provider: gateway-api, the HTTPRoute, and what it cannot say. */
#include "gateway.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

static bool
starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* A Service as Istio names it in a host: "name", or "name.ns.svc.cluster.local". */
struct svc {
	const char *name, *ns; /* ns NULL: the rollout's namespace */
};

static bool
service_of(const char *host, const char *ns, struct arena *a, struct svc *out)
{
	const char *dot = strchr(host, '.'), *dot2 = dot ? strchr(dot + 1, '.') : NULL;

	if (!dot) {
		*out = (struct svc){host, NULL};
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
static bool
is_hostname(const char *s)
{
	size_t label = 0;

	if (starts(s, "*."))
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
static bool
is_rule_name(const char *s)
{
	return !starts(s, "*.") && is_hostname(s);
}

/* A Go duration as Gateway API writes one: up to four of 5-digit h, m, s, ms; NULL when
 * it has no such form (over 99999h, or finer than a millisecond). */
static const char *
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

/* A backendRef to a Service host (one service_of() takes), with its port. */
static struct node *
backend_ref(const char *host, long long port, const struct rollout *r, struct arena *a)
{
	struct node *ref = node_new_map(a, 6);
	struct svc s;

	if (!service_of(host, r->ns, a, &s))
		s = (struct svc){host, NULL}; /* validate_gateway() refused it */
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

static const char *
uri_of(const struct node *block, const char *how)
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
		const char *exact = uri_of(list->kids[k], "exact");
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
static size_t
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
		const char *p = uri_of(list->kids[i], "prefix");
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
		else if ((v = uri_of(block, "exact")))
			m.path = GW_EXACT, m.value = v;
		else if ((v = uri_of(block, "regex")))
			m.path = GW_REGEX, m.value = v;
		else if ((v = uri_of(block, "prefix")))
			m.path = v[0] == '\0' || !strcmp(v, "/") ? GW_PREFIX : GW_CHARS,
			m.value = v[0] ? v : "/";
		m.method = node_is_str(method) ? method->str : NULL;
		m.headers = node_get(block, "headers");
		m.query = node_get(block, "queryParams");
		out[n++] = m;
	}
	return n;
}

static bool
takes_all(const struct gw_match *m)
{
	return m->path == GW_ANY && !m->method && !nonempty((struct node *)m->headers) &&
	       !nonempty((struct node *)m->query);
}

/* A RegularExpression that takes what Istio's StringMatch sm takes ({}: presence). */
static const char *
value_regex(const struct node *sm, struct arena *a)
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
		                       : node_new_str(a, value_regex(sm, a)));
		node_seq_add(seq, h);
	}
	return seq;
}

/* The regular expression of a path match that is one. */
static const char *
path_regex(const struct gw_match *m, struct arena *a)
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
		put(path, a, "value", node_new_str(a, regex ? path_regex(m, a) : m->value));
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
		if (takes_all(&ms[i]))
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
static const char *
route_name(const struct plan_route *pr)
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

	put(rule, a, "name", node_new_str_or_none(a, route_name(pr)));
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

static bool
is_mesh(const char *gateway)
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
		bool mesh = !r->gateways.n || is_mesh(r->gateways.v[i]);
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
		gateway |= !is_mesh(r->gateways.v[i]);
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

/* ---- what an HTTPRoute cannot say ---- */

/* Gateway API's limits on the fields of one HTTPRoute (the v1.6 CRD's maxItems and
 * maxLength, and its CEL rule on all matches). */
enum {
	GW_MAX_RULES = 16,
	GW_MAX_MATCHES = 64,
	GW_MAX_ALL_MATCHES = 128,
	GW_MAX_VALUES = 16, /* header and query param matches, header changes, backends, ... */
	GW_MAX_PATH = 1024, /* a path, a regular expression of one, a redirect's */
	GW_MAX_HEADER_VALUE = 4096,
	GW_MAX_QUERY_VALUE = 1024,
	GW_MAX_CORS_AGE = 2147483647, /* int32 seconds */
};

/* An HTTP token: a header name, as Gateway API's HTTPHeaderName pattern has it. */
static bool
is_token(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("!#$%&'*+-.^_`|~", *s))
			return false;
	return true;
}

static void
refuse(struct diags *d, const struct node *at, const char *path, const char *why)
{
	node_error(d, at,
	           "%s: %s (provider: gateway-api); remove it, or render with provider: istio",
	           path, why);
}

static bool
is_method(const char *m)
{
	static const char *const methods[] = {"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
	                                      "CONNECT", "OPTIONS", "TRACE", "PATCH"};

	for (size_t i = 0; i < sizeof(methods) / sizeof(*methods); i++)
		if (!strcmp(m, methods[i]))
			return true;
	return false;
}

/* Istio's headers or queryParams matches: names Gateway API takes, values it can hold. */
static void
check_value_matches(struct diags *d, const struct node *map, const char *path, bool headers)
{
	for (size_t i = 0; map && map->kind == NODE_MAP && i < map->n; i++) {
		const struct node *key = map->kids[2 * i], *sm = map->kids[2 * i + 1];
		const struct node *exact = node_get(sm, "exact"), *regex = node_get(sm, "regex");
		size_t same = 0;
		while (headers && same < i && strcasecmp(map->kids[2 * same]->str, key->str))
			same++;
		if (headers && same < i)
			refuse(
			    d, key, arena_printf(d->arena, "%s.%s", path, key->str),
			    arena_printf(d->arena,
			                 "header names are case-insensitive, and this block names "
			                 "'%s' too: Gateway API would count only the first",
			                 map->kids[2 * same]->str));
		else if (node_is_str(key) && (key->str[0] == ':' || key->str[0] == '@'))
			refuse(d, key, arena_printf(d->arena, "%s.%s", path, key->str),
			       "an HTTPRoute matches HTTP headers by name, not pseudo-headers or "
			       "JWT claims");
		else if ((node_is_str(exact) && !exact->str[0]) ||
		         (node_is_str(regex) && !regex->str[0]))
			refuse(d, sm, arena_printf(d->arena, "%s.%s", path, key->str),
			       "an HTTPRoute cannot match an empty value");
		else if (!headers && node_is_str(key) && !is_token(key->str))
			refuse(d, key, arena_printf(d->arena, "%s.%s", path, key->str),
			       "an HTTPRoute's query param names are letters, digits and "
			       "!#$%&'*+-.^_`|~");
		else if (strlen(node_is_str(exact) ? exact->str : value_regex(sm, d->arena)) >
		         (headers ? GW_MAX_HEADER_VALUE : GW_MAX_QUERY_VALUE))
			refuse(d, sm, arena_printf(d->arena, "%s.%s", path, key->str),
			       arena_printf(d->arena,
			                    "an HTTPRoute matches %s values of at most %d "
			                    "characters (a prefix as a regular expression)",
			                    headers ? "header" : "query param",
			                    headers ? GW_MAX_HEADER_VALUE : GW_MAX_QUERY_VALUE));
	}
}

/* A match block: the conditions Gateway API has, as it has them. */
static void
check_block(struct diags *d, const struct node *block, const char *path)
{
	static const struct {
		const char *field, *why;
	} none[] = {
	    {"withoutHeaders", "an HTTPRoute cannot match a header's absence"},
	    {"authority", "an HTTPRoute matches hosts by its hostnames, not per rule"},
	    {"scheme", "an HTTPRoute cannot match the scheme"},
	    {"port", "an HTTPRoute cannot match the port (its parentRef has it)"},
	    {"sourceLabels", "an HTTPRoute cannot match the client's labels"},
	    {"sourceNamespace", "an HTTPRoute cannot match the client's namespace"},
	    {"gateways", "an HTTPRoute's rules take every parent's requests"},
	    {"ignoreUriCase", "an HTTPRoute matches paths case-sensitively"},
	};
	const struct node *method = node_get(block, "method");

	if (!block || block->kind != NODE_MAP)
		return;
	for (size_t i = 0; i < sizeof(none) / sizeof(*none); i++)
		if (node_get(block, none[i].field))
			refuse(d, node_get_key(block, none[i].field),
			       arena_printf(d->arena, "%s.%s", path, none[i].field), none[i].why);
	if (method) {
		const struct node *exact = node_get(method, "exact");
		if (!node_is_str(exact) || !is_method(exact->str))
			refuse(
			    d, method, arena_printf(d->arena, "%s.method", path),
			    "an HTTPRoute matches one method exactly: GET, HEAD, POST, PUT, DELETE, "
			    "CONNECT, OPTIONS, TRACE or PATCH");
	}
	check_value_matches(d, node_get(block, "headers"),
	                    arena_printf(d->arena, "%s.headers", path), true);
	check_value_matches(d, node_get(block, "queryParams"),
	                    arena_printf(d->arena, "%s.queryParams", path), false);
}

static void
check_blocks(struct diags *d, const struct node *list, const char *path)
{
	for (size_t i = 0; list && list->kind == NODE_SEQ && i < list->n; i++)
		check_block(d, list->kids[i], arena_printf(d->arena, "%s[%zu]", path, i));
}

/* A list Gateway API keeps as a set: no item twice. */
static void
check_unique(struct diags *d, const struct node *list, const char *path)
{
	for (size_t i = 0; list && list->kind == NODE_SEQ && i < list->n; i++)
		for (size_t k = 0; k < i; k++)
			if (node_is_str(list->kids[i]) && node_is_str(list->kids[k]) &&
			    !strcmp(list->kids[i]->str, list->kids[k]->str)) {
				refuse(d, list->kids[i], arena_printf(d->arena, "%s[%zu]", path, i),
				       arena_printf(
				           d->arena,
				           "'%s' is also item %zu, and Gateway API keeps this "
				           "list as a set",
				           list->kids[i]->str, k));
				return;
			}
}

/* Header operations: Gateway API's values are not empty. */
static void
check_header_ops(struct diags *d, const struct node *headers, const char *path)
{
	static const char *const dirs[] = {"request", "response"}, *const ops[] = {"set", "add"};

	for (size_t i = 0; i < 2; i++)
		for (size_t k = 0; k < 2; k++) {
			const struct node *map = node_get(node_get(headers, dirs[i]), ops[k]);
			for (size_t h = 0; map && map->kind == NODE_MAP && h < map->n; h++)
				if (node_is_str(map->kids[2 * h + 1]) &&
				    !map->kids[2 * h + 1]->str[0])
					refuse(
					    d, map->kids[2 * h + 1],
					    arena_printf(d->arena, "%s.%s.%s.%s", path, dirs[i],
					                 ops[k], map->kids[2 * h]->str),
					    "an HTTPRoute cannot set a header to an empty value");
			if (map && map->kind == NODE_MAP && map->n > GW_MAX_VALUES)
				refuse(d, map,
				       arena_printf(d->arena, "%s.%s.%s", path, dirs[i], ops[k]),
				       arena_printf(d->arena,
				                    "an HTTPRoute sets or adds at most %d headers",
				                    GW_MAX_VALUES));
		}
	for (size_t i = 0; i < 2; i++) {
		const struct node *remove = node_get(node_get(headers, dirs[i]), "remove");
		const char *at = arena_printf(d->arena, "%s.%s.remove", path, dirs[i]);
		if (remove && remove->kind == NODE_SEQ && remove->n > GW_MAX_VALUES)
			refuse(d, remove, at,
			       arena_printf(d->arena, "an HTTPRoute removes at most %d headers",
			                    GW_MAX_VALUES));
		else
			check_unique(d, remove, at);
	}
}

/* What checking a route needs of its rollout. */
struct gw_spec {
	const char *host; /* spec.host, else metadata.name; NULL: unknown */
	bool has_port;    /* spec.port is set */
	const char *ns;   /* the rollout's namespace */
	bool gateway;     /* a Gateway is among the parents */
};

/* A destination as a backendRef: a Service, with a port. */
static void
check_dest(struct diags *d, const struct node *dest, const char *path, const struct gw_spec *g)
{
	const char *host = g->host, *ns = g->ns;
	bool has_port = g->has_port;
	const struct node *h = node_get(dest, "host"),
	                  *number = node_get(node_get(dest, "port"), "number");
	struct svc s;

	if (!node_is_str(h))
		return;
	if (node_get(dest, "subset"))
		refuse(d, node_get_key(dest, "subset"), arena_printf(d->arena, "%s.subset", path),
		       "a backendRef is a Service, with no subsets; route to a Service of its own");
	if (!service_of(h->str, ns, d->arena, &s))
		node_error(d, h,
		           "%s.host: a backendRef is a Service (provider: gateway-api): write its "
		           "name, or <name>.<namespace>.svc.cluster.local",
		           path);
	else if (!number && !(has_port && host && host_covers(h->str, host, ns)))
		node_error(d, h,
		           "%s.port: Gateway API needs the port of a Service backendRef "
		           "(provider: gateway-api); add port: {number: ...}",
		           path);
	else if (s.ns && g->gateway)
		node_warning(d, h,
		             "%s.host: a Gateway's route reaches a Service of namespace '%s' only "
		             "where a ReferenceGrant there allows it, which meshroll does not "
		             "write (provider: gateway-api)",
		             path, s.ns);
}

static void
check_mirror_percent(struct diags *d, const struct node *percentage, const char *path)
{
	char buf[16];

	if (percentage && !model_percent(node_get(percentage, "value"), buf))
		refuse(d, percentage, path,
		       "an HTTPRoute mirrors a fraction: at most 3 decimals of a percent");
}

static bool
all_exact(const struct node *match)
{
	if (!match || match->kind != NODE_SEQ || match->n == 0)
		return false;
	for (size_t i = 0; i < match->n; i++)
		if (!uri_of(match->kids[i], "exact"))
			return false;
	return true;
}

/* An origin as Gateway API's CORS filter takes it: *, or http(s)://host[:port] with no
 * wildcard in the host (Istio's exact matches a * in it as itself). */
static bool
is_origin(const char *s)
{
	size_t label = 0;

	if (!strcmp(s, "*"))
		return true;
	if (!starts(s, "http://") && !starts(s, "https://"))
		return false;
	s = strstr(s, "://") + 3;
	for (; *s && *s != ':'; s++) {
		if (*s == '.' && label > 0)
			label = 0;
		else if (isalnum((unsigned char)*s) || *s == '-')
			label++;
		else
			return false;
	}
	if (label == 0)
		return false;
	if (*s == ':') {
		size_t digits = strspn(s + 1, "0123456789");
		return digits >= 1 && digits <= 5 && s[1 + digits] == '\0';
	}
	return true;
}

static void
check_cors(struct diags *d, const struct node *cors, const char *path)
{
	const struct node *origins = node_get(cors, "allowOrigins");

	if (node_get(cors, "allowOrigin"))
		refuse(d, node_get_key(cors, "allowOrigin"),
		       arena_printf(d->arena, "%s.allowOrigin", path),
		       "deprecated; write allowOrigins with exact origins");
	if (node_get(cors, "unmatchedPreflights"))
		refuse(d, node_get_key(cors, "unmatchedPreflights"),
		       arena_printf(d->arena, "%s.unmatchedPreflights", path),
		       "Gateway API's CORS filter has no unmatchedPreflights");
	struct node *exacts =
	    node_new_seq(d->arena, origins && origins->kind == NODE_SEQ ? origins->n : 0);
	for (size_t i = 0; origins && origins->kind == NODE_SEQ && i < origins->n; i++) {
		const struct node *exact = node_get(origins->kids[i], "exact");
		if (!node_is_str(exact))
			refuse(d, origins->kids[i],
			       arena_printf(d->arena, "%s.allowOrigins[%zu]", path, i),
			       "Gateway API's CORS filter takes exact origins only (* or "
			       "scheme://host[:port])");
		else if (!is_origin(exact->str))
			refuse(
			    d, exact, arena_printf(d->arena, "%s.allowOrigins[%zu]", path, i),
			    "Gateway API's CORS filter takes * or http(s)://host[:port] origins, "
			    "and reads a * in a host as a wildcard, which Istio's exact does not");
		else
			node_seq_add(exacts, (struct node *)exact);
	}
	check_unique(d, exacts, arena_printf(d->arena, "%s.allowOrigins", path));
	static const char *const sets[] = {"allowOrigins", "allowMethods", "allowHeaders",
	                                   "exposeHeaders"};
	for (size_t f = 1; f < 4; f++)
		check_unique(d, node_get(cors, sets[f]),
		             arena_printf(d->arena, "%s.%s", path, sets[f]));
	for (size_t f = 0; f < 3; f++) {
		const struct node *list = f ? node_get(cors, sets[f]) : exacts;
		for (size_t i = 0; list && list->kind == NODE_SEQ && list->n > 1 && i < list->n;
		     i++)
			if (node_is_str(list->kids[i]) && !strcmp(list->kids[i]->str, "*"))
				refuse(d, list->kids[i],
				       arena_printf(d->arena, "%s.%s", path, sets[f]),
				       "Gateway API takes * alone, not beside other items");
	}
	const struct node *age = node_get(cors, "maxAge");
	long long ns;
	if (node_is_str(age) && duration_parse(age->str, &ns) == 0 &&
	    ns / 1000000000 > GW_MAX_CORS_AGE)
		refuse(d, age, arena_printf(d->arena, "%s.maxAge", path),
		       "Gateway API's CORS maxAge is at most 2147483647 seconds");
}

static void
check_redirect(struct diags *d, const struct node *rd, const char *path)
{
	const struct node *scheme = node_get(rd, "scheme"), *code = node_get(rd, "redirectCode");
	const struct node *authority = node_get(rd, "authority");

	const struct node *derive = node_get(rd, "derivePort");
	bool protocol_default =
	    node_is_str(derive) && !strcmp(derive->str, "FROM_PROTOCOL_DEFAULT");

	/* without a port, Gateway API redirects to the scheme's well-known port, else the
	 * listener's; Envoy keeps the request's on a scheme change and drops it on a host
	 * change: the two agree only on a stated port, or on the scheme's default */
	if (derive && !(protocol_default && node_is_str(scheme)))
		refuse(d, node_get_key(rd, "derivePort"),
		       arena_printf(d->arena, "%s.derivePort", path),
		       "Gateway API redirects to the port given, else to the scheme's well-known "
		       "one: give port, or scheme with derivePort: FROM_PROTOCOL_DEFAULT");
	else if (!derive && !node_get(rd, "port") && (scheme || authority))
		node_error(d, scheme ? scheme : authority,
		           "%s: a redirect to another %s needs its port stated under provider: "
		           "gateway-api (Gateway API would take the scheme's or the listener's, "
		           "Istio the request's or none); add port:, or derivePort: "
		           "FROM_PROTOCOL_DEFAULT with the scheme",
		           path, scheme ? "scheme" : "host");
	if (node_is_str(scheme) && strcmp(scheme->str, "http") && strcmp(scheme->str, "https"))
		refuse(d, scheme, arena_printf(d->arena, "%s.scheme", path),
		       "Gateway API redirects to http or https");
	if (code && code->type == SCALAR_INT && code->ival != 301 && code->ival != 302 &&
	    code->ival != 303 && code->ival != 307 && code->ival != 308)
		refuse(d, code, arena_printf(d->arena, "%s.redirectCode", path),
		       "Gateway API redirects with 301, 302, 303, 307 or 308");
	if (node_is_str(authority) && !is_hostname(authority->str))
		refuse(d, authority, arena_printf(d->arena, "%s.authority", path),
		       "Gateway API's redirect hostname is a lowercase DNS name, without a port");
}

static void
check_route(struct diags *d, const struct node *route, const char *path, const struct gw_spec *g)
{
	static const struct {
		const char *field, *why;
	} none[] = {
	    {"delegate", "an HTTPRoute cannot delegate to another route"},
	    {"directResponse", "Gateway API's standard channel has no direct response"},
	    {"retries", "Gateway API's standard channel has no retries"},
	    {"fault", "Gateway API has no fault injection"},
	};
	const struct node *name = node_get(route, "name"), *rewrite = node_get(route, "rewrite");
	const struct node *timeout = node_get(route, "timeout"), *dests = node_get(route, "route");
	const struct node *mirrors = node_get(route, "mirrors");

	if (!route || route->kind != NODE_MAP)
		return;
	for (size_t i = 0; i < sizeof(none) / sizeof(*none); i++)
		if (node_get(route, none[i].field))
			refuse(d, node_get_key(route, none[i].field),
			       arena_printf(d->arena, "%s.%s", path, none[i].field), none[i].why);
	if (node_is_str(name) && !is_rule_name(name->str))
		node_error(d, name,
		           "%s.name: '%s' cannot name an HTTPRoute rule, which is a lowercase DNS "
		           "name (provider: gateway-api); rename the route",
		           path, name->str);
	if (node_get(rewrite, "uriRegexRewrite"))
		refuse(d, node_get_key(rewrite, "uriRegexRewrite"),
		       arena_printf(d->arena, "%s.rewrite.uriRegexRewrite", path),
		       "Gateway API's URLRewrite has no regular expressions");
	if (node_get(rewrite, "uri") && !all_exact(node_get(route, "match")))
		refuse(
		    d, node_get_key(rewrite, "uri"), arena_printf(d->arena, "%s.rewrite.uri", path),
		    "Istio replaces the matched prefix by characters, Gateway API by whole "
		    "segments; only a route whose every match is a uri exact can rewrite its path");
	const struct node *authority = node_get(rewrite, "authority");
	if (node_is_str(authority) && !is_hostname(authority->str))
		refuse(d, authority, arena_printf(d->arena, "%s.rewrite.authority", path),
		       "Gateway API's rewrite hostname is a lowercase DNS name, without a port");
	if (node_get(route, "redirect"))
		check_redirect(d, node_get(route, "redirect"),
		               arena_printf(d->arena, "%s.redirect", path));
	if (node_get(route, "corsPolicy"))
		check_cors(d, node_get(route, "corsPolicy"),
		           arena_printf(d->arena, "%s.corsPolicy", path));
	if (node_is_str(timeout) && !gw_duration(timeout->str, d->arena))
		refuse(d, timeout, arena_printf(d->arena, "%s.timeout", path),
		       "Gateway API's durations reach 99999h");
	check_header_ops(d, node_get(route, "headers"), arena_printf(d->arena, "%s.headers", path));
	for (size_t i = 0; dests && dests->kind == NODE_SEQ && i < dests->n; i++) {
		const char *at = arena_printf(d->arena, "%s.route[%zu]", path, i);
		check_dest(d, node_get(dests->kids[i], "destination"),
		           arena_printf(d->arena, "%s.destination", at), g);
		check_header_ops(d, node_get(dests->kids[i], "headers"),
		                 arena_printf(d->arena, "%s.headers", at));
	}
	if (node_get(route, "mirror"))
		check_dest(d, node_get(route, "mirror"), arena_printf(d->arena, "%s.mirror", path),
		           g);
	check_mirror_percent(d, node_get(route, "mirrorPercentage"),
	                     arena_printf(d->arena, "%s.mirrorPercentage", path));
	for (size_t i = 0; mirrors && mirrors->kind == NODE_SEQ && i < mirrors->n; i++) {
		const char *at = arena_printf(d->arena, "%s.mirrors[%zu]", path, i);
		check_dest(d, node_get(mirrors->kids[i], "destination"),
		           arena_printf(d->arena, "%s.destination", at), g);
		check_mirror_percent(d, node_get(mirrors->kids[i], "percentage"),
		                     arena_printf(d->arena, "%s.percentage", at));
	}
	check_blocks(d, node_get(route, "match"), arena_printf(d->arena, "%s.match", path));
	const struct node *headers = node_get(route, "headers"), *rd = node_get(route, "redirect");
	size_t nmirrors = mirrors && mirrors->kind == NODE_SEQ ? mirrors->n : 0;
	size_t filters = !!node_get(headers, "request") + !!node_get(headers, "response") + !!rd +
	                 !!rewrite + !!node_get(route, "mirror") + nmirrors +
	                 !!node_get(route, "corsPolicy");
	if (dests && dests->kind == NODE_SEQ && dests->n > GW_MAX_VALUES)
		refuse(d, dests, arena_printf(d->arena, "%s.route", path),
		       arena_printf(d->arena, "an HTTPRoute rule has at most %d backends",
		                    GW_MAX_VALUES));
	if (filters > GW_MAX_VALUES)
		refuse(
		    d, mirrors ? mirrors : route, path,
		    arena_printf(d->arena,
		                 "its header changes, redirect, rewrite, mirrors and CORS make %zu "
		                 "filters, and an HTTPRoute rule has at most %d",
		                 filters, GW_MAX_VALUES));
	static const char *const uris[] = {"redirect", "rewrite"};
	for (size_t i = 0; i < 2; i++) {
		const struct node *uri = node_get(node_get(route, uris[i]), "uri");
		if (node_is_str(uri) && strlen(uri->str) > GW_MAX_PATH)
			refuse(d, uri, arena_printf(d->arena, "%s.%s.uri", path, uris[i]),
			       arena_printf(d->arena,
			                    "Gateway API's paths have at most %d characters",
			                    GW_MAX_PATH));
	}
}

/* Whether a host names a Service of the cluster: a short name, or one in .svc.cluster.local. */
static bool
is_cluster_host(const char *h)
{
	size_t n = strlen(h), k = strlen(".svc.cluster.local");

	return !strchr(h, '.') || (n > k && !strcmp(h + n - k, ".svc.cluster.local"));
}

/* For the mesh the parent is the Service spec.host (host: its name) and an HTTPRoute applies
 * to that Service alone: another host of the mesh would lose its routes. The schema keeps
 * spec.hosts to names that Gateway API's hostnames take. */
static void
check_parents(struct diags *d, const struct node *spec, const char *host, const char *ns)
{
	const struct node *gateways = node_get(spec, "gateways"), *hosts = node_get(spec, "hosts");
	bool mesh = !gateways, gateway = false;
	struct svc s;

	for (size_t i = 0; gateways && gateways->kind == NODE_SEQ && i < gateways->n; i++)
		if (node_is_str(gateways->kids[i]))
			*(is_mesh(gateways->kids[i]->str) ? &mesh : &gateway) = true;
	bool star = false, covered = false;
	for (size_t i = 0; hosts && hosts->kind == NODE_SEQ && i < hosts->n; i++)
		if (node_is_str(hosts->kids[i])) {
			star |= !strcmp(hosts->kids[i]->str, "*");
			covered |= host && host_covers(hosts->kids[i]->str, host, ns);
		}
	if (gateway && !star && hosts && hosts->kind == NODE_SEQ && hosts->n > GW_MAX_VALUES)
		node_error(d, hosts,
		           "spec.hosts: %zu hosts, and an HTTPRoute has at most %d hostnames "
		           "(provider: gateway-api); route the others with a rollout of their own",
		           hosts->n, GW_MAX_VALUES);
	if (!mesh || !host)
		return;
	if (hosts && hosts->kind == NODE_SEQ && !covered)
		node_error(
		    d, hosts,
		    "spec.hosts: for the mesh an HTTPRoute's parent is the Service '%s', whose "
		    "requests the VirtualService's hosts leave alone (provider: gateway-api): "
		    "add '%s' to hosts, or leave the mesh out of gateways",
		    host, host);
	if (!service_of(host, ns, d->arena, &s)) {
		node_error(d, node_get(spec, "host") ? node_get(spec, "host") : spec,
		           "spec.host: for the mesh an HTTPRoute's parent is the Service itself "
		           "(provider: gateway-api): write its name, or "
		           "<name>.<namespace>.svc.cluster.local");
		return;
	}
	for (size_t i = 0; hosts && hosts->kind == NODE_SEQ && i < hosts->n; i++) {
		const struct node *h = hosts->kids[i];
		if (!node_is_str(h) || host_covers(h->str, host, ns) ||
		    (gateway && !is_cluster_host(h->str) && h->str[0] != '*'))
			continue;
		node_error(
		    d, h,
		    "spec.hosts[%zu]: for the mesh an HTTPRoute applies to its parent, the "
		    "Service '%s', alone: requests to '%s' would not take these routes "
		    "(provider: gateway-api); route that host with a rollout of its own%s",
		    i, host, h->str,
		    gateway || is_cluster_host(h->str) ? "" : ", or name a Gateway that serves it");
	}
}

void
validate_gateway(const struct node *spec, const char *name, const char *ns, struct diags *d)
{
	const struct node *provider = node_get(spec, "provider"), *http = node_get(spec, "http");
	const struct node *stages = node_get(spec, "stages"), *host = node_get(spec, "host");
	static const char *const l4[] = {"tcp", "tls"};

	if (!node_is_str(provider) || strcmp(provider->str, "gateway-api"))
		return;
	for (size_t i = 0; i < 2; i++)
		if (node_get(spec, l4[i]))
			refuse(
			    d, node_get_key(spec, l4[i]), arena_printf(d->arena, "spec.%s", l4[i]),
			    "an HTTPRoute holds HTTP routes only, and TCPRoute and TLSRoute are not "
			    "in Gateway API's standard channel");
	if (node_get(spec, "retries"))
		refuse(d, node_get_key(spec, "retries"), "spec.retries",
		       "Gateway API's standard channel has no retries");
	const struct node *timeout = node_get(spec, "timeout");
	if (node_is_str(timeout) && !gw_duration(timeout->str, d->arena))
		refuse(d, timeout, "spec.timeout", "Gateway API's durations reach 99999h");
	const struct node *gateways = node_get(spec, "gateways");
	struct gw_spec g = {node_is_str(host) ? host->str : name, node_get(spec, "port") != NULL,
	                    ns, false};
	for (size_t i = 0; gateways && gateways->kind == NODE_SEQ && i < gateways->n; i++)
		g.gateway |= node_is_str(gateways->kids[i]) && !is_mesh(gateways->kids[i]->str);
	check_parents(d, spec, g.host, ns);
	for (size_t i = 0; http && http->kind == NODE_SEQ && i < http->n; i++)
		check_route(d, http->kids[i], arena_printf(d->arena, "spec.http[%zu]", i), &g);
	for (size_t i = 0; stages && stages->kind == NODE_SEQ && i < stages->n; i++) {
		const struct node *st = stages->kids[i], *mirror = node_get(st, "mirror");
		check_blocks(d, node_get(st, "match"),
		             arena_printf(d->arena, "spec.stages[%zu].match", i));
		check_blocks(d, node_get(mirror, "match"),
		             arena_printf(d->arena, "spec.stages[%zu].mirror.match", i));
	}
}

/* ---- the plan: limits, and Gateway API's precedence against Istio's first match ---- */

/* How specific a match is, as Gateway API ranks them: Exact path, then the longest PathPrefix
 * (its trailing / not counted), then RegularExpression (Istio: the longest first); then a
 * method; then more headers; then more query params. Istio's sort of a Gateway API route's
 * matches is the same. */
struct rank {
	int path;
	size_t len;
	int method;
	size_t headers, query;
};

static struct rank
rank_of(const struct gw_match *m, struct arena *a)
{
	struct rank k = {2, 1, m->method != NULL, 0, 0};
	size_t len = m->value ? strlen(m->value) : 0;

	k.headers = m->headers && m->headers->kind == NODE_MAP ? m->headers->n : 0;
	k.query = m->query && m->query->kind == NODE_MAP ? m->query->n : 0;
	if (m->path == GW_EXACT)
		k.path = 3, k.len = len;
	else if (m->path == GW_PREFIX)
		k.len = len > 1 && m->value[len - 1] == '/' ? len - 1 : len;
	else if (m->path == GW_CHARS || m->path == GW_REGEX)
		k.path = 1, k.len = strlen(path_regex(m, a));
	return k;
}

/* Whether y is ranked above x (Istio ranks as the spec does, methods included). */
static bool
outranks(struct rank y, struct rank x)
{
	size_t ys[] = {(size_t)y.path, y.len, (size_t)y.method, y.headers, y.query};
	size_t xs[] = {(size_t)x.path, x.len, (size_t)x.method, x.headers, x.query};

	for (size_t i = 0; i < 5; i++)
		if (ys[i] != xs[i])
			return ys[i] > xs[i];
	return false;
}

/* Whether the path p (a PathPrefix value) covers path x by whole segments. */
static bool
in_segments(const char *x, const char *p)
{
	size_t n = strlen(p);

	if (n > 1 && p[n - 1] == '/')
		n--;
	return (n == 1 && p[0] == '/') || (!strncmp(x, p, n) && (x[n] == '\0' || x[n] == '/'));
}

/* Whether some path takes both matches' path conditions (true when it cannot tell). */
static bool
paths_meet(const struct gw_match *x, const struct gw_match *y)
{
	if (x->path > y->path)
		return paths_meet(y, x);
	if (x->path == GW_ANY || y->path == GW_REGEX)
		return true;
	const char *p = x->value, *q = y->value;
	switch (x->path * 8 + y->path) {
	case GW_EXACT * 8 + GW_EXACT:
		return !strcmp(p, q);
	case GW_EXACT * 8 + GW_PREFIX:
		return in_segments(p, q);
	case GW_EXACT * 8 + GW_CHARS:
		return starts(p, q);
	case GW_PREFIX * 8 + GW_PREFIX:
		return in_segments(p, q) || in_segments(q, p);
	case GW_PREFIX * 8 + GW_CHARS: {
		/* a path in both: q itself, or one of p's own paths starting with q */
		size_t n = strlen(p);
		if (n > 1 && p[n - 1] == '/')
			n--;
		return in_segments(q, p) || (n == 1 && p[0] == '/') || !strncmp(p, q, strlen(q)) ||
		       (strlen(q) > n && !strncmp(q, p, n) && q[n] == '/');
	}
	case GW_CHARS * 8 + GW_CHARS:
		return starts(p, q) || starts(q, p);
	default:
		return true;
	}
}

/* Whether two StringMatches can take one value (true when it cannot tell). */
static bool
values_meet(const struct node *x, const struct node *y)
{
	const struct node *xe = node_get(x, "exact"), *ye = node_get(y, "exact");
	const struct node *xp = node_get(x, "prefix"), *yp = node_get(y, "prefix");

	if (node_is_str(xe) && node_is_str(ye))
		return !strcmp(xe->str, ye->str);
	if (node_is_str(xe) && node_is_str(yp))
		return starts(xe->str, yp->str);
	if (node_is_str(xp) && node_is_str(ye))
		return starts(ye->str, xp->str);
	if (node_is_str(xp) && node_is_str(yp))
		return starts(xp->str, yp->str) || starts(yp->str, xp->str);
	return true;
}

static bool
maps_meet(const struct node *x, const struct node *y, bool nocase)
{
	for (size_t i = 0; x && x->kind == NODE_MAP && i < x->n; i++)
		for (size_t k = 0; y && y->kind == NODE_MAP && k < y->n; k++)
			if (!(nocase ? strcasecmp : strcmp)(x->kids[2 * i]->str,
			                                    y->kids[2 * k]->str) &&
			    !values_meet(x->kids[2 * i + 1], y->kids[2 * k + 1]))
				return false;
	return true;
}

/* Whether some request could take both matches (true when it cannot tell). */
static bool
matches_meet(const struct gw_match *x, const struct gw_match *y)
{
	return paths_meet(x, y) && (!x->method || !y->method || !strcmp(x->method, y->method)) &&
	       maps_meet(x->headers, y->headers, true) && maps_meet(x->query, y->query, false);
}

/* A match, for a message: "PathPrefix /api, method GET, 2 headers". */
static const char *
describe(const struct gw_match *m, struct arena *a)
{
	static const char *const types[] = {"every path", "Exact", "PathPrefix",
	                                    "RegularExpression", "RegularExpression"};
	struct rank k = rank_of(m, a);

	if (takes_all(m))
		return "every request";
	const char *path = m->path == GW_ANY
	                       ? types[GW_ANY]
	                       : arena_printf(a, "%s %s", types[m->path],
	                                      m->path == GW_CHARS ? path_regex(m, a) : m->value);
	return arena_printf(a, "%s%s%s%s%s", path, m->method ? ", method " : "",
	                    m->method ? m->method : "",
	                    k.headers ? arena_printf(a, ", %zu header(s)", k.headers) : "",
	                    k.query ? arena_printf(a, ", %zu query param(s)", k.query) : "");
}

/* A rule's matches, with the plan route they come from. */
struct stage_match {
	struct gw_match m;
	struct rank rank;
	const struct plan_route *route;
	size_t rule;
};

/* What checking a rollout's plan needs: its model, where its routes are written, the
 * messages told so far (each is told once, over all stages). */
struct plan_check {
	struct diags *d;
	const struct rollout *r;
	const struct node *http;     /* spec.http as written; NULL: none */
	const struct node *fallback; /* spec.provider */
	const struct node *stages;   /* spec.stages as written */
	size_t stage;                /* the stage checked */
	struct node *seen;           /* {message: ""} */
	struct arena *a;
};

/* The node, as written, that a message about route pr's match m (NULL: none) points at: the
 * match block, else the route, else spec.provider. The model's routes are copies, in order. */
static const struct node *
where(const struct plan_check *c, const struct plan_route *pr, const struct gw_match *m)
{
	const struct routes *rs = &c->r->routes[PROTO_HTTP];

	if (pr->match && c->stages && c->stages->kind == NODE_SEQ && c->stage < c->stages->n)
		return c->stages->kids[c->stage]; /* a route the stage puts first */
	for (size_t k = 0; c->http && c->http->kind == NODE_SEQ && k < rs->n && k < c->http->n;
	     k++) {
		if (rs->v[k].spec != pr->spec)
			continue;
		const struct node *list = node_get(pr->spec, "match");
		const struct node *written = node_get(c->http->kids[k], "match");
		for (size_t b = 0;
		     !pr->match && m && list && written && b < list->n && b < written->n; b++)
			if (list->kids[b] == m->at)
				return written->kids[b];
		return c->http->kids[k];
	}
	return c->fallback;
}

/* Records msg at the node where() names, with the stage, unless an earlier stage told it. */
static void
tell(struct plan_check *c, const struct plan_route *pr, const struct gw_match *m, const char *msg)
{
	if (node_get(c->seen, msg) || c->seen->n == c->seen->cap)
		return;
	node_map_add(c->seen, node_new_str(c->a, msg), node_new_str(c->a, ""));
	node_error(c->d, where(c, pr, m), "stage %s: %s", c->r->stages[c->stage].id, msg);
}

static const char *
rule_label(const struct plan_route *pr, size_t rule, struct arena *a)
{
	const char *name = route_name(pr);

	return name ? arena_printf(a, "'%s'", name) : arena_printf(a, "rules[%zu]", rule);
}

/* A path that Gateway API's Exact or PathPrefix cannot hold (its CRD's rules). */
static const char *
bad_path(const char *p)
{
	static const char *const never[] = {"//", "/./", "/../", "%2f", "%2F", "#"};

	if (p[0] != '/')
		return "does not start with /";
	for (size_t i = 0; i < sizeof(never) / sizeof(*never); i++)
		if (strstr(p, never[i]))
			return "holds //, /./, /../, %2f or #";
	size_t n = strlen(p);
	if ((n >= 3 && !strcmp(p + n - 3, "/..")) || (n >= 2 && !strcmp(p + n - 2, "/.")))
		return "ends with /. or /..";
	for (const char *c = p; *c; c++) {
		if (*c == '%' && !(isxdigit((unsigned char)c[1]) && isxdigit((unsigned char)c[2])))
			return "holds a % not followed by two hex digits";
		if (!strchr("-/._~!$&'()*+,;=:@%", *c) && !(*c >= 'a' && *c <= 'z') &&
		    !(*c >= 'A' && *c <= 'Z') && !(*c >= '0' && *c <= '9'))
			return "holds a character a URL path does not";
	}
	return NULL;
}

/* One stage's rules: limits, names, paths, and no pair that precedence would reorder. */
static void
check_stage_plan(struct plan_check *c, size_t s)
{
	const struct rollout *r = c->r;

	c->stage = s;
	struct arena *a = c->a;
	struct plan_stage p;
	size_t total = 0, n = 0;

	plan_stage(r, s, a, &p);
	const struct plan_route *routes = p.routes[PROTO_HTTP];
	size_t nrules = p.n[PROTO_HTTP];
	for (size_t i = 0; i < nrules; i++) {
		const struct node *match =
		    routes[i].match ? routes[i].match : node_get(routes[i].spec, "match");
		total += match && match->kind == NODE_SEQ && match->n ? match->n : 1;
	}
	if (nrules > GW_MAX_RULES || total > GW_MAX_ALL_MATCHES) {
		tell(
		    c, &routes[0], NULL,
		    arena_printf(a,
		                 "%zu HTTPRoute rules with %zu matches, more than Gateway API's %d "
		                 "rules and %d matches (provider: gateway-api); route fewer paths "
		                 "through this rollout",
		                 nrules, total, GW_MAX_RULES, GW_MAX_ALL_MATCHES));
		return;
	}
	struct stage_match *all = arena_alloc(a, (total ? total : 1) * sizeof(*all));
	for (size_t i = 0; i < nrules; i++) {
		const struct plan_route *pr = &routes[i];
		const struct node *match = pr->match ? pr->match : node_get(pr->spec, "match");
		size_t cap = match && match->kind == NODE_SEQ && match->n ? match->n : 1;
		struct gw_match *ms = arena_alloc(a, cap * sizeof(*ms));
		size_t k = gw_matches(match, ms, a);
		const char *name = route_name(pr);
		if (name && !is_rule_name(name))
			tell(c, pr, NULL,
			     arena_printf(
			         a,
			         "the route '%s' cannot name an HTTPRoute rule, a lowercase "
			         "DNS name (provider: gateway-api); rename the route or the "
			         "stage",
			         name));
		if (k > GW_MAX_MATCHES)
			tell(c, pr, NULL,
			     arena_printf(
			         a,
			         "route %s: %zu matches, more than Gateway API's %d in a rule "
			         "(provider: gateway-api); match on fewer",
			         rule_label(pr, i, a), k, GW_MAX_MATCHES));
		for (size_t j = 0; j < k; j++) {
			struct stage_match *sm = &all[n + j];
			const struct gw_match *m = &sm->m;
			sm->m = ms[j];
			size_t nh = m->headers && m->headers->kind == NODE_MAP ? m->headers->n : 0;
			size_t nq = m->query && m->query->kind == NODE_MAP ? m->query->n : 0;
			const char *why =
			    m->path == GW_EXACT || m->path == GW_PREFIX ? bad_path(m->value) : NULL;
			sm->route = pr;
			sm->rule = i;
			sm->rank = rank_of(m, a);
			if (m->value &&
			    strlen(m->path == GW_CHARS ? path_regex(m, a) : m->value) > GW_MAX_PATH)
				tell(c, pr, m,
				     arena_printf(
				         a,
				         "route %s: the path match '%.40s...' is longer than "
				         "Gateway API's %d characters (provider: gateway-api)",
				         rule_label(pr, i, a), m->value, GW_MAX_PATH));
			else if (why)
				tell(c, pr, m,
				     arena_printf(
				         a,
				         "route %s: the path '%s' %s, which Gateway API's %s "
				         "cannot match (provider: gateway-api); match it with "
				         "regex",
				         rule_label(pr, i, a), m->value, why,
				         m->path == GW_EXACT ? "Exact" : "PathPrefix"));
			else if (nh > GW_MAX_VALUES || nq > GW_MAX_VALUES)
				tell(c, pr, m,
				     arena_printf(
				         a,
				         "route %s: a match of %zu headers and %zu query params, "
				         "more than Gateway API's %d each (provider: "
				         "gateway-api)",
				         rule_label(pr, i, a), nh, nq, GW_MAX_VALUES));
		}
		n += k;
	}
	for (size_t x = 0; x < n; x++)
		for (size_t y = x + 1; y < n; y++) {
			const struct stage_match *mx = &all[x], *my = &all[y];
			if (mx->rule == my->rule || !outranks(my->rank, mx->rank) ||
			    !matches_meet(&mx->m, &my->m))
				continue;
			const char *hint =
			    mx->m.path == GW_CHARS
			        ? arena_printf(
			              a,
			              "; Istio's prefix '%s' matches characters ('%sx' too), "
			              "which only a regular expression says, the least "
			              "specific match: to match whole segments, match "
			              "exact: %s and prefix: %s/ (one PathPrefix)",
			              mx->m.value, mx->m.value, mx->m.value, mx->m.value)
			        : "; order the routes from the most specific match, or make their "
			          "matches exclusive";
			const struct stage_match *at = my->route->match ? my : mx; /* a stage's? */
			tell(c, at->route, &at->m,
			     arena_printf(
			         a,
			         "route %s (%s) comes first, and Istio gives it the requests "
			         "it shares with route %s (%s); Gateway API gives them to %s, "
			         "whose match ranks higher (provider: gateway-api)%s",
			         rule_label(mx->route, mx->rule, a), describe(&mx->m, a),
			         rule_label(my->route, my->rule, a), describe(&my->m, a),
			         rule_label(my->route, my->rule, a), hint));
			return; /* one a stage: the rest follow from it */
		}
}

int
validate_gateway_plan(const struct node *doc, struct diags *d)
{
	const struct node *spec = node_get(doc, "spec"), *provider = node_get(spec, "provider");
	struct arena a;

	int errors = d->errors;

	if (!node_is_str(provider) || strcmp(provider->str, "gateway-api"))
		return 0;
	arena_init(&a);
	struct plan_check c = {d,
	                       model_build(doc, "", &a),
	                       node_get(spec, "http"),
	                       provider,
	                       node_get(spec, "stages"),
	                       0,
	                       NULL,
	                       &a};
	c.seen = node_new_map(&a, 256);
	for (size_t s = 0; s < c.r->nstages; s++)
		check_stage_plan(&c, s);
	arena_release(&a);
	return d->errors > errors ? -1 : 0;
}
