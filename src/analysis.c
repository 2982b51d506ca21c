/* analysis.c: spec.analysis's rules, and the PrometheusRule's alerts. */
#include "analysis.h"

#include <stdbool.h>
#include <string.h>

#include "buf.h"
#include "gateway.h"
#include "source.h"
#include "validate.h"

enum { PROM_SYNTAX = -1, PROM_OVERFLOW = -2 };

/* A Prometheus duration ("1m", "1h30m", "0": whole numbers of y w d h m s ms, largest first)
 * in milliseconds; PROM_SYNTAX when it is not one, PROM_OVERFLOW past what Prometheus holds
 * (64 bits of nanoseconds). */
static long long
prom_duration_ms(const char *s)
{
	static const struct {
		const char *unit;
		long long ms;
	} units[] = {{"y", 365LL * 86400000},
	             {"w", 7LL * 86400000},
	             {"d", 86400000},
	             {"h", 3600000},
	             {"m", 60000},
	             {"s", 1000},
	             {"ms", 1}};
	enum { NUNITS = sizeof(units) / sizeof(units[0]) };
	const long long max = 9223372036854LL; /* milliseconds: 2^63 - 1 nanoseconds */
	long long total = 0;
	size_t next = 0; /* units go largest first, each once */

	if (!strcmp(s, "0"))
		return 0;
	if (!*s)
		return PROM_SYNTAX;
	while (*s) {
		size_t digits = strspn(s, "0123456789"), u, len = 0;
		long long v = 0;
		for (size_t i = 0; i < digits; i++) {
			if (v > (max - (s[i] - '0')) / 10)
				return PROM_OVERFLOW;
			v = v * 10 + (s[i] - '0');
		}
		s += digits;
		for (u = next; u < NUNITS; u++) {
			len = strlen(units[u].unit);
			if (!strncmp(s, units[u].unit, len) &&
			    (s[len] == '\0' || (s[len] >= '0' && s[len] <= '9')))
				break;
		}
		if (!digits || u == NUNITS)
			return PROM_SYNTAX;
		if (v > max / units[u].ms || total > max - v * units[u].ms)
			return PROM_OVERFLOW;
		total += v * units[u].ms;
		s += len;
		next = u + 1;
	}
	return total;
}

/* The labels every alert carries, which spec.analysis.labels may not set. */
static const char *const alert_labels[] = {"alertname", "canary", "namespace", "rollout"};

/* Istio's largest finite bucket of request durations: a p99 above it reads as it. */
enum { ISTIO_MAX_BUCKET_MS = 3600000 };

/* window and for, in range; window long enough to hold samples. (What is not a Prometheus
 * duration at all the schema reports.) */
static void
check_durations(struct diags *d, const struct node *an)
{
	const struct node *window = node_get(an, "window"), *for_ = node_get(an, "for");
	const struct node *latency = node_get(an, "latencyP99");
	long long ms = node_is_str(window) ? prom_duration_ms(window->str) : PROM_SYNTAX;
	long long ns;

	if (ms == 0)
		node_error(d, window,
		           "spec.analysis.window: a rate over 0s sees no samples; give a window of "
		           "a few scrape intervals, such as 1m");
	else if (ms > 0 && ms < 30000)
		node_warning(d, window,
		             "spec.analysis.window: a rate over %s holds fewer than two samples at "
		             "a 15s scrape interval, and then the alerts never fire; give at least "
		             "four scrape intervals, such as 1m",
		             window->str);
	const struct node *over[] = {
	    ms == PROM_OVERFLOW ? window : NULL,
	    node_is_str(for_) && prom_duration_ms(for_->str) == PROM_OVERFLOW ? for_ : NULL};
	for (size_t i = 0; i < 2; i++)
		if (over[i])
			node_error(d, over[i],
			           "spec.analysis.%s: '%s' is longer than Prometheus takes (about "
			           "292 years)",
			           i ? "for" : "window", over[i]->str);
	if (node_is_str(latency) && duration_parse(latency->str, &ns) == 0 &&
	    ns / 1000000 >= ISTIO_MAX_BUCKET_MS)
		node_error(d, latency,
		           "spec.analysis.latencyP99: Istio's largest bucket of request durations "
		           "ends at 1h, and a 99th percentile beyond it reads as 1h, so '%s' could "
		           "never be exceeded; give less than 1h",
		           latency->str);
}

static void
check_numbers(struct diags *d, const struct node *an)
{
	const struct node *rate = node_get(an, "successRate");
	const struct node *min = node_get(an, "minRequestRate");
	char buf[32];
	const char *v;

	if (rate && rate->kind == NODE_SCALAR &&
	    (rate->type == SCALAR_INT || rate->type == SCALAR_FLOAT)) {
		v = model_decimal(rate, 3, buf);
		if (!v)
			node_error(
			    d, rate,
			    "spec.analysis.successRate: write '%s' as a plain decimal with at "
			    "most 3 decimals, such as 99 or 99.5",
			    rate->str);
		else if (!strcmp(v, "0"))
			node_error(
			    d, rate,
			    "spec.analysis.successRate: no success rate falls below 0%%; give "
			    "the least share of requests without a 5xx that the canary may "
			    "answer, such as 99");
	}
	if (min && min->kind == NODE_SCALAR &&
	    (min->type == SCALAR_INT || min->type == SCALAR_FLOAT) && !model_decimal(min, 6, buf))
		node_error(d, min,
		           "spec.analysis.minRequestRate: write '%s' as a plain decimal of at "
		           "most 9 digits before the point and 6 after, such as 0.5",
		           min->str);
}

/* Labels meshroll sets on every alert, and ruleLabels that metadata.labels sets otherwise. */
static void
check_labels(struct diags *d, const struct node *an, const struct node *meta_labels)
{
	const struct node *labels = node_get(an, "labels"), *rule = node_get(an, "ruleLabels");

	for (size_t i = 0; labels && labels->kind == NODE_MAP && i < labels->n; i++) {
		const struct node *key = labels->kids[2 * i];
		bool reserved = !strncmp(key->str, "__", 2);
		for (size_t k = 0; k < sizeof(alert_labels) / sizeof(*alert_labels); k++)
			reserved |= !strcmp(key->str, alert_labels[k]);
		if (reserved)
			node_error(
			    d, key,
			    "spec.analysis.labels.%s: meshroll sets the labels alertname, "
			    "rollout, namespace and canary of each alert, and Prometheus keeps "
			    "names starting with '__'; choose another name",
			    key->str);
	}
	for (size_t i = 0; rule && rule->kind == NODE_MAP && i < rule->n; i++) {
		const struct node *key = rule->kids[2 * i], *v = rule->kids[2 * i + 1];
		const struct node *meta = node_get(meta_labels, key->str);
		if (node_is_str(v) && node_is_str(meta) && strcmp(v->str, meta->str))
			node_error(
			    d, key,
			    "spec.analysis.ruleLabels.%s: '%s', but metadata.labels.%s (line "
			    "%d) is '%s', and the PrometheusRule takes both; set it in one "
			    "place",
			    key->str, v->str, key->str, meta->line, meta->str);
	}
}

void
validate_analysis(const struct node *doc, struct diags *d)
{
	const struct node *spec = node_get(doc, "spec"), *an = node_get(spec, "analysis");

	if (!an || an->kind != NODE_MAP)
		return;
	if (!node_get(an, "successRate") && !node_get(an, "latencyP99"))
		node_error(d, node_get_key(spec, "analysis"),
		           "spec.analysis: set successRate, latencyP99 or both: the thresholds its "
		           "alerts judge the canary by");
	check_numbers(d, an);
	check_durations(d, an);
	check_labels(d, an, node_get(node_get(doc, "metadata"), "labels"));
}

/* Appends s as the inside of a PromQL string: '\' and '"' escaped. */
static void
prom_quote(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
}

/* Appends s as a regular expression (RE2) of itself, inside a PromQL string. */
static void
prom_quote_regex(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\.+*?()|[]{}^$", *s))
			buf_adds(b, "\\\\");
		if (*s == '\\' || *s == '"')
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
}

/* The revision Istio reports of a version's pods (destination_canonical_revision, from these
 * labels in this order; destination_version, from "version"). */
static const char *const revision_keys[] = {"service.istio.io/canonical-revision",
                                            "app.kubernetes.io/version", "version"};
enum { NREVISION_KEYS = sizeof(revision_keys) / sizeof(revision_keys[0]) };

static const char *
kvs_get(const struct kvs *k, const char *key)
{
	for (size_t i = 0; i < k->n; i++)
		if (!strcmp(k->v[i].key, key))
			return k->v[i].value;
	return NULL;
}

/* The revision of version v's pods (its labels over workloadLabels), the index of its key
 * into *key; NULL: none of revision_keys. */
static const char *
revision(const struct rollout *r, size_t v, size_t *key)
{
	for (*key = 0; *key < NREVISION_KEYS; ++*key) {
		const char *val = kvs_get(&r->subsets[v].labels, revision_keys[*key]);
		if (!val)
			val = kvs_get(&r->workload_labels, revision_keys[*key]);
		if (val)
			return val;
	}
	return NULL;
}

/* How the alerts tell the canary's requests apart. */
enum canary_sight {
	SIGHT_REVISION, /* by the Service requests name and the revision Istio reports */
	SIGHT_SERVICE, /* by the canary's own Service alone: no revision tells the versions apart */
	SIGHT_NONE,    /* not at all: every version of the host is judged */
};

struct canary {
	enum canary_sight sight;
	const char *revision; /* the canary's revision; NULL: none */
	const char *label;    /* SIGHT_REVISION: the metric label Istio reports it in */
};

static struct canary
canary_find(const struct rollout *r)
{
	size_t ks, kc;
	const char *rs = revision(r, 0, &ks), *rc = revision(r, 1, &kc);
	struct canary c = {r->split == SPLIT_SERVICE ? SIGHT_SERVICE : SIGHT_NONE, rc, NULL};

	if (rc && (!rs || strcmp(rs, rc))) {
		c.sight = SIGHT_REVISION;
		c.label = kc == NREVISION_KEYS - 1 ? "destination_version"
		                                   : "destination_canonical_revision";
	}
	return c;
}

/* A host as the cluster Service Istio reports it by: "name" (in r's namespace), "name.ns",
 * "name.ns.svc", "name.ns.svc.cluster.local"; false for another host. */
static bool
host_service(const char *host, const struct rollout *r, struct arena *a, struct gw_svc *out)
{
	const char *dot = strchr(host, '.'), *rest;

	if (strchr(host, '*'))
		return false;
	if (!dot) {
		*out = (struct gw_svc){host, r->ns};
		return true;
	}
	rest = strchr(dot + 1, '.');
	if (!rest)
		rest = dot + strlen(dot);
	if (dot == host || rest == dot + 1 ||
	    (*rest && strcmp(rest, ".svc") && strcmp(rest, ".svc.cluster.local")))
		return false;
	out->name = arena_strndup(a, host, (size_t)(dot - host));
	out->ns = arena_strndup(a, dot + 1, (size_t)(rest - dot - 1));
	return true;
}

/* Appends the matchers of requests to any of hosts (as written in r's namespace): by
 * destination_service_namespace and _name where they are cluster Services of one namespace,
 * else by destination_service, the host (a Service's in full). */
static void
services(struct buf *b, const struct rollout *r, const char *const *hosts, size_t n,
         struct arena *a)
{
	struct gw_svc svc[2];
	bool cluster[2], named = true;

	for (size_t i = 0; i < n; i++) {
		cluster[i] = host_service(hosts[i], r, a, &svc[i]);
		named = named && cluster[i] && !strcmp(svc[i].ns, svc[0].ns);
	}
	buf_adds(b, named ? ",destination_service_namespace=\"" : "");
	if (named)
		prom_quote(b, svc[0].ns);
	buf_adds(b, named ? "\",destination_service_name=" : ",destination_service=");
	buf_adds(b, n == 1 ? "\"" : "~\"");
	for (size_t i = 0; i < n; i++) {
		const char *h =
		    !cluster[i] ? hosts[i]
		    : named     ? svc[i].name
		            : arena_printf(a, "%s.%s.svc.cluster.local", svc[i].name, svc[i].ns);
		buf_adds(b, i ? "|" : "");
		(n == 1 ? prom_quote : prom_quote_regex)(b, h);
	}
	buf_addc(b, '"');
}

/* Appends the label matchers of the canary's requests: as reported by the proxy in front of
 * its pods, the sidecar's (reporter "destination") or, in ambient mode, the waypoint's. */
static void
canary_matchers(struct buf *b, const struct rollout *r, struct arena *a)
{
	struct canary c = canary_find(r);
	const char *hosts[2];
	size_t n = 0;

	if (c.sight != SIGHT_SERVICE)
		hosts[n++] = r->host;
	if (r->split == SPLIT_SERVICE) /* Istio may report the Service routed to */
		hosts[n++] = r->subsets[1].service;
	buf_adds(b, "reporter=~\"destination|waypoint\"");
	services(b, r, hosts, n, a);
	if (c.sight == SIGHT_REVISION) {
		buf_addf(b, ",%s=\"", c.label);
		prom_quote(b, c.revision);
		buf_addc(b, '"');
	}
}

void
analysis_check(const struct node *doc, struct diags *d)
{
	const struct node *spec = node_get(doc, "spec");
	struct arena a;

	if (!node_get(spec, "analysis"))
		return;
	arena_init(&a);
	const struct rollout *r = model_build(doc, "", &a);
	struct canary c = canary_find(r);
	if (c.sight != SIGHT_REVISION)
		node_warning(
		    d, node_get_key(spec, "analysis"),
		    "spec.analysis: Istio reports a version of the pods it serves from their label "
		    "service.istio.io/canonical-revision, app.kubernetes.io/version or version, "
		    "and the canary '%s' %s; %s; give the versions different values of one of "
		    "those labels",
		    r->canary, c.revision ? "has the same one as the stable" : "has none of them",
		    c.sight == SIGHT_SERVICE
		        ? arena_printf(&a,
		                       "the alerts judge the requests to its Service '%s' alone",
		                       r->subsets[1].service)
		        : arena_printf(&a,
		                       "the alerts cannot tell it from the stable, and judge "
		                       "every version of '%s' together",
		                       r->host));
	arena_release(&a);
}

const char *
analysis_group(const struct rollout *r, struct arena *a)
{
	return arena_printf(a, "meshroll.%s.%s", r->ns, r->name);
}

/* Appends text with each "{{" written so that Prometheus's templates print it as it is. */
static void
template_literal(struct buf *b, const char *text)
{
	for (; *text; text++)
		if (text[0] == '{' && text[1] == '{') {
			buf_adds(b, "{{ \"{{\" }}");
			text++;
		} else {
			buf_addc(b, *text);
		}
}

/* Whether s is UTF-8 without control characters: a path a YAML string and a shell word hold
 * as they are. */
static bool
printable(const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	size_t n;

	for (; p < end; p += n)
		if (*p < 0x20 || *p == 0x7f || !(n = utf8_len(p, end)))
			return false;
	return true;
}

/* The command that rolls r back, run from its repository's root: its file as the repository
 * names it (rollout.home), quoted for a POSIX shell where it needs it; a generic one where the
 * file is unknown or its name is not printable. */
static const char *
rollback_command(const struct rollout *r, struct arena *a)
{
	const char *home = r->home;
	struct buf b;

	if (!home || !printable(home))
		return arena_printf(a, "meshroll rollback FILE (the rollout file of %s/%s)", r->ns,
		                    r->name);
	buf_init(&b);
	buf_adds(&b, "meshroll rollback ");
	buf_add_shell_word(&b, home[0] == '-' ? arena_printf(a, "./%s", home) : home);
	const char *out = arena_strndup(a, b.data, b.len);
	buf_release(&b);
	return out;
}

/* One alerting rule: its expression (test, while the canary takes at least minRequestRate
 * requests a second), its labels (meshroll's and the user's, sorted) and its annotations. */
static struct node *
alert(const struct rollout *r, const char *name, const char *test, const char *matchers,
      const char *summary, const char *description, struct arena *a)
{
	const struct analysis *y = r->analysis;
	const char *rollback = rollback_command(r, a);
	const char *expr = arena_printf(a, "%sand sum(rate(istio_requests_total{%s}[%s])) >= %s\n",
	                                test, matchers, y->window, y->min_rate);
	struct buf text;

	struct node *labels = node_new_map(a, 3 + y->labels.n);
	node_map_add(labels, node_new_str(a, "canary"), node_new_str(a, r->canary));
	node_map_add(labels, node_new_str(a, "namespace"), node_new_str(a, r->ns));
	node_map_add(labels, node_new_str(a, "rollout"), node_new_str(a, r->name));
	for (size_t i = 0; i < y->labels.n; i++)
		node_map_add(labels, node_new_str(a, y->labels.v[i].key),
		             node_new_str(a, y->labels.v[i].value));

	struct node *notes = node_new_map(a, 3);
	buf_init(&text);
	buf_adds(&text, description);
	buf_adds(&text, " Roll back: ");
	template_literal(&text, rollback);
	node_map_add(notes, node_new_str(a, "description"),
	             node_new_str(a, arena_strndup(a, text.data, text.len)));
	text.len = 0;
	template_literal(&text, rollback);
	node_map_add(notes, node_new_str(a, "rollback"),
	             node_new_str(a, arena_strndup(a, text.data, text.len)));
	node_map_add(notes, node_new_str(a, "summary"), node_new_str(a, summary));
	buf_release(&text);

	struct node *rule = node_new_map(a, 5);
	node_map_add(rule, node_new_str(a, "alert"), node_new_str(a, name));
	node_map_add(rule, node_new_str(a, "expr"), node_new_block(a, expr, strlen(expr)));
	node_map_add(rule, node_new_str(a, "for"), node_new_str(a, y->for_));
	node_map_add(rule, node_new_str(a, "labels"), node_sorted_map(a, labels));
	node_map_add(rule, node_new_str(a, "annotations"), notes);
	return rule;
}

struct node *
analysis_alerts(const struct rollout *r, struct arena *a)
{
	const struct analysis *y = r->analysis;
	struct buf b;

	if (!y)
		return NULL;
	const char *who = arena_printf(a, "the canary %s of %s/%s", r->canary, r->ns, r->name);
	const char *title = arena_printf(a, "Canary %s of %s/%s", r->canary, r->ns, r->name);
	buf_init(&b);
	canary_matchers(&b, r, a);
	const char *m = arena_strndup(a, b.data, b.len);
	buf_release(&b);
	struct node *rules = node_new_seq(a, 2);
	if (y->success_rate)
		node_seq_add(
		    rules,
		    alert(
		        r, "MeshrollCanarySuccessRate",
		        arena_printf(
		            a,
		            "100 * (1 - sum(rate(istio_requests_total{%s,response_code=~\"5..\"}"
		            "[%s]))\n  / sum(rate(istio_requests_total{%s}[%s])))\n< %s\n",
		            m, y->window, m, y->window, y->success_rate),
		        m, arena_printf(a, "%s: success rate below %s%%", title, y->success_rate),
		        arena_printf(a,
		                     "{{ printf \"%%.2f\" $value }}%% of the requests to %s had no "
		                     "5xx response over the last %s, below the rollout's %s%%.",
		                     who, y->window, y->success_rate),
		        a));
	if (y->latency)
		node_seq_add(
		    rules,
		    alert(
		        r, "MeshrollCanaryLatency",
		        arena_printf(a,
		                     "histogram_quantile(0.99, sum by (le) "
		                     "(rate(istio_request_duration_milliseconds_bucket{%s}[%s])))\n"
		                     "> %lld\n",
		                     m, y->window, y->latency_ms),
		        m, arena_printf(a, "%s: p99 latency above %s", title, y->latency),
		        arena_printf(a,
		                     "The 99th percentile of the request durations of %s was "
		                     "{{ printf \"%%.0f\" $value }}ms over the last %s, above the "
		                     "rollout's %s.",
		                     who, y->window, y->latency),
		        a));
	return rules;
}
