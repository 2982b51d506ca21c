/* gateway_check.c: provider: gateway-api, the fields of a rollout that an HTTPRoute cannot
 * hold, each refused with the field and the reason. */
#include "gateway.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "validate.h"

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
		else if (strlen(node_is_str(exact) ? exact->str : gw_value_regex(sm, d->arena)) >
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
	struct gw_svc s;

	if (!node_is_str(h))
		return;
	if (node_get(dest, "subset"))
		refuse(d, node_get_key(dest, "subset"), arena_printf(d->arena, "%s.subset", path),
		       "a backendRef is a Service, with no subsets; route to a Service of its own");
	if (!gw_service_of(h->str, ns, d->arena, &s))
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
		if (!gw_uri_of(match->kids[i], "exact"))
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
	if (strlen(s) > 253 || (!gw_starts(s, "http://") && !gw_starts(s, "https://")))
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
	if (origins && exacts->n == origins->n) /* the indexes are the file's */
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
	if (node_is_str(authority) && !gw_is_rule_name(authority->str)) /* no wildcard */
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
	if (node_is_str(name) && !gw_is_rule_name(name->str))
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
	if (node_is_str(authority) && !gw_is_rule_name(authority->str)) /* no wildcard */
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
	struct gw_svc s;

	for (size_t i = 0; gateways && gateways->kind == NODE_SEQ && i < gateways->n; i++)
		if (node_is_str(gateways->kids[i]))
			*(gw_is_mesh(gateways->kids[i]->str) ? &mesh : &gateway) = true;
	bool star = false, covered = false;
	for (size_t i = 0; hosts && hosts->kind == NODE_SEQ && i < hosts->n; i++)
		if (node_is_str(hosts->kids[i])) {
			star |= !strcmp(hosts->kids[i]->str, "*");
			covered |= host && host_covers(hosts->kids[i]->str, host, ns);
		}
	if (gateways && gateways->kind == NODE_SEQ && gateways->n > GW_MAX_PARENTS)
		node_error(d, gateways,
		           "spec.gateways: %zu gateways, and an HTTPRoute has at most %d parents "
		           "(provider: gateway-api); route through fewer",
		           gateways->n, GW_MAX_PARENTS);
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
	if (gw_service_of(host, ns, d->arena, &s) && s.ns) {
		node_error(d, node_get(spec, "host") ? node_get(spec, "host") : spec,
		           "spec.host: '%s' is a Service of namespace '%s'; for the mesh an "
		           "HTTPRoute of namespace '%s' would route only that namespace's clients "
		           "(a consumer route), where the VirtualService routes every client "
		           "(provider: gateway-api): put the rollout in namespace '%s'",
		           host, s.ns, ns, s.ns);
		return;
	}
	if (!gw_service_of(host, ns, d->arena, &s)) {
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
		g.gateway |= node_is_str(gateways->kids[i]) && !gw_is_mesh(gateways->kids[i]->str);
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
