/* gateway_order.c: provider: gateway-api, Gateway API's precedence (the most specific match
 * wins) against Istio's first match, and Gateway API's limits, on the plan of every stage. */
#include "gateway.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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
		k.path = 1, k.len = strlen(gw_path_regex(m, a));
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
		return gw_starts(p, q);
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
		return gw_starts(p, q) || gw_starts(q, p);
	default:
		return true;
	}
}

/* Whether two StringMatches are the same: {} (presence), or one kind with one value. */
static bool
same_match(const struct node *x, const struct node *y)
{
	if (!x || !y || x->kind != NODE_MAP || y->kind != NODE_MAP || x->n != y->n || x->n > 1)
		return false;
	return x->n == 0 || (!strcmp(x->kids[0]->str, y->kids[0]->str) && node_is_str(x->kids[1]) &&
	                     node_is_str(y->kids[1]) && !strcmp(x->kids[1]->str, y->kids[1]->str));
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
		return gw_starts(xe->str, yp->str);
	if (node_is_str(xp) && node_is_str(ye))
		return gw_starts(ye->str, xp->str);
	if (node_is_str(xp) && node_is_str(yp))
		return gw_starts(xp->str, yp->str) || gw_starts(yp->str, xp->str);
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

	if (gw_takes_all(m))
		return "every request";
	const char *path = m->path == GW_ANY
	                       ? types[GW_ANY]
	                       : arena_printf(a, "%s %s", types[m->path],
	                                      m->path == GW_CHARS ? gw_path_regex(m, a) : m->value);
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

/* The index in spec.http of the route a plan route comes from (the model's routes are copies,
 * in order); SIZE_MAX for the split route meshroll writes when there is none. */
static size_t
spec_index(const struct plan_check *c, const struct plan_route *pr)
{
	const struct routes *rs = &c->r->routes[PROTO_HTTP];

	for (size_t k = 0; k < rs->n; k++)
		if (rs->v[k].spec == pr->spec)
			return k;
	return SIZE_MAX;
}

/* The node, as written, that a message about route pr's match m (NULL: none) points at: the
 * stage for a route it puts first, the match block, else the route, else spec.provider. */
static const struct node *
where(const struct plan_check *c, const struct plan_route *pr, const struct gw_match *m)
{
	size_t k = spec_index(c, pr);

	if (pr->match && c->stages && c->stages->kind == NODE_SEQ && c->stage < c->stages->n)
		return c->stages->kids[c->stage];
	if (k == SIZE_MAX || !c->http || c->http->kind != NODE_SEQ || k >= c->http->n)
		return c->fallback;
	const struct node *list = node_get(pr->spec, "match");
	const struct node *written = node_get(c->http->kids[k], "match");
	for (size_t b = 0; !pr->match && m && list && written && b < list->n && b < written->n; b++)
		if (list->kids[b] == m->at)
			return written->kids[b];
	return c->http->kids[k];
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

/* A route, for a message: 'name', else where it is written, spec.http[k]. */
static const char *
rule_label(const struct plan_check *c, const struct plan_route *pr)
{
	const char *name = gw_route_name(pr);
	size_t k = spec_index(c, pr);

	if (name)
		return arena_printf(c->a, "'%s'", name);
	return k == SIZE_MAX ? "the split route" : arena_printf(c->a, "spec.http[%zu]", k);
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

/* A match's own limits: its path's length and characters, its headers and query params. */
static void
check_match(struct plan_check *c, const struct plan_route *pr, const struct gw_match *m)
{
	struct arena *a = c->a;
	size_t nh = m->headers && m->headers->kind == NODE_MAP ? m->headers->n : 0;
	size_t nq = m->query && m->query->kind == NODE_MAP ? m->query->n : 0;
	const char *why = m->path == GW_EXACT || m->path == GW_PREFIX ? bad_path(m->value) : NULL;

	if (m->value && strlen(m->path == GW_CHARS ? gw_path_regex(m, a) : m->value) > GW_MAX_PATH)
		tell(
		    c, pr, m,
		    arena_printf(a,
		                 "route %s: the path match '%.40s...' is longer than Gateway API's "
		                 "%d characters (provider: gateway-api)",
		                 rule_label(c, pr), m->value, GW_MAX_PATH));
	else if (why)
		tell(c, pr, m,
		     arena_printf(a,
		                  "route %s: the path '%s' %s, which Gateway API's %s cannot match "
		                  "(provider: gateway-api); match it with regex",
		                  rule_label(c, pr), m->value, why,
		                  m->path == GW_EXACT ? "Exact" : "PathPrefix"));
	else if (nh > GW_MAX_VALUES || nq > GW_MAX_VALUES)
		tell(
		    c, pr, m,
		    arena_printf(a,
		                 "route %s: a match of %zu headers and %zu query params, more than "
		                 "Gateway API's %d each (provider: gateway-api)",
		                 rule_label(c, pr), nh, nq, GW_MAX_VALUES));
}

/* What to do about a pair that precedence would reorder, x the earlier: a PathPrefix where
 * Istio's prefix by characters is a regular expression and would then rank high enough, else
 * a stage's match or the routes' order. */
static const char *
conflict_hint(const struct stage_match *x, const struct stage_match *y, struct arena *a)
{
	const char *v = x->m.value;
	size_t n = v ? strlen(v) : 0;
	struct rank as_prefix = x->rank;

	if (x->m.path == GW_CHARS) {
		as_prefix.path = 2;
		as_prefix.len = n > 1 && v[n - 1] == '/' ? n - 1 : n;
	}
	if (x->m.path == GW_CHARS && !outranks(y->rank, as_prefix))
		return v[n - 1] == '/'
		           ? arena_printf(
		                 a,
		                 "; Istio's prefix '%s' leaves out '%.*s', which a PathPrefix "
		                 "takes, so it is a regular expression, the least specific "
		                 "match: to match whole segments, match exact: %.*s and "
		                 "prefix: %s (one PathPrefix)",
		                 v, (int)n - 1, v, (int)n - 1, v, v)
		           : arena_printf(
		                 a,
		                 "; Istio's prefix '%s' matches characters ('%sx' too), which "
		                 "only a regular expression says, the least specific match: "
		                 "to match whole segments, match exact: %s and prefix: %s/ "
		                 "(one PathPrefix)",
		                 v, v, v, v);
	if (x->route->match || y->route->match)
		return "; a stage's routes come just before its split route: make the stage's match "
		       "exclusive of the other route's, or move that route";
	return "; order the routes from the most specific match, or make their matches exclusive";
}

/* Whether a condition of z (a path) is one that the match o sets, or implies. */
static bool
path_implied(const struct gw_match *z, const struct gw_match *o)
{
	if (z->path == GW_ANY || (z->path == o->path && !strcmp(z->value, o->value)))
		return true;
	return z->path == GW_PREFIX && (o->path == GW_EXACT || o->path == GW_PREFIX) &&
	       in_segments(o->value, z->value);
}

/* Whether each entry of a headers or queryParams map z is, by name and StringMatch, one of
 * x's or y's. */
static bool
entries_implied(const struct node *z, const struct node *x, const struct node *y, bool nocase)
{
	for (size_t i = 0; z && z->kind == NODE_MAP && i < z->n; i++) {
		bool found = false;
		for (size_t o = 0; o < 2 && !found; o++) {
			const struct node *m = o ? y : x;
			for (size_t k = 0; m && m->kind == NODE_MAP && k < m->n && !found; k++)
				found = !(nocase ? strcasecmp : strcmp)(z->kids[2 * i]->str,
				                                        m->kids[2 * k]->str) &&
				        same_match(z->kids[2 * i + 1], m->kids[2 * k + 1]);
		}
		if (!found)
			return false;
	}
	return true;
}

/* Whether every request that both x and y take, z takes too: each condition of z is one of
 * theirs. */
static bool
implied(const struct gw_match *z, const struct gw_match *x, const struct gw_match *y)
{
	return (path_implied(z, x) || path_implied(z, y)) &&
	       (!z->method || (x->method && !strcmp(z->method, x->method)) ||
	        (y->method && !strcmp(z->method, y->method))) &&
	       entries_implied(z->headers, x->headers, y->headers, true) &&
	       entries_implied(z->query, x->query, y->query, false);
}

/* Whether Gateway API and Istio could send a request that the earlier x and the later y both
 * take to different rules: y ranks higher, and no match of x's rule that such a request
 * also takes ranks as high. */
static bool
reordered(const struct stage_match *all, size_t n, const struct stage_match *x,
          const struct stage_match *y)
{
	if (x->rule == y->rule || !outranks(y->rank, x->rank) || !matches_meet(&x->m, &y->m))
		return false;
	for (size_t z = 0; z < n; z++)
		if (all[z].rule == x->rule && !outranks(y->rank, all[z].rank) &&
		    implied(&all[z].m, &x->m, &y->m))
			return false;
	return true;
}

/* Each match of the stage's rules, with its rule, into all (room for every match); the
 * problems of each rule and match told. Returns how many. */
static size_t
stage_matches(struct plan_check *c, const struct plan_route *routes, size_t nrules,
              struct stage_match *all)
{
	struct arena *a = c->a;
	size_t n = 0;

	for (size_t i = 0; i < nrules; i++) {
		const struct plan_route *pr = &routes[i];
		const struct node *match = pr->match ? pr->match : node_get(pr->spec, "match");
		size_t cap = match && match->kind == NODE_SEQ && match->n ? match->n : 1;
		struct gw_match *ms = arena_alloc(a, cap * sizeof(*ms));
		size_t k = gw_matches(match, ms, a);
		const char *name = gw_route_name(pr);
		if (name && !gw_is_rule_name(name))
			tell(c, pr, NULL,
			     arena_printf(
			         a,
			         "the route '%s' cannot name an HTTPRoute rule, a lowercase DNS "
			         "name (provider: gateway-api); rename the route or the stage",
			         name));
		if (k > GW_MAX_MATCHES)
			tell(c, pr, NULL,
			     arena_printf(
			         a,
			         "route %s: %zu matches, more than Gateway API's %d in a rule "
			         "(provider: gateway-api); match on fewer",
			         rule_label(c, pr), k, GW_MAX_MATCHES));
		for (size_t j = 0; j < k; j++) {
			all[n + j] = (struct stage_match){ms[j], rank_of(&ms[j], a), pr, i};
			check_match(c, pr, &ms[j]);
		}
		n += k;
	}
	return n;
}

/* One stage's rules: limits, names, paths, and no pair that precedence would reorder. */
static void
check_stage_plan(struct plan_check *c, size_t s)
{
	struct arena *a = c->a;
	struct plan_stage p;
	size_t total = 0;

	c->stage = s;
	plan_stage(c->r, s, a, &p);
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
	size_t n = stage_matches(c, routes, nrules, all);
	for (size_t x = 0; x < n; x++)
		for (size_t y = x + 1; y < n; y++) {
			const struct stage_match *mx = &all[x], *my = &all[y];
			if (!reordered(all, n, mx, my))
				continue;
			const struct stage_match *at = my->route->match ? my : mx; /* a stage's? */
			tell(c, at->route, &at->m,
			     arena_printf(
			         a,
			         "route %s (%s) comes first, and Istio gives it the requests "
			         "it shares with route %s (%s); Gateway API gives them to %s, "
			         "whose match ranks higher (provider: gateway-api)%s",
			         rule_label(c, mx->route), describe(&mx->m, a),
			         rule_label(c, my->route), describe(&my->m, a),
			         rule_label(c, my->route), conflict_hint(mx, my, a)));
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
