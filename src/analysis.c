/* analysis.c: spec.analysis's rules, and the PrometheusRule's alerts. */
#include "analysis.h"

#include <stdbool.h>
#include <string.h>

#include "buf.h"
#include "gateway.h"
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
	const long long max = 9223372036854LL; /* 2^63 - 1 nanoseconds */
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

static void
check_durations(struct diags *d, const struct node *an)
{
	static const char *const fields[] = {"window", "for"};

	for (size_t i = 0; i < 2; i++) {
		const struct node *v = node_get(an, fields[i]);
		long long ms = node_is_str(v) ? prom_duration_ms(v->str) : PROM_SYNTAX;
		if (ms == PROM_OVERFLOW)
			node_error(d, v,
			           "spec.analysis.%s: '%s' is longer than Prometheus takes (about "
			           "292 years)",
			           fields[i], v->str);
		else if (ms == 0 && i == 0)
			node_error(d, v,
			           "spec.analysis.window: a rate over 0s sees no samples; give a "
			           "window of a few scrape intervals, such as 1m");
	}
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
			    "spec.analysis.successRate: '%s' is not a percent with at most 3 "
			    "decimals, such as 99 or 99.5",
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
		           "spec.analysis.minRequestRate: '%s' is not a rate of requests per "
		           "second with at most 6 decimals, such as 0.5",
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

static enum canary_sight
canary_sight(const struct rollout *r)
{
	size_t ks, kc;
	const char *rs = revision(r, 0, &ks), *rc = revision(r, 1, &kc);

	if (rc && (!rs || strcmp(rs, rc)))
		return SIGHT_REVISION;
	return r->split == SPLIT_SERVICE ? SIGHT_SERVICE : SIGHT_NONE;
}

/* Appends the matchers of requests to any of hosts (as written in r's namespace): by
 * destination_service_namespace and _name where they are Services of one namespace, else by
 * destination_service, the host. */
static void
services(struct buf *b, const struct rollout *r, const char *const *hosts, size_t n,
         struct arena *a)
{
	struct gw_svc svc[2];
	bool named = true;

	for (size_t i = 0; i < n; i++) {
		named = named && gw_service_of(hosts[i], r->ns, a, &svc[i]);
		if (named && !svc[i].ns)
			svc[i].ns = r->ns;
		named = named && !strcmp(svc[i].ns, svc[0].ns);
	}
	if (named) {
		buf_adds(b, ",destination_service_namespace=\"");
		prom_quote(b, svc[0].ns);
		buf_adds(b, n == 1 ? "\",destination_service_name=\""
		                   : "\",destination_service_name=~\"");
		for (size_t i = 0; i < n; i++) {
			buf_adds(b, i ? "|" : "");
			(n == 1 ? prom_quote : prom_quote_regex)(b, svc[i].name);
		}
		buf_addc(b, '"');
		return;
	}
	buf_adds(b, n == 1 ? ",destination_service=\"" : ",destination_service=~\"");
	for (size_t i = 0; i < n; i++) {
		const char *h = hosts[i];
		if (gw_service_of(h, r->ns, a, &svc[i]))
			h = arena_printf(a, "%s.%s.svc.cluster.local", svc[i].name,
			                 svc[i].ns ? svc[i].ns : r->ns);
		buf_adds(b, i ? "|" : "");
		(n == 1 ? prom_quote : prom_quote_regex)(b, h);
	}
	buf_addc(b, '"');
}

/* Appends the label matchers of the canary's requests, as canary_sight() finds them. */
static void
canary_matchers(struct buf *b, const struct rollout *r, struct arena *a)
{
	enum canary_sight sight = canary_sight(r);
	const char *hosts[2];
	size_t n = 0, key;

	if (sight != SIGHT_SERVICE)
		hosts[n++] = r->host;
	if (r->split == SPLIT_SERVICE) /* Istio may report the Service routed to */
		hosts[n++] = r->subsets[1].service;
	buf_adds(b, "reporter=\"destination\"");
	services(b, r, hosts, n, a);
	if (sight == SIGHT_REVISION) {
		const char *rc = revision(r, 1, &key);
		buf_addf(b, ",%s=\"",
		         key == NREVISION_KEYS - 1 ? "destination_version"
		                                   : "destination_canonical_revision");
		prom_quote(b, rc);
		buf_addc(b, '"');
	}
}

int
analysis_check(const struct node *doc, struct diags *d)
{
	const struct node *spec = node_get(doc, "spec");
	struct arena a;

	if (!node_get(spec, "analysis"))
		return 0;
	arena_init(&a);
	const struct rollout *r = model_build(doc, "", &a);
	enum canary_sight sight = canary_sight(r);
	if (sight != SIGHT_REVISION)
		node_warning(
		    d, node_get_key(spec, "analysis"),
		    "spec.analysis: Istio reports a version of the pods it serves from their label "
		    "service.istio.io/canonical-revision, app.kubernetes.io/version or version, "
		    "and the canary '%s' %s; %s; give the versions different values of one of "
		    "those labels",
		    r->canary,
		    revision(r, 1, &(size_t){0}) ? "has the same one as the stable"
		                                 : "has none of them",
		    sight == SIGHT_SERVICE
		        ? arena_printf(&a,
		                       "the alerts judge the requests to its Service '%s' alone",
		                       r->subsets[1].service)
		        : arena_printf(&a,
		                       "the alerts cannot tell it from the stable, and judge "
		                       "every version of '%s' together",
		                       r->host));
	arena_release(&a);
	return 0;
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

/* The command that rolls r back: its file as named on the command line, quoted for a POSIX
 * shell where it needs it, "./" and doubled slashes dropped. */
static const char *
rollback_command(const struct rollout *r, struct arena *a)
{
	static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                           "0123456789_./:=@%+-,";
	struct buf path, b;

	if (!strcmp(r->file, "-") || !*r->file)
		return arena_printf(a, "meshroll rollback FILE (the rollout file of %s/%s)", r->ns,
		                    r->name);
	buf_init(&path);
	for (const char *s = r->file; *s; s++) {
		bool start = s == r->file || s[-1] == '/';
		if (start && s[0] == '.' && s[1] == '/' && s[2])
			s++; /* "./": and its slash */
		else if (!(s[0] == '/' && path.len && path.data[path.len - 1] == '/'))
			buf_addc(&path, *s);
	}
	buf_addc(&path, '\0');
	buf_init(&b);
	buf_adds(&b, "meshroll rollback ");
	if (path.data[strspn(path.data, safe)] == '\0') {
		buf_adds(&b, path.data);
	} else {
		buf_addc(&b, '\'');
		for (const char *s = path.data; *s; s++)
			buf_adds(&b, *s == '\'' ? "'\\''" : (char[]){*s, '\0'});
		buf_addc(&b, '\'');
	}
	buf_release(&path);
	const char *out = arena_strndup(a, b.data, b.len);
	buf_release(&b);
	return out;
}

/* One alerting rule: its expression, its labels (meshroll's and the user's, sorted) and its
 * annotations. */
static struct node *
alert(const struct rollout *r, const char *name, struct buf *expr, const char *summary,
      const char *description, struct arena *a)
{
	const struct analysis *y = r->analysis;
	const char *rollback = rollback_command(r, a);
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
	node_map_add(rule, node_new_str(a, "expr"), node_new_block(a, expr->data, expr->len));
	node_map_add(rule, node_new_str(a, "for"), node_new_str(a, y->for_));
	node_map_add(rule, node_new_str(a, "labels"), node_sorted_map(a, labels));
	node_map_add(rule, node_new_str(a, "annotations"), notes);
	return rule;
}

/* Appends " and" the canary's request rate at least minRequestRate, and a line end. */
static void
judged(struct buf *b, const char *matchers, const struct analysis *y)
{
	buf_addf(b, "and sum(rate(istio_requests_total{%s}[%s])) >= %s\n", matchers, y->window,
	         y->min_rate);
}

struct node *
analysis_alerts(const struct rollout *r, struct arena *a)
{
	const struct analysis *y = r->analysis;
	const char *who;
	struct buf m, expr;

	if (!y)
		return NULL;
	who = arena_printf(a, "the canary %s of %s/%s", r->canary, r->ns, r->name);
	const char *title = arena_printf(a, "Canary %s of %s/%s", r->canary, r->ns, r->name);
	buf_init(&m);
	canary_matchers(&m, r, a);
	buf_addc(&m, '\0');
	buf_init(&expr);
	struct node *rules = node_new_seq(a, 2);
	if (y->success_rate) {
		buf_addf(
		    &expr,
		    "100 * (1 - sum(rate(istio_requests_total{%s,response_code=~\"5..\"}[%s]))\n"
		    "  / sum(rate(istio_requests_total{%s}[%s])))\n"
		    "< %s\n",
		    m.data, y->window, m.data, y->window, y->success_rate);
		judged(&expr, m.data, y);
		node_seq_add(
		    rules,
		    alert(r, "MeshrollCanarySuccessRate", &expr,
		          arena_printf(a, "%s: success rate below %s%%", title, y->success_rate),
		          arena_printf(a,
		                       "{{ printf \"%%.2f\" $value }}%% of the requests to "
		                       "%s had no 5xx response over the last %s, below "
		                       "the rollout's %s%%.",
		                       who, y->window, y->success_rate),
		          a));
	}
	if (y->latency) {
		expr.len = 0;
		buf_addf(&expr,
		         "histogram_quantile(0.99, sum by (le) "
		         "(rate(istio_request_duration_milliseconds_bucket{%s}[%s])))\n"
		         "> %lld\n",
		         m.data, y->window, y->latency_ms);
		judged(&expr, m.data, y);
		node_seq_add(
		    rules, alert(r, "MeshrollCanaryLatency", &expr,
		                 arena_printf(a, "%s: p99 latency above %s", title, y->latency),
		                 arena_printf(a,
		                              "The 99th percentile of the request durations of %s "
		                              "was {{ printf \"%%.0f\" $value }}ms over the last "
		                              "%s, above the rollout's %s.",
		                              who, y->window, y->latency),
		                 a));
	}
	buf_release(&expr);
	buf_release(&m);
	return rules;
}
