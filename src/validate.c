/* validate.c: semantic rules of the rollout file, each reported at its node. */
#include "validate.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

static void
check_duration(struct diags *d, const struct node *n, const char *path)
{
	long long ns;

	if (!node_is_str(n))
		return;
	int r = duration_parse(n->str, &ns);
	if (r == DURATION_OVERFLOW)
		node_error(d, n,
		           "%s: '%s' is too long a duration (more than 64 bits of nanoseconds)",
		           path, n->str);
	else if (r == 0 && ns < 1000000)
		node_error(d, n, "%s: '%s' is shorter than 1ms", path, n->str);
	/* not a duration at all: the schema's pattern says so */
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

/* For each item i with a key, the first item j < i with the same key where i or j is strong
 * (strong NULL: all are), or SIZE_MAX: what comparing every pair finds, by one sort, so that
 * 100,000 items take milliseconds. keys[i] NULL: the item is not compared. malloc'd. */
static size_t *
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

/* Stages: strictly ascending weights, unique ids (among those with a name: the id of one
 * without is its weight, which the first rule covers). */
static void
check_stages(struct diags *d, const struct node *stages)
{
	size_t n = stages && stages->kind == NODE_SEQ ? stages->n : 0;
	const char **ids = calloc(n ? n : 1, sizeof(*ids));
	bool *named = calloc(n ? n : 1, sizeof(*named));
	char(*bufs)[16] = malloc((n ? n : 1) * sizeof(*bufs));
	int prev = -1;

	if (!ids || !named || !bufs)
		abort();
	for (size_t i = 0; i < n; i++)
		if (model_stage_weight(stages->kids[i]) >= 0) {
			ids[i] = model_stage_id(stages->kids[i], bufs[i]);
			named[i] = node_get(stages->kids[i], "name") != NULL;
		}
	size_t *same = earlier_same(ids, named, n);
	for (size_t i = 0; i < n; i++) {
		const struct node *s = stages->kids[i];
		int w = model_stage_weight(s);
		if (w < 0)
			continue;
		if (w <= prev)
			node_error(d, s,
			           "spec.stages[%zu]: weight %d is not greater than %d, the weight "
			           "before it; stages must be strictly ascending",
			           i, w, prev);
		prev = w > prev ? w : prev;
		if (same[i] != SIZE_MAX)
			node_error(d, s,
			           "spec.stages[%zu]: stage id '%s' is already the id of "
			           "spec.stages[%zu]",
			           i, ids[i], same[i]);
	}
	free(same);
	free(bufs);
	free(named);
	free(ids);
}

static void
check_active_stage(struct diags *d, const struct node *stages, const struct node *active)
{
	char list[256] = "", buf[16];

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
	for (size_t i = 0; i < stages->n; i++) {
		const struct node *s = stages->kids[i];
		const char *id = model_stage_id(s, buf);
		if (active->type == SCALAR_INT ? model_stage_weight(s) == active->ival
		                               : strcmp(id, active->str) == 0)
			return;
		size_t len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%s", len ? ", " : "", id);
	}
	node_error(d, active, "spec.activeStage: '%s' is not a stage; the stages are %s",
	           active->str, list);
}

/* Each of spec.host and spec.hosts once: Istio rejects a VirtualService with a host twice. */
static void
check_hosts(struct diags *d, const struct node *spec, const char *name)
{
	const struct node *host = node_get(spec, "host"), *hosts = node_get(spec, "hosts");
	const char *main = node_is_str(host) ? host->str : name;
	size_t n = hosts && hosts->kind == NODE_SEQ ? hosts->n : 0;
	const char **keys = calloc(n ? n : 1, sizeof(*keys));

	if (!keys)
		abort();
	for (size_t i = 0; i < n; i++)
		keys[i] = node_is_str(hosts->kids[i]) ? hosts->kids[i]->str : NULL;
	size_t *same = earlier_same(keys, NULL, n);
	for (size_t i = 0; i < n; i++) {
		const struct node *h = hosts->kids[i];
		if (!keys[i])
			continue;
		if (main && strcmp(h->str, main) == 0)
			node_error(d, h, "spec.hosts[%zu]: '%s' is already the route's host", i,
			           h->str);
		else if (same[i] != SIZE_MAX)
			node_error(d, h, "spec.hosts[%zu]: '%s' is already spec.hosts[%zu]", i,
			           h->str, same[i]);
	}
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
	check_duration(d, node_get(cb, "interval"), "spec.circuitBreaker.interval");
	check_duration(d, node_get(cb, "baseEjectionTime"), "spec.circuitBreaker.baseEjectionTime");
}

int
validate_rollout(const struct node *doc, struct diags *d)
{
	const struct node *meta = node_get(doc, "metadata"), *spec = node_get(doc, "spec");
	const struct node *stable = node_get(spec, "stable"), *canary = node_get(spec, "canary");
	const struct node *name = node_get(meta, "name");
	int errors = d->errors;

	if (node_is_str(stable) && node_is_str(canary) && strcmp(stable->str, canary->str) == 0)
		node_error(d, canary,
		           "spec.canary: '%s' is also spec.stable; the canary must be "
		           "another version",
		           canary->str);
	check_stages(d, node_get(spec, "stages"));
	check_active_stage(d, node_get(spec, "stages"), node_get(spec, "activeStage"));
	check_hosts(d, spec, node_is_str(name) ? name->str : NULL);
	check_label_keys(d, node_get(meta, "labels"), "metadata.labels");
	check_label_keys(d, node_get(spec, "workloadLabels"), "spec.workloadLabels");
	check_duration(d, node_get(spec, "timeout"), "spec.timeout");
	check_duration(d, node_get(node_get(spec, "retries"), "perTryTimeout"),
	               "spec.retries.perTryTimeout");
	check_circuit_breaker(d, node_get(spec, "circuitBreaker"));
	return d->errors > errors ? -1 : 0;
}
