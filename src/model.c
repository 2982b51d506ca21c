/* model.c: a validated parse tree to a const struct rollout, defaults applied. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "validate.h"

int
model_stage_weight(const struct node *stage)
{
	const struct node *w = stage->kind == NODE_MAP ? node_get(stage, "weight") : stage;

	if (!w && stage->kind == NODE_MAP)
		return 0;
	if (!w || w->kind != NODE_SCALAR || w->type != SCALAR_INT || w->nondecimal || w->overflow ||
	    w->ival < 0 || w->ival > 100)
		return -1;
	return (int)w->ival;
}

const char *
model_stage_id(const struct node *stage, char buf[16])
{
	const struct node *name = node_get(stage, "name");

	if (node_is_str(name))
		return name->str;
	return model_weight_id(model_stage_weight(stage), buf);
}

const char *
model_weight_id(long long w, char buf[16])
{
	char num[20];
	size_t len = fmt_int_zeros(num, w, 3);

	len = len < 15 ? len : 15;
	memcpy(buf, num, len);
	buf[len] = '\0';
	return buf;
}

int
model_stage_index(const struct rollout *r, const char *id)
{
	for (size_t i = 0; i < r->nstages; i++)
		if (strcmp(r->stages[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* The stage a weight names: the one whose id is that weight (the stage of that weight without
 * a name), else the only stage of that weight; -1 when none or several are. */
static int
stage_of_weight(const struct rollout *r, long long w)
{
	char id[16];
	int found = -1;

	if (w < 0 || w > 100)
		return -1;
	int i = model_stage_index(r, model_weight_id(w, id));
	if (i >= 0 && r->stages[i].weight == w)
		return i;
	for (size_t s = 0; s < r->nstages; s++)
		if (r->stages[s].weight == w) {
			if (found >= 0)
				return -1;
			found = (int)s;
		}
	return found;
}

int
model_stage_lookup(const struct rollout *r, const char *text)
{
	int i = model_stage_index(r, text);
	char *end;
	long w = strtol(text, &end, 10);

	if (i >= 0 || !*text || *end)
		return i;
	return stage_of_weight(r, w);
}

const char *
model_stage_missing(const struct rollout *r, const char *text, struct arena *a)
{
	char *end;
	long w = strtol(text, &end, 10);
	const char *all = "", *same = "";

	for (size_t s = 0; s < r->nstages; s++) {
		all = arena_printf(a, "%s%s%s", all, s ? ", " : "", r->stages[s].id);
		if (*text && !*end && r->stages[s].weight == w)
			same = arena_printf(a, "%s%s%s", same, *same ? ", " : "", r->stages[s].id);
	}
	if (*same)
		return arena_printf(
		    a,
		    "%s is the weight of the stages %s of rollout '%s'; name one by "
		    "its id",
		    text, same, r->name);
	return arena_printf(a, "no stage '%s' in rollout '%s'; the stages are %s", text, r->name,
	                    all);
}

int
model_find_stage(const struct rollout *r, const struct node *sel)
{
	if (sel->kind == NODE_SCALAR && sel->type == SCALAR_INT)
		return stage_of_weight(r, sel->ival);
	return node_is_str(sel) ? model_stage_index(r, sel->str) : -1;
}

const char *
model_decimal(const struct node *n, int frac_max, char buf[32])
{
	const char *s = n && n->kind == NODE_SCALAR ? n->str : "";
	size_t whole = strspn(s, "0123456789"), frac = 0;

	if (!n || (n->type != SCALAR_INT && n->type != SCALAR_FLOAT) || n->nondecimal ||
	    whole == 0 || whole > 9)
		return NULL;
	if (s[whole] == '.')
		frac = strspn(s + whole + 1, "0123456789");
	if (s[whole + (s[whole] == '.') + frac] != '\0')
		return NULL; /* an exponent, a sign, .inf */
	while (frac > 0 && s[whole + frac] == '0')
		frac--; /* 20.50 is 20.5; 20.0 is 20 */
	if (frac > (size_t)frac_max)
		return NULL;
	fmt_str(buf, 32, "%lld%s%.*s", strtoll(s, NULL, 10), frac ? "." : "", (int)frac,
	        s + whole + 1);
	return buf;
}

const char *
model_percent(const struct node *n, char buf[16])
{
	char dec[32];
	const char *d = model_decimal(n, 3, dec);
	long long whole = d ? strtoll(d, NULL, 10) : 0;

	if (!d || whole > 100 || (whole == 100 && strchr(d, '.')))
		return NULL;
	return memcpy(buf, d, strlen(d) + 1);
}

static const char *
str_or(struct arena *a, const struct node *n, const char *dflt)
{
	return node_is_str(n) ? arena_strdup(a, n->str) : dflt;
}

static long long
int_or(const struct node *n, long long dflt)
{
	return n && n->kind == NODE_SCALAR && n->type == SCALAR_INT ? n->ival : dflt;
}

static struct kvs
kvs_from(struct arena *a, const struct node *map)
{
	struct kvs out = {0};

	if (!map || map->kind != NODE_MAP)
		return out;
	const struct node *sorted = node_sorted_map(a, map);
	out.v = arena_alloc(a, (sorted->n ? sorted->n : 1) * sizeof(*out.v));
	for (size_t i = 0; i < sorted->n; i++) {
		out.v[i].key = arena_strdup(a, sorted->kids[2 * i]->str);
		out.v[i].value = arena_strdup(a, sorted->kids[2 * i + 1]->str);
	}
	out.n = sorted->n;
	return out;
}

static struct strs
strs_from(struct arena *a, const struct node *seq)
{
	struct strs out = {0};

	if (!seq || seq->kind != NODE_SEQ)
		return out;
	out.v = arena_alloc(a, (seq->n ? seq->n : 1) * sizeof(*out.v));
	for (size_t i = 0; i < seq->n; i++)
		out.v[i] = arena_strdup(a, seq->kids[i]->str);
	out.n = seq->n;
	return out;
}

static void
model_circuit_breaker(struct rollout *r, const struct node *cb, struct arena *a)
{
	const struct node *errors = node_get(cb, "consecutive5xxErrors");

	if (!errors)
		errors = node_get(cb, "consecutiveErrors"); /* Istio's deprecated name */
	r->has_circuit_breaker = cb != NULL;
	r->cb = (struct circuit_breaker){
	    .consecutive_5xx_errors = int_or(errors, -1),
	    .consecutive_gateway_errors = int_or(node_get(cb, "consecutiveGatewayErrors"), -1),
	    .interval = str_or(a, node_get(cb, "interval"), NULL),
	    .base_ejection_time = str_or(a, node_get(cb, "baseEjectionTime"), NULL),
	    .max_ejection_percent = int_or(node_get(cb, "maxEjectionPercent"), -1),
	    .min_health_percent = int_or(node_get(cb, "minHealthPercent"), -1),
	    .max_connections = int_or(node_get(cb, "maxConnections"), -1),
	    .http1_max_pending_requests = int_or(node_get(cb, "http1MaxPendingRequests"), -1),
	    .http2_max_requests = int_or(node_get(cb, "http2MaxRequests"), -1),
	    .max_requests_per_connection = int_or(node_get(cb, "maxRequestsPerConnection"), -1),
	    .max_retries = int_or(node_get(cb, "maxRetries"), -1),
	};
}

bool
model_route_is_split(const struct node *route)
{
	return !node_get(route, "route") && !node_get(route, "redirect") &&
	       !node_get(route, "directResponse") && !node_get(route, "delegate");
}

/* The value of key in a copied map, replaced in place by newkey: value. */
static void
map_rename(struct node *map, const char *key, const char *newkey, struct node *value,
           struct arena *a)
{
	for (size_t i = 0; map && map->kind == NODE_MAP && i < map->n; i++)
		if (!strcmp(map->kids[2 * i]->str, key)) {
			map->kids[2 * i] = node_new_str(a, newkey);
			map->kids[2 * i + 1] = value;
		}
}

/* fault.delay.percent: N as percentage: {value: N}; corsPolicy.allowOrigin: [o] as
 * allowOrigins: [{exact: o}]: what Istio's deprecated fields mean, in their current form. */
static void
route_current(struct node *route, struct arena *a)
{
	const struct node *fault = node_get(route, "fault");
	const struct node *allow = node_get(node_get(route, "corsPolicy"), "allowOrigin");
	static const char *const faults[] = {"delay", "abort"};

	for (size_t i = 0; i < 2; i++) {
		struct node *f = node_get(fault, faults[i]), *pct = node_get(f, "percent");
		if (!pct)
			continue;
		struct node *value = node_new_map(a, 1);
		node_map_add(value, node_new_str(a, "value"), pct);
		map_rename(f, "percent", "percentage", value, a);
	}
	if (allow && allow->kind == NODE_SEQ) {
		struct node *origins = node_new_seq(a, allow->n);
		for (size_t i = 0; i < allow->n; i++) {
			struct node *m = node_new_map(a, 1);
			node_map_add(m, node_new_str(a, "exact"), allow->kids[i]);
			node_seq_add(origins, m);
		}
		map_rename(node_get(route, "corsPolicy"), "allowOrigin", "allowOrigins", origins,
		           a);
	}
}

/* A trafficPolicy's deprecated fields in their current form: outlierDetection.consecutiveErrors
 * as consecutive5xxErrors, LEAST_CONN as LEAST_REQUEST, consistentHash.minimumRingSize as
 * ringHash.minimumRingSize, warmupDurationSecs as warmup.duration. */
static void
policy_current(struct node *tp, struct arena *a)
{
	struct node *lb = node_get(tp, "loadBalancer"), *od = node_get(tp, "outlierDetection");
	struct node *hash = node_get(lb, "consistentHash"), *simple = node_get(lb, "simple");
	struct node *pls = node_get(tp, "portLevelSettings"), *v;
	static const struct {
		const char *old, *now, *inner; /* inner: the new field is a map {inner: value} */
	} moves[] = {{"minimumRingSize", "ringHash", "minimumRingSize"},
	             {"warmupDurationSecs", "warmup", "duration"}};

	if ((v = node_get(od, "consecutiveErrors")))
		map_rename(od, "consecutiveErrors", "consecutive5xxErrors", v, a);
	if (node_is_str(simple) && !strcmp(simple->str, "LEAST_CONN"))
		map_rename(lb, "simple", "simple", node_new_str(a, "LEAST_REQUEST"), a);
	for (size_t i = 0; i < 2; i++) {
		struct node *in = i ? lb : hash;
		if (!(v = node_get(in, moves[i].old)))
			continue;
		struct node *m = node_new_map(a, 1);
		node_map_add(m, node_new_str(a, moves[i].inner), v);
		map_rename(in, moves[i].old, moves[i].now, m, a);
	}
	for (size_t i = 0; pls && pls->kind == NODE_SEQ && i < pls->n; i++)
		policy_current(pls->kids[i], a);
}

/* A copy of a trafficPolicy, in its current form; NULL for none. */
static const struct node *
policy_from(struct arena *a, const struct node *tp)
{
	if (!tp)
		return NULL;
	struct node *copy = node_copy(a, tp, 0);
	policy_current(copy, a);
	return copy;
}

/* Sets the value at path (NULL-terminated) in a map of ours, making the maps on the way; a
 * NULL value sets nothing. Maps made here, and those node_copy() made, have room for it. */
static void
policy_put(struct arena *a, struct node *map, const char *const *path, struct node *value)
{
	if (!value)
		return;
	for (; path[1]; path++) {
		struct node *next = node_get(map, path[0]);
		if (!next) {
			next = node_new_map(a, 8);
			node_map_add(map, node_new_str(a, path[0]), next);
		}
		map = next;
	}
	node_map_add(map, node_new_str(a, path[0]), value);
}

/* The DestinationRule's trafficPolicy, made once per rollout: spec.trafficPolicy as written, the
 * circuitBreaker's fields in their places (validate.c refuses a field set in both), the mTLS of
 * the mesh. */
static const struct node *
dr_policy(struct arena *a, const struct rollout *r, const struct node *given)
{
	const struct circuit_breaker *cb = &r->cb;
	struct node *tp = given ? node_copy(a, given, 8) : node_new_map(a, 8);
	const struct {
		const char *path[4];
		struct node *value;
	} fields[] = {
	    {{"connectionPool", "tcp", "maxConnections"},
	     node_new_int_or_none(a, cb->max_connections)},
	    {{"connectionPool", "http", "http1MaxPendingRequests"},
	     node_new_int_or_none(a, cb->http1_max_pending_requests)},
	    {{"connectionPool", "http", "http2MaxRequests"},
	     node_new_int_or_none(a, cb->http2_max_requests)},
	    {{"connectionPool", "http", "maxRequestsPerConnection"},
	     node_new_int_or_none(a, cb->max_requests_per_connection)},
	    {{"connectionPool", "http", "maxRetries"}, node_new_int_or_none(a, cb->max_retries)},
	    {{"outlierDetection", "consecutiveGatewayErrors"},
	     node_new_int_or_none(a, cb->consecutive_gateway_errors)},
	    {{"outlierDetection", "consecutive5xxErrors"},
	     node_new_int_or_none(a, cb->consecutive_5xx_errors)},
	    {{"outlierDetection", "interval"}, node_new_str_or_none(a, cb->interval)},
	    {{"outlierDetection", "baseEjectionTime"},
	     node_new_str_or_none(a, cb->base_ejection_time)},
	    {{"outlierDetection", "maxEjectionPercent"},
	     node_new_int_or_none(a, cb->max_ejection_percent)},
	    {{"outlierDetection", "minHealthPercent"},
	     node_new_int_or_none(a, cb->min_health_percent)},
	    {{"tls", "mode"},
	     r->mtls == MTLS_DISABLE || r->mtls == MTLS_UNSET ? NULL
	                                                      : node_new_str(a, "ISTIO_MUTUAL")},
	};

	policy_current(tp, a);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		policy_put(a, tp, fields[i].path, fields[i].value);
	return tp->n ? tp : NULL;
}

static struct routes
routes_from(struct arena *a, const struct node *seq)
{
	struct routes out = {0};

	if (!seq || seq->kind != NODE_SEQ)
		return out;
	out.v = arena_alloc(a, (seq->n ? seq->n : 1) * sizeof(*out.v));
	for (size_t i = 0; i < seq->n; i++) {
		struct node *route = node_copy(a, seq->kids[i], 0);
		route_current(route, a);
		out.v[i] = (struct route){route, model_route_is_split(route)};
	}
	out.n = seq->n;
	return out;
}

/* A version or a declared subset: a name, or {name, labels, trafficPolicy}; a version's labels
 * default to {<versionLabel>: <name>}. */
static struct subset
subset_from(struct arena *a, const struct node *v, const char *version_label)
{
	struct subset s = {
	    .name = str_or(a, v && v->kind == NODE_MAP ? node_get(v, "name") : v, ""),
	    .labels = kvs_from(a, node_get(v, "labels")),
	    .policy = policy_from(a, node_get(v, "trafficPolicy")),
	};

	if (s.labels.n == 0) {
		s.labels.v = arena_alloc(a, sizeof(struct kv));
		s.labels.v[0] = (struct kv){version_label, s.name};
		s.labels.n = 1;
	}
	return s;
}

/* A stage of spec.stages, its matches copied out of the parse tree. */
static struct stage
stage_from(struct arena *a, const struct node *n)
{
	const struct node *match = node_get(n, "match"), *mirror = node_get(n, "mirror");
	const struct node *mirror_match = node_get(mirror, "match");
	char buf[16];
	struct stage s = {
	    .id = arena_strdup(a, model_stage_id(n, buf)),
	    .weight = model_stage_weight(n),
	    .match = match ? node_copy(a, match, 0) : NULL,
	    .mirror_match = mirror_match ? node_copy(a, mirror_match, 0) : NULL,
	};
	const char *percent = model_percent(
	    mirror && mirror->kind == NODE_MAP ? node_get(mirror, "percent") : mirror, buf);
	s.mirror = percent ? arena_strdup(a, percent) : NULL;
	return s;
}

/* spec.stickySessions: the cookie (default <name>-canary) and its Max-Age (default 24h). */
static void
model_sticky(struct rollout *r, const struct node *sticky, struct arena *a)
{
	const struct node *max_age = node_get(sticky, "maxAge");
	long long ns;

	if (!sticky)
		return;
	r->sticky_cookie =
	    str_or(a, node_get(sticky, "cookie"), arena_printf(a, "%s-canary", r->name));
	r->sticky_max_age = 24 * 3600;
	if (node_is_str(max_age) && duration_parse(max_age->str, &ns) == 0)
		r->sticky_max_age = ns / 1000000000;
}

/* spec.analysis, with its defaults: window 1m, for 2m, minRequestRate 0.1. */
static const struct analysis *
model_analysis(const struct node *an, const struct node *meta_labels, struct arena *a)
{
	const struct node *rule_labels = node_get(an, "ruleLabels");
	const struct node *latency = node_get(an, "latencyP99");
	struct analysis *y;
	char buf[32];
	long long ns;

	if (!an || an->kind != NODE_MAP)
		return NULL;
	y = arena_alloc(a, sizeof(*y));
	memset(y, 0, sizeof(*y));
	const char *rate = model_decimal(node_get(an, "successRate"), 3, buf);
	y->success_rate = rate ? arena_strdup(a, rate) : NULL;
	if (node_is_str(latency) && duration_parse(latency->str, &ns) == 0) {
		y->latency = arena_strdup(a, latency->str);
		y->latency_ms = ns / 1000000;
	}
	y->window = str_or(a, node_get(an, "window"), "1m");
	y->for_ = str_or(a, node_get(an, "for"), "2m");
	const char *min = model_decimal(node_get(an, "minRequestRate"), 6, buf);
	y->min_rate = arena_strdup(a, min ? min : "0.1");
	y->labels = kvs_from(a, node_get(an, "labels"));
	/* metadata.labels, then each of ruleLabels that it does not hold (validate refuses one
	 * that it holds with another value) */
	size_t nmeta = meta_labels && meta_labels->kind == NODE_MAP ? meta_labels->n : 0;
	size_t nrule = rule_labels && rule_labels->kind == NODE_MAP ? rule_labels->n : 0;
	struct node *all = node_new_map(a, nmeta + nrule);
	for (size_t i = 0; i < nmeta; i++)
		node_map_add(all, meta_labels->kids[2 * i], meta_labels->kids[2 * i + 1]);
	for (size_t i = 0; i < nrule; i++)
		if (!node_get(meta_labels, rule_labels->kids[2 * i]->str))
			node_map_add(all, rule_labels->kids[2 * i], rule_labels->kids[2 * i + 1]);
	y->rule_labels = kvs_from(a, all);
	return y;
}

/* Whether r has a split route of proto. */
static bool
model_splits(const struct rollout *r, enum proto proto)
{
	for (size_t i = 0; i < r->routes[proto].n; i++)
		if (r->routes[proto].v[i].split)
			return true;
	return false;
}

/* spec.split and, for split: service, the version Services' names and port. */
static void
model_split(struct rollout *r, const struct node *spec, struct arena *a)
{
	const struct node *split = node_get(spec, "split"), *provider = node_get(spec, "provider");
	static const char *const versions[] = {"stable", "canary"};

	if (node_is_str(provider) && !strcmp(provider->str, "gateway-api"))
		r->provider = PROVIDER_GATEWAY_API;
	if (r->provider != PROVIDER_GATEWAY_API &&
	    (!node_is_str(split) || strcmp(split->str, "service")))
		return;
	r->split = SPLIT_SERVICE;
	for (size_t v = 0; v < 2; v++) {
		const struct node *ver = node_get(spec, versions[v]);
		r->subsets[v].service =
		    str_or(a, ver && ver->kind == NODE_MAP ? node_get(ver, "service") : NULL,
		           arena_printf(a, "%s-%s", r->name, r->subsets[v].name));
	}
	const struct node *target = node_get(spec, "targetPort");
	r->target_port = target ? node_copy(a, target, 0) : NULL;
	/* Istio reads the protocol from the port's name: that of the routes it splits */
	const char *proto = "http";
	if (!model_splits(r, PROTO_HTTP))
		proto = model_splits(r, PROTO_TCP) ? "tcp" : "tls";
	r->port_name = str_or(a, node_get(spec, "portName"), proto);
	r->app_protocol = str_or(a, node_get(spec, "appProtocol"), NULL);
}

struct rollout *
model_build(const struct node *doc, const char *file, struct arena *a)
{
	const struct node *meta = node_get(doc, "metadata"), *spec = node_get(doc, "spec");
	const struct node *stages = node_get(spec, "stages"), *retries = node_get(spec, "retries");
	const struct node *mtls = node_get(spec, "mtls"), *active = node_get(spec, "activeStage");
	struct rollout *r = arena_alloc(a, sizeof(*r));

	r->file = arena_strdup(a, file);
	r->source = r->file;
	r->line = node_get(meta, "name") ? node_get(meta, "name")->line : doc->line;
	r->col = node_get(meta, "name") ? node_get(meta, "name")->col : doc->col;
	r->name = str_or(a, node_get(meta, "name"), "");
	r->ns = str_or(a, node_get(meta, "namespace"), "default");
	r->labels = kvs_from(a, node_get(meta, "labels"));
	r->host = str_or(a, node_get(spec, "host"), r->name);
	r->port = (int)int_or(node_get(spec, "port"), 0);
	r->workload_labels = kvs_from(a, node_get(spec, "workloadLabels"));
	if (r->workload_labels.n == 0) {
		r->workload_labels.v = arena_alloc(a, sizeof(struct kv));
		r->workload_labels.v[0] = (struct kv){"app", r->name};
		r->workload_labels.n = 1;
	}
	r->version_label = str_or(a, node_get(spec, "versionLabel"), "version");
	const struct node *subsets = node_get(spec, "subsets");
	r->nsubsets = 2 + (subsets ? subsets->n : 0);
	r->subsets = arena_alloc(a, r->nsubsets * sizeof(*r->subsets));
	r->subsets[0] = subset_from(a, node_get(spec, "stable"), r->version_label);
	r->subsets[1] = subset_from(a, node_get(spec, "canary"), r->version_label);
	for (size_t i = 2; i < r->nsubsets; i++)
		r->subsets[i] = subset_from(a, subsets->kids[i - 2], r->version_label);
	r->stable = r->subsets[0].name;
	r->canary = r->subsets[1].name;
	static const char *const protos[NPROTOS] = {"http", "tcp", "tls"};
	for (size_t p = 0; p < NPROTOS; p++)
		r->routes[p] = routes_from(a, node_get(spec, protos[p]));
	if (!r->routes[PROTO_HTTP].n && !r->routes[PROTO_TCP].n && !r->routes[PROTO_TLS].n) {
		struct node *route = node_new_map(a, 1);
		node_map_add(route, node_new_str(a, "name"), node_new_str(a, r->name));
		r->routes[PROTO_HTTP].v = arena_alloc(a, sizeof(struct route));
		r->routes[PROTO_HTTP].v[0] = (struct route){route, true};
		r->routes[PROTO_HTTP].n = 1;
	}
	r->nstages = stages ? stages->n : 0;
	r->stages = arena_alloc(a, (r->nstages ? r->nstages : 1) * sizeof(*r->stages));
	for (size_t i = 0; i < r->nstages; i++)
		r->stages[i] = stage_from(a, stages->kids[i]);
	int at = active ? model_find_stage(r, active) : 0;
	r->active = at > 0 ? (size_t)at : 0;
	r->gateways = strs_from(a, node_get(spec, "gateways"));
	r->hosts = strs_from(a, node_get(spec, "hosts"));
	if (r->hosts.n == 0) {
		r->hosts.v = arena_alloc(a, sizeof(*r->hosts.v));
		r->hosts.v[0] = r->host;
		r->hosts.n = 1;
	}
	r->timeout = str_or(a, node_get(spec, "timeout"), NULL);
	r->retries.attempts = retries ? int_or(node_get(retries, "attempts"), -1) : -1;
	r->retries.per_try_timeout = str_or(a, node_get(retries, "perTryTimeout"), NULL);
	r->retries.retry_on = str_or(a, node_get(retries, "retryOn"), NULL);
	model_circuit_breaker(r, node_get(spec, "circuitBreaker"), a);
	r->istio_version = str_or(a, node_get(spec, "istioAPIVersion"), "v1");
	r->mtls = !node_is_str(mtls)                     ? MTLS_STRICT
	          : strcmp(mtls->str, "PERMISSIVE") == 0 ? MTLS_PERMISSIVE
	          : strcmp(mtls->str, "DISABLE") == 0    ? MTLS_DISABLE
	          : strcmp(mtls->str, "UNSET") == 0      ? MTLS_UNSET
	                                                 : MTLS_STRICT;
	r->policy = dr_policy(a, r, node_get(spec, "trafficPolicy"));
	model_sticky(r, node_get(spec, "stickySessions"), a);
	r->analysis = model_analysis(node_get(spec, "analysis"), node_get(meta, "labels"), a);
	model_split(r, spec, a);
	return r;
}
