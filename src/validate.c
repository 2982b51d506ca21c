/* validate.c: semantic rules of the rollout file, each reported at its node. */
#include "validate.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "buf.h"
#include "gateway.h"
#include "model.h"

/* The unit at s, its length in *len; -1 when there is none. */
static long long
duration_unit(const char *s, size_t *len)
{
	static const struct {
		const char *unit;
		long long scale;
	} units[] = {{"ns", 1},           {"us", 1000},         {"ms", 1000000},
	             {"s", 1000000000LL}, {"m", 60000000000LL}, {"h", 3600000000000LL}};

	*len = 0;
	while (s[*len] && !(s[*len] >= '0' && s[*len] <= '9') && s[*len] != '.')
		++*len;
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++)
		if (strlen(units[u].unit) == *len && strncmp(units[u].unit, s, *len) == 0)
			return units[u].scale;
	return -1;
}

int
duration_parse(const char *s, long long *ns)
{
	const long long max = 9223372036854775807LL;
	long long total = 0;

	if (!*s)
		return DURATION_SYNTAX;
	while (*s) {
		const char *whole = s, *frac = NULL;
		size_t nwhole = 0, nfrac = 0, ulen;
		while (s[nwhole] >= '0' && s[nwhole] <= '9')
			nwhole++;
		s += nwhole;
		if (*s == '.') {
			frac = ++s;
			while (s[nfrac] >= '0' && s[nfrac] <= '9')
				nfrac++;
			s += nfrac;
		}
		long long scale = duration_unit(s, &ulen);
		if (nwhole + nfrac == 0 || scale < 0)
			return DURATION_SYNTAX;
		s += ulen;
		long long v = 0;
		for (size_t i = 0; i < nwhole; i++) {
			if (v > (max - (whole[i] - '0')) / 10)
				return DURATION_OVERFLOW;
			v = v * 10 + (whole[i] - '0');
		}
		if (v > max / scale)
			return DURATION_OVERFLOW;
		v *= scale;
		for (size_t i = 0; i < nfrac && scale >= 10; i++) {
			scale /= 10;
			long long digit = (frac[i] - '0') * scale;
			/* checked before adding: a signed overflow is undefined */
			if (v > max - digit)
				return DURATION_OVERFLOW;
			v += digit;
		}
		if (total > max - v)
			return DURATION_OVERFLOW;
		total += v;
	}
	*ns = total;
	return 0;
}

/* Label keys: the name part at most 63 characters, the DNS prefix at most 253. */
static void
check_label_keys(struct diags *d, const struct node *map, const char *path)
{
	for (size_t i = 0; map && map->kind == NODE_MAP && i < map->n; i++) {
		const struct node *key = map->kids[2 * i];
		const char *slash = strrchr(key->str, '/');
		size_t prefix = slash ? (size_t)(slash - key->str) : 0;
		size_t name = key->len - (slash ? prefix + 1 : 0);

		if (name > 63)
			node_error(
			    d, key,
			    "%s: the name part of label key '%s' is longer than 63 characters",
			    path, key->str);
		if (prefix > 253)
			node_error(d, key,
			           "%s: the prefix of label key '%s' is longer than 253 characters",
			           path, key->str);
	}
}

struct keyed {
	const char *key;
	size_t i;
};

static int
keyed_cmp(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	return c ? c : (a->i > b->i) - (a->i < b->i);
}

size_t *
earlier_same(const char *const *keys, const bool *strong, size_t n)
{
	struct keyed *v = malloc((n ? n : 1) * sizeof(*v));
	size_t *same = malloc((n ? n : 1) * sizeof(*same)), m = 0, group = 0, first_strong = 0;

	if (!v || !same)
		abort();
	for (size_t i = 0; i < n; i++) {
		same[i] = SIZE_MAX;
		if (keys[i])
			v[m++] = (struct keyed){keys[i], i};
	}
	qsort(v, m, sizeof(*v), keyed_cmp);
	for (size_t k = 0; k < m; k++) { /* each key's items in their order */
		size_t i = v[k].i;
		bool s = !strong || strong[i];
		if (k == 0 || strcmp(v[k - 1].key, v[k].key) != 0) {
			group = i;
			first_strong = SIZE_MAX;
		}
		size_t j = s ? group : first_strong;
		if (j < i)
			same[i] = j;
		if (s && first_strong == SIZE_MAX)
			first_strong = i;
	}
	free(v);
	return same;
}

static void
check_active_stage(struct diags *d, const struct node *stages, const struct node *active)
{
	char list[256] = "", same[256] = "", buf[16], id[16];
	size_t found = 0;

	if (!active || !stages || stages->kind != NODE_SEQ || active->kind != NODE_SCALAR)
		return;
	if (active->type != SCALAR_INT && active->type != SCALAR_STR)
		return;
	/* no stages, or a bad one (the one meant, maybe): the schema's error is the one to fix */
	if (stages->n == 0)
		return;
	for (size_t i = 0; i < stages->n; i++)
		if (model_stage_weight(stages->kids[i]) < 0)
			return;
	model_weight_id(active->type == SCALAR_INT ? active->ival : 0, id);
	for (size_t i = 0; i < stages->n; i++) {
		const struct node *s = stages->kids[i];
		const char *sid = model_stage_id(s, buf);
		if (active->type == SCALAR_STR ? strcmp(sid, active->str) == 0 : !strcmp(sid, id))
			return;
		if (active->type == SCALAR_INT && model_stage_weight(s) == active->ival) {
			size_t len = strlen(same);
			fmt_str(same + len, sizeof(same) - len, "%s%s", len ? ", " : "", sid);
			found++;
		}
		size_t len = strlen(list);
		fmt_str(list + len, sizeof(list) - len, "%s%s", len ? ", " : "", sid);
	}
	if (found == 1)
		return;
	if (found > 1)
		node_error(
		    d, active,
		    "spec.activeStage: %s is the weight of the stages %s; name one by its id",
		    active->str, same);
	else
		node_error(d, active, "spec.activeStage: '%s' is not a stage; the stages are %s",
		           active->str, list);
}

bool
host_covers(const char *pattern, const char *h, const char *ns)
{
	char x[512], y[512];

	fmt_str(x, sizeof(x),
	        strchr(pattern, '.') || !strcmp(pattern, "*") ? "%s" : "%s.%s.svc.cluster.local",
	        pattern, ns);
	fmt_str(y, sizeof(y), strchr(h, '.') ? "%s" : "%s.%s.svc.cluster.local", h, ns);
	if (!strcmp(x, "*"))
		return true;
	if (x[0] == '*') {
		size_t nx = strlen(x + 1), ny = strlen(y);
		return ny > nx && !strcmp(y + ny - nx, x + 1);
	}
	return !strcmp(x, y);
}

/* Whether the VirtualService is bound to the mesh: no gateways, or "mesh" among them. */
static bool
binds_mesh(const struct node *gateways)
{
	if (!gateways || gateways->kind != NODE_SEQ || gateways->n == 0)
		return true;
	for (size_t i = 0; i < gateways->n; i++)
		if (node_is_str(gateways->kids[i]) && !strcmp(gateways->kids[i]->str, "mesh"))
			return true;
	return false;
}

/* spec.hosts: each once (Istio rejects a VirtualService with a host twice), no "*" on the mesh,
 * and, on the mesh, spec.host among them, or mesh traffic to it is not split. */
static void
check_hosts(struct diags *d, const struct node *spec, const char *name, const char *ns)
{
	const struct node *host = node_get(spec, "host"), *hosts = node_get(spec, "hosts");
	const char *main = node_is_str(host) ? host->str : name;
	size_t n = hosts && hosts->kind == NODE_SEQ ? hosts->n : 0;
	const char **keys = calloc(n ? n : 1, sizeof(*keys));
	bool mesh = binds_mesh(node_get(spec, "gateways")), covered = false;

	if (!keys)
		abort();
	for (size_t i = 0; i < n; i++)
		keys[i] = node_is_str(hosts->kids[i]) ? hosts->kids[i]->str : NULL;
	size_t *same = earlier_same(keys, NULL, n);
	for (size_t i = 0; i < n; i++) {
		const struct node *h = hosts->kids[i];
		if (!keys[i])
			continue;
		covered |= main && host_covers(h->str, main, ns);
		if (same[i] != SIZE_MAX)
			node_error(d, h, "spec.hosts[%zu]: '%s' is already spec.hosts[%zu]", i,
			           h->str, same[i]);
		else if (mesh && !strcmp(h->str, "*"))
			node_error(
			    d, h,
			    "spec.hosts[%zu]: '*' may not be a host of a VirtualService bound "
			    "to the mesh gateway; name the hosts, or list only other gateways "
			    "in spec.gateways",
			    i);
	}
	if (n && mesh && main && !covered)
		node_warning(
		    d, hosts,
		    "spec.hosts leaves out '%s', the host the routes split, while the mesh "
		    "gateway is bound: mesh traffic to it will not be split; add '%s' to "
		    "spec.hosts",
		    main, main);
	free(same);
	free(keys);
}

static void
check_circuit_breaker(struct diags *d, const struct node *cb)
{
	const struct node *old = node_get(cb, "consecutiveErrors");
	const struct node *now = node_get(cb, "consecutive5xxErrors");

	for (size_t i = 0; old && i < cb->n; i++) {
		const struct node *key = cb->kids[2 * i];
		if (cb->kids[2 * i + 1] != old)
			continue;
		if (now)
			node_error(d, key,
			           "spec.circuitBreaker: set only one of consecutiveErrors "
			           "and consecutive5xxErrors");
		else
			node_warning(d, key,
			             "spec.circuitBreaker.consecutiveErrors is deprecated; "
			             "it is written as consecutive5xxErrors");
	}
}

void
validate_deprecated(struct diags *d, const struct node *map, const char *old, const char *now,
                    const char *path, const char *written)
{
	const struct node *key = node_get_key(map, old);

	if (!key)
		return;
	if (node_get(map, now))
		node_error(d, key, "%s: set only one of %s and %s (%s is deprecated)", path, old,
		           now, old);
	else
		node_warning(d, key, "%s.%s is deprecated; it is written as %s", path, old,
		             written);
}

void
validate_one_of(struct diags *d, const struct node *map, const char *const *keys, const char *path,
                bool required)
{
	const struct node *first = NULL;
	char list[256] = "";

	if (!map || map->kind != NODE_MAP)
		return;
	for (size_t k = 0; keys[k]; k++) {
		size_t len = strlen(list);
		fmt_str(list + len, sizeof(list) - len, "%s%s",
		        k ? (keys[k + 1] ? ", " : " or ") : "", keys[k]);
	}
	for (size_t i = 0; i < map->n; i++)
		for (size_t k = 0; keys[k]; k++) {
			const struct node *key = map->kids[2 * i];
			if (strcmp(key->str, keys[k]))
				continue;
			if (first)
				node_error(d, key, "%s: %s and %s both set; set only one of %s",
				           path, first->str, key->str, list);
			else
				first = key;
		}
	if (required && !first)
		node_error(d, map, "%s: set one of %s", path, list);
}

void
validate_retries(struct diags *d, const struct node *retries, const char *path)
{
	const struct node *attempts = node_get(retries, "attempts");

	if (!retries || retries->kind != NODE_MAP)
		return;
	if (attempts && attempts->type == SCALAR_INT && attempts->ival == 0 && retries->n > 1)
		node_error(d, attempts,
		           "%s: attempts: 0 turns retries off; remove the other fields, or retry",
		           path);
}

/* circuitBreaker's fields, and where each goes in the trafficPolicy. */
static const struct {
	const char *field, *in, *sub, *as;
} cb_fields[] = {
    {"maxConnections", "connectionPool", "tcp", "maxConnections"},
    {"http1MaxPendingRequests", "connectionPool", "http", "http1MaxPendingRequests"},
    {"http2MaxRequests", "connectionPool", "http", "http2MaxRequests"},
    {"maxRequestsPerConnection", "connectionPool", "http", "maxRequestsPerConnection"},
    {"maxRetries", "connectionPool", "http", "maxRetries"},
    {"consecutive5xxErrors", "outlierDetection", NULL, "consecutive5xxErrors"},
    {"consecutive5xxErrors", "outlierDetection", NULL, "consecutiveErrors"},
    {"consecutiveErrors", "outlierDetection", NULL, "consecutive5xxErrors"},
    {"consecutiveErrors", "outlierDetection", NULL, "consecutiveErrors"},
    {"consecutiveGatewayErrors", "outlierDetection", NULL, "consecutiveGatewayErrors"},
    {"interval", "outlierDetection", NULL, "interval"},
    {"baseEjectionTime", "outlierDetection", NULL, "baseEjectionTime"},
    {"maxEjectionPercent", "outlierDetection", NULL, "maxEjectionPercent"},
    {"minHealthPercent", "outlierDetection", NULL, "minHealthPercent"},
};

/* A field of circuitBreaker that spec.trafficPolicy sets as well: one place only. */
static void
check_cb_policy(struct diags *d, const struct node *cb, const struct node *tp)
{
	for (size_t i = 0; cb && cb->kind == NODE_MAP && i < cb->n; i++) {
		const struct node *key = cb->kids[2 * i];
		for (size_t f = 0; f < sizeof(cb_fields) / sizeof(cb_fields[0]); f++) {
			const struct node *in = node_get(tp, cb_fields[f].in);
			if (cb_fields[f].sub)
				in = node_get(in, cb_fields[f].sub);
			if (strcmp(key->str, cb_fields[f].field) || !node_get(in, cb_fields[f].as))
				continue;
			node_error(
			    d, key,
			    "spec.circuitBreaker.%s: spec.trafficPolicy.%s%s%s.%s sets it as "
			    "well; set it in one place",
			    key->str, cb_fields[f].in, cb_fields[f].sub ? "." : "",
			    cb_fields[f].sub ? cb_fields[f].sub : "", cb_fields[f].as);
		}
	}
}

/* Locality load balancing as Istio's webhook takes it: a failover goes somewhere else, and
 * the weights each distribute entry gives add up to 100. */
static void
check_locality(struct diags *d, const struct node *lls, const char *path)
{
	const struct node *failover = node_get(lls, "failover");
	const struct node *distribute = node_get(lls, "distribute");

	for (size_t i = 0; failover && failover->kind == NODE_SEQ && i < failover->n; i++) {
		const struct node *from = node_get(failover->kids[i], "from");
		const struct node *to = node_get(failover->kids[i], "to");
		if (node_is_str(from) && node_is_str(to) && !strcmp(from->str, to->str))
			node_error(d, to, "%s.failover[%zu]: fails over from '%s' to itself", path,
			           i, to->str);
	}
	for (size_t i = 0; distribute && distribute->kind == NODE_SEQ && i < distribute->n; i++) {
		const struct node *to = node_get(distribute->kids[i], "to");
		long long sum = 0;
		for (size_t k = 0; to && to->kind == NODE_MAP && k < to->n; k++)
			if (to->kids[2 * k + 1]->type == SCALAR_INT)
				sum += to->kids[2 * k + 1]->ival;
		if (to && to->kind == NODE_MAP && sum != 100)
			node_error(
			    d, to,
			    "%s.distribute[%zu].to: the weights add up to %lld; they must add "
			    "up to 100",
			    path, i, sum);
	}
}

/* A trafficPolicy's (or a port's) deprecated fields, and the fields that exclude each other. */
static void
check_policy_fields(struct diags *d, const struct node *tp, const char *path)
{
	static const char *const keys[] = {"httpHeaderName", "httpCookie", "useSourceIp",
	                                   "httpQueryParameterName", NULL};
	static const char *const rings[] = {"ringHash", "maglev", "minimumRingSize", NULL};
	static const char *const locality[] = {"distribute", "failover", NULL};
	const struct node *lb = node_get(tp, "loadBalancer"), *simple = node_get(lb, "simple");
	const struct node *hash = node_get(lb, "consistentHash");
	char p[160];

	fmt_str(p, sizeof(p), "%s.outlierDetection", path);
	validate_deprecated(d, node_get(tp, "outlierDetection"), "consecutiveErrors",
	                    "consecutive5xxErrors", p, "consecutive5xxErrors");
	fmt_str(p, sizeof(p), "%s.loadBalancer", path);
	validate_deprecated(d, lb, "warmupDurationSecs", "warmup", p, "warmup.duration");
	validate_one_of(d, lb, (const char *const[]){"simple", "consistentHash", NULL}, p, false);
	if (node_is_str(simple) && !strcmp(simple->str, "LEAST_CONN"))
		node_warning(d, simple,
		             "%s.simple: LEAST_CONN is deprecated; it is written as LEAST_REQUEST",
		             p);
	fmt_str(p, sizeof(p), "%s.loadBalancer.localityLbSetting", path);
	validate_one_of(d, node_get(lb, "localityLbSetting"), locality, p, false);
	check_locality(d, node_get(lb, "localityLbSetting"), p);
	fmt_str(p, sizeof(p), "%s.loadBalancer.consistentHash", path);
	validate_deprecated(d, hash, "minimumRingSize", "ringHash", p, "ringHash.minimumRingSize");
	validate_one_of(d, hash, keys, p, true);
	validate_one_of(d, hash, rings, p, false);
}

/* Istio's webhook rules of a TrafficPolicy that its schema does not say, the tunnel meshroll
 * does not write, and tls, which mtls other than UNSET writes itself. */
static void
check_policy(struct diags *d, const struct node *tp, const char *path, const struct node *mtls)
{
	static const char *const parts[] = {"loadBalancer", "connectionPool", "outlierDetection",
	                                    "tls"};
	const struct node *cp = node_get(tp, "connectionPool"),
	                  *od = node_get(tp, "outlierDetection");
	const struct node *lof = node_get(od, "consecutiveLocalOriginFailures");
	const struct node *split = node_get(od, "splitExternalLocalOriginErrors");
	const struct node *pls = node_get(tp, "portLevelSettings");

	if (!tp || tp->kind != NODE_MAP)
		return;
	check_policy_fields(d, tp, path);
	if (tp->n == 0)
		node_error(d, tp, "%s: a trafficPolicy needs at least one field; remove it", path);
	for (size_t i = 0; i < tp->n; i++) {
		const struct node *key = tp->kids[2 * i];
		if (!strcmp(key->str, "tunnel"))
			node_error(d, key, "%s.tunnel: meshroll does not write tunnel settings",
			           path);
		if (!strcmp(key->str, "tls") && !(node_is_str(mtls) && !strcmp(mtls->str, "UNSET")))
			node_error(d, key,
			           "%s.tls: spec.mtls (%s) decides the DestinationRule's tls; set "
			           "spec.mtls: UNSET to write your own",
			           path, node_is_str(mtls) ? mtls->str : "STRICT by default");
	}
	if (cp && cp->kind == NODE_MAP && !node_get(cp, "tcp") && !node_get(cp, "http"))
		node_error(d, cp, "%s.connectionPool: give it tcp or http settings, or remove it",
		           path);
	if (lof && lof->type == SCALAR_INT && lof->ival > 0 &&
	    !(split && split->type == SCALAR_BOOL && split->ival))
		node_error(d, lof,
		           "%s.outlierDetection.consecutiveLocalOriginFailures counts only with "
		           "splitExternalLocalOriginErrors: true",
		           path);
	for (size_t i = 0; pls && pls->kind == NODE_SEQ && i < pls->n; i++) {
		const struct node *p = pls->kids[i];
		bool any = false;
		char sub[96];
		for (size_t k = 0; k < sizeof(parts) / sizeof(parts[0]); k++)
			any |= node_get(p, parts[k]) != NULL;
		if (p->kind == NODE_MAP && !any)
			node_error(
			    d, p,
			    "%s.portLevelSettings[%zu]: give it loadBalancer, connectionPool, "
			    "outlierDetection or tls settings, or remove it",
			    path, i);
		fmt_str(sub, sizeof(sub), "%s.portLevelSettings[%zu]", path, i);
		check_policy_fields(d, p, sub);
		if (p->kind == NODE_MAP && node_get(p, "tls") &&
		    !(node_is_str(mtls) && !strcmp(mtls->str, "UNSET")))
			node_error(d, node_get_key(p, "tls"),
			           "%s.tls: spec.mtls decides the DestinationRule's tls; set "
			           "spec.mtls: UNSET to write your own",
			           sub);
	}
}

/* The labels a version or subset selects pods by: its labels, else {versionLabel: name}. */
static bool
label_value(const struct node *v, const char *version_label, const char *key, const char **value)
{
	const struct node *labels = v && v->kind == NODE_MAP ? node_get(v, "labels") : NULL;
	const struct node *name = v && v->kind == NODE_MAP ? node_get(v, "name") : v;

	if (labels && labels->kind == NODE_MAP) {
		const struct node *l = node_get(labels, key);
		*value = node_is_str(l) ? l->str : NULL;
		return *value != NULL;
	}
	*value = node_is_str(name) ? name->str : NULL;
	return *value && !strcmp(key, version_label);
}

/* Whether every label x selects pods by, y's pods carry too: then x's subset takes y's pods. */
static bool
labels_within(const struct node *x, const struct node *y, const char *version_label)
{
	const struct node *lx = x && x->kind == NODE_MAP ? node_get(x, "labels") : NULL;
	size_t n = lx && lx->kind == NODE_MAP ? lx->n : 1;

	if (lx && lx->kind != NODE_MAP)
		return false;
	for (size_t i = 0; i < n; i++) {
		const char *key = lx ? lx->kids[2 * i]->str : version_label, *vx, *vy;
		if (!label_value(x, version_label, key, &vx) ||
		    !label_value(y, version_label, key, &vy) || strcmp(vx, vy))
			return false;
	}
	return true;
}

/* A version or subset whose label contradicts workloadLabels (the same key, another value)
 * selects no pod. */
static void
check_selects(struct diags *d, const struct node *v, const char *path, const char *version_label,
              const struct node *workload, const char *name)
{
	const struct node *labels = v && v->kind == NODE_MAP ? node_get(v, "labels") : NULL;
	struct kv dflt = {"app", name};
	size_t n = workload && workload->kind == NODE_MAP ? workload->n : 1;

	for (size_t i = 0; i < n; i++) {
		struct kv w = dflt;
		if (workload && workload->kind == NODE_MAP) {
			if (!node_is_str(workload->kids[2 * i + 1]))
				continue;
			w = (struct kv){workload->kids[2 * i]->str, workload->kids[2 * i + 1]->str};
		}
		const char *mine;
		if (!w.value || !label_value(v, version_label, w.key, &mine) ||
		    !strcmp(mine, w.value))
			continue;
		const struct node *at =
		    labels && node_get(labels, w.key) ? node_get(labels, w.key) : v;
		node_error(d, at,
		           "%s: label %s=%s contradicts %s=%s of spec.workloadLabels: no pod "
		           "carries both; %s",
		           path, w.key, mine, w.key, w.value,
		           labels ? "give the version another label"
		                  : "set spec.versionLabel to the label that tells versions apart");
	}
}

static bool
too_many_labels(const struct node *v)
{
	const struct node *labels = v && v->kind == NODE_MAP ? node_get(v, "labels") : NULL;

	return labels && labels->kind == NODE_MAP && labels->n > 256;
}

/* Versions and subsets: each selects pods workloadLabels allows, names are unique, policies
 * follow check_policy(). */
static void
check_versions(struct diags *d, const struct node *spec, const char *name)
{
	const struct node *vl = node_get(spec, "versionLabel"), *mtls = node_get(spec, "mtls");
	const struct node *workload = node_get(spec, "workloadLabels");
	const struct node *subsets = node_get(spec, "subsets");
	const char *version_label = node_is_str(vl) ? vl->str : "version";
	static const char *const versions[] = {"spec.stable", "spec.canary"};
	size_t n = 2 + (subsets && subsets->kind == NODE_SEQ ? subsets->n : 0);
	const struct node **vs = calloc(n, sizeof(*vs));
	const char **names = calloc(n, sizeof(*names));
	char path[64];

	if (!vs || !names)
		abort();
	/* past the schema's limits (reported there) comparing labels would take long */
	if (n > 2 + 64 || (workload && workload->kind == NODE_MAP && workload->n > 256) ||
	    too_many_labels(node_get(spec, "stable")) ||
	    too_many_labels(node_get(spec, "canary"))) {
		free(names);
		free(vs);
		return;
	}
	vs[0] = node_get(spec, "stable");
	vs[1] = node_get(spec, "canary");
	for (size_t i = 2; i < n; i++)
		vs[i] = subsets->kids[i - 2];
	for (size_t i = 0; i < n; i++) {
		const struct node *v = vs[i];
		const struct node *vname = v && v->kind == NODE_MAP ? node_get(v, "name") : v;
		if (i < 2)
			fmt_str(path, sizeof(path), "%s", versions[i]);
		else
			fmt_str(path, sizeof(path), "spec.subsets[%zu]", i - 2);
		names[i] = node_is_str(vname) ? vname->str : NULL;
		check_selects(d, v, path, version_label, workload, name);
		check_label_keys(d, node_get(v, "labels"), path);
		fmt_str(path + strlen(path), sizeof(path) - strlen(path), ".trafficPolicy");
		check_policy(d, node_get(v, "trafficPolicy"), path, mtls);
	}
	bool in[2] = {labels_within(vs[0], vs[1], version_label),
	              labels_within(vs[1], vs[0], version_label)};
	if (names[0] && names[1] && strcmp(names[0], names[1]) && (in[0] || in[1]))
		node_warning(d, vs[in[0] ? 0 : 1],
		             "%s: its labels select %s's pods too%s, so the stages do not split "
		             "traffic as written; give each version a label the other's pods lack",
		             versions[in[0] ? 0 : 1], versions[in[0] ? 1 : 0],
		             in[0] && in[1] ? " (they are the same labels)" : "");
	size_t *same = earlier_same(names, NULL, n);
	for (size_t i = 2; i < n; i++)
		if (same[i] != SIZE_MAX)
			node_error(d, node_get(vs[i], "name") ? node_get(vs[i], "name") : vs[i],
			           "spec.subsets[%zu].name: '%s' is already the name of %s", i - 2,
			           names[i],
			           same[i] < 2
			               ? versions[same[i]]
			               : arena_printf(d->arena, "spec.subsets[%zu]", same[i] - 2));
	free(same);
	free(names);
	free(vs);
}

/* split: service: a port for the Services, names of their own; their fields only there. */
/* A destination to one of the version Services naming a subset: they have none. */
static void
check_version_subset(struct diags *d, const struct node *dest, const char *const svc[2],
                     const char *ns, const char *path)
{
	const struct node *host = node_get(dest, "host"), *subset = node_get_key(dest, "subset");

	for (size_t v = 0; subset && node_is_str(host) && v < 2; v++)
		if (svc[v] && host->str[0] != '*' && host_covers(host->str, svc[v], ns)) {
			node_error(
			    d, subset,
			    "%s.subset: the version Service '%s' has no subsets (split: "
			    "service writes its DestinationRule without any); leave out subset",
			    path, svc[v]);
			return;
		}
}

/* The destinations of every route and mirror, checked against the version Services. */
static void
check_version_subsets(struct diags *d, const struct node *spec, const char *const svc[2],
                      const char *ns)
{
	static const char *const protos[] = {"http", "tcp", "tls"};

	for (size_t p = 0; p < 3; p++) {
		const struct node *routes = node_get(spec, protos[p]);
		for (size_t i = 0; routes && routes->kind == NODE_SEQ && i < routes->n; i++) {
			const struct node *r = routes->kids[i], *dests = node_get(r, "route");
			const struct node *mirrors = node_get(r, "mirrors");
			const char *at = arena_printf(d->arena, "spec.%s[%zu]", protos[p], i);
			for (size_t k = 0; dests && dests->kind == NODE_SEQ && k < dests->n; k++)
				check_version_subset(
				    d, node_get(dests->kids[k], "destination"), svc, ns,
				    arena_printf(d->arena, "%s.route[%zu].destination", at, k));
			check_version_subset(d, node_get(r, "mirror"), svc, ns,
			                     arena_printf(d->arena, "%s.mirror", at));
			for (size_t k = 0; mirrors && mirrors->kind == NODE_SEQ && k < mirrors->n;
			     k++)
				check_version_subset(
				    d, node_get(mirrors->kids[k], "destination"), svc, ns,
				    arena_printf(d->arena, "%s.mirrors[%zu].destination", at, k));
		}
	}
}

/* A named targetPort is an IANA service name: a letter at least, no "--". */
static void
check_target_port(struct diags *d, const struct node *tp)
{
	if (!node_is_str(tp))
		return;
	if (!strpbrk(tp->str, "abcdefghijklmnopqrstuvwxyz") || strstr(tp->str, "--"))
		node_error(d, tp,
		           "spec.targetPort: '%s' is not a port name (a letter at least, no "
		           "'--'); write a number unquoted, or a name such as http-web",
		           tp->str);
}

static void
check_split(struct diags *d, const struct node *spec, const char *name, const char *host,
            const char *ns)
{
	const struct node *split = node_get(spec, "split");
	static const char *const fields[] = {"targetPort", "portName", "appProtocol", "subsets"};
	static const char *const versions[] = {"stable", "canary"};
	const struct node *provider = node_get(spec, "provider");
	bool gateway_api = node_is_str(provider) && !strcmp(provider->str, "gateway-api");
	bool services = gateway_api || (node_is_str(split) && !strcmp(split->str, "service"));
	const char *svc[2] = {NULL, NULL};

	if (gateway_api && node_is_str(split) && strcmp(split->str, "service"))
		node_error(d, split,
		           "spec.split: an HTTPRoute (provider: gateway-api) routes to a Service "
		           "per version, as split: service does; remove split: %s",
		           split->str);

	for (size_t f = 0; f < sizeof(fields) / sizeof(*fields); f++) {
		const struct node *key = node_get_key(spec, fields[f]);
		if (key && f < 3 && !services)
			node_error(d, key,
			           "spec.%s: only split: service writes Services; set split: "
			           "service, or remove it",
			           fields[f]);
		else if (key && f == 3 && services)
			node_error(d, key,
			           "spec.subsets: under split: service the versions are Services, "
			           "with no DestinationRule subsets; route to other Services by "
			           "their host");
	}
	for (size_t v = 0; v < 2; v++) {
		const struct node *ver = node_get(spec, versions[v]);
		const struct node *vname =
		    ver && ver->kind == NODE_MAP ? node_get(ver, "name") : ver;
		const struct node *service =
		    ver && ver->kind == NODE_MAP ? node_get(ver, "service") : NULL;
		if (service && !services)
			node_error(
			    d, node_get_key(ver, "service"),
			    "spec.%s.service: only split: service writes Services; set split: "
			    "service, or remove it",
			    versions[v]);
		if (!services || !name || !node_is_str(vname))
			continue;
		svc[v] = node_is_str(service) ? service->str
		                              : arena_printf(d->arena, "%s-%s", name, vname->str);
		if (strlen(svc[v]) > 63)
			node_error(d, ver,
			           "spec.%s: its Service would be named '%s', longer than 63 "
			           "characters; give it a shorter name with service:",
			           versions[v], svc[v]);
		else if (svc[v][0] < 'a' || svc[v][0] > 'z')
			node_error(
			    d, service ? service : ver,
			    "spec.%s: its Service would be named '%s'; a Service's name starts "
			    "with a letter: give it another name with service:",
			    versions[v], svc[v]);
		else if (host && (!strcmp(svc[v], host) || host_covers(host, svc[v], ns)))
			node_error(
			    d, service ? service : ver,
			    "spec.%s: its Service '%s' is spec.host, which stays yours; give "
			    "the version another service: name",
			    versions[v], svc[v]);
		else if (v == 1 && svc[0] && !strcmp(svc[0], svc[1]))
			node_error(
			    d, service ? service : ver,
			    "spec.canary: its Service '%s' is the stable version's too; give "
			    "one of them another service: name",
			    svc[1]);
	}
	if (services) {
		const struct node *tp = node_get(spec, "trafficPolicy");
		check_target_port(d, node_get(spec, "targetPort"));
		if (!gateway_api) /* validate_gateway() refuses every subset */
			check_version_subsets(d, spec, svc, ns);
		for (size_t v = 0; node_get(tp, "portLevelSettings") && v < 2; v++) {
			const struct node *ver = node_get(spec, versions[v]);
			const struct node *own = ver && ver->kind == NODE_MAP
			                             ? node_get_key(ver, "trafficPolicy")
			                             : NULL;
			if (own)
				node_error(
				    d, own,
				    "spec.%s.trafficPolicy: beside spec.trafficPolicy.portLevelSettings, "
				    "a version's DestinationRule cannot keep Istio's meaning of a subset's "
				    "policy (its fields would lose to the port's); put the version's "
				    "fields in its own portLevelSettings, or drop those of spec",
				    versions[v]);
		}
	}
	const struct node *port = node_get(spec, "port"), *gateways = node_get(spec, "gateways");
	bool mesh_only = !gateways || (gateways->kind == NODE_SEQ && gateways->n == 1 &&
	                               node_is_str(gateways->kids[0]) &&
	                               !strcmp(gateways->kids[0]->str, "mesh"));
	for (size_t p = 0; services && mesh_only && port && port->type == SCALAR_INT && p < 2;
	     p++) {
		const char *proto = p ? "tls" : "tcp";
		const struct node *routes = node_get(spec, proto);
		for (size_t i = 0; routes && routes->kind == NODE_SEQ && i < routes->n; i++) {
			const struct node *match = node_get(routes->kids[i], "match");
			if (routes->kids[i]->kind != NODE_MAP ||
			    !model_route_is_split(routes->kids[i]))
				continue;
			for (size_t m = 0; match && match->kind == NODE_SEQ && m < match->n; m++) {
				const struct node *mp = node_get(match->kids[m], "port");
				if (mp && mp->type == SCALAR_INT && mp->ival != port->ival)
					node_error(
					    d, mp,
					    "spec.%s[%zu].match[%zu].port: the version Services of "
					    "split: service have one port, spec.port (%lld); a split "
					    "route for port %lld has nowhere to go: split it with "
					    "another rollout, or make it a fixed route",
					    proto, i, m, port->ival, mp->ival);
			}
		}
	}
	if (services && !port && gateway_api)
		node_error(d, provider,
		           "spec.provider: gateway-api routes to a Service per version, which "
		           "needs spec.port: the port of the service");
	else if (services && !port)
		node_error(d, split,
		           "spec.split: service writes a Service per version, which needs "
		           "spec.port: the port of the service");
}

int
validate_rollout(const struct node *doc, struct diags *d)
{
	const struct node *meta = node_get(doc, "metadata"), *spec = node_get(doc, "spec");
	const struct node *stable = node_get(spec, "stable"), *canary = node_get(spec, "canary");
	const struct node *name = node_get(meta, "name");
	int errors = d->errors;

	const struct node *sname =
	    stable && stable->kind == NODE_MAP ? node_get(stable, "name") : stable;
	const struct node *cname =
	    canary && canary->kind == NODE_MAP ? node_get(canary, "name") : canary;
	if (node_is_str(sname) && node_is_str(cname) && strcmp(sname->str, cname->str) == 0)
		node_error(d, canary,
		           "spec.canary: '%s' is also spec.stable; the canary must be "
		           "another version",
		           cname->str);
	validate_stages(spec, node_is_str(name) ? name->str : NULL, d);
	check_active_stage(d, node_get(spec, "stages"), node_get(spec, "activeStage"));
	const struct node *ns = node_get(meta, "namespace");
	check_hosts(d, spec, node_is_str(name) ? name->str : NULL,
	            node_is_str(ns) ? ns->str : "default");
	check_label_keys(d, node_get(meta, "labels"), "metadata.labels");
	check_label_keys(d, node_get(spec, "workloadLabels"), "spec.workloadLabels");
	check_circuit_breaker(d, node_get(spec, "circuitBreaker"));
	validate_retries(d, node_get(spec, "retries"), "spec.retries");
	check_cb_policy(d, node_get(spec, "circuitBreaker"), node_get(spec, "trafficPolicy"));
	check_policy(d, node_get(spec, "trafficPolicy"), "spec.trafficPolicy",
	             node_get(spec, "mtls"));
	check_versions(d, spec, node_is_str(name) ? name->str : NULL);
	const struct node *host = node_get(spec, "host");
	check_split(d, spec, node_is_str(name) ? name->str : NULL,
	            node_is_str(host)   ? host->str
	            : node_is_str(name) ? name->str
	                                : NULL,
	            node_is_str(ns) ? ns->str : "default");
	validate_routes(spec, node_is_str(name) ? name->str : NULL,
	                node_is_str(ns) ? ns->str : "default", d);
	validate_gateway(spec, node_is_str(name) ? name->str : NULL,
	                 node_is_str(ns) ? ns->str : "default", d);
	validate_analysis(doc, d);
	return d->errors > errors ? -1 : 0;
}
