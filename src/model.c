/* model.c: a validated parse tree to a const struct rollout, defaults applied. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
model_stage_weight(const struct node *stage)
{
	const struct node *w = stage->kind == NODE_MAP ? node_get(stage, "weight") : stage;

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
	snprintf(buf, 16, "%03d", model_stage_weight(stage));
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

int
model_stage_lookup(const struct rollout *r, const char *text)
{
	int i = model_stage_index(r, text);
	char *end;
	long w = strtol(text, &end, 10);

	if (i >= 0 || !*text || *end)
		return i;
	for (size_t s = 0; s < r->nstages; s++)
		if (r->stages[s].weight == w)
			return (int)s;
	return -1;
}

int
model_find_stage(const struct rollout *r, const struct node *sel)
{
	if (sel->kind == NODE_SCALAR && sel->type == SCALAR_INT) {
		for (size_t i = 0; i < r->nstages; i++)
			if (r->stages[i].weight == sel->ival)
				return (int)i;
		return -1;
	}
	return node_is_str(sel) ? model_stage_index(r, sel->str) : -1;
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
	r->stable = str_or(a, node_get(spec, "stable"), "");
	r->canary = str_or(a, node_get(spec, "canary"), "");
	r->nstages = stages ? stages->n : 0;
	r->stages = arena_alloc(a, (r->nstages ? r->nstages : 1) * sizeof(*r->stages));
	for (size_t i = 0; i < r->nstages; i++) {
		char buf[16];
		r->stages[i].weight = model_stage_weight(stages->kids[i]);
		r->stages[i].id = arena_strdup(a, model_stage_id(stages->kids[i], buf));
	}
	int at = active ? model_find_stage(r, active) : 0;
	r->active = at > 0 ? (size_t)at : 0;
	r->gateways = strs_from(a, node_get(spec, "gateways"));
	r->hosts = strs_from(a, node_get(spec, "hosts"));
	r->timeout = str_or(a, node_get(spec, "timeout"), NULL);
	r->retries.attempts = retries ? int_or(node_get(retries, "attempts"), -1) : -1;
	r->retries.per_try_timeout = str_or(a, node_get(retries, "perTryTimeout"), NULL);
	r->retries.retry_on = str_or(a, node_get(retries, "retryOn"), NULL);
	model_circuit_breaker(r, node_get(spec, "circuitBreaker"), a);
	r->istio_version = str_or(a, node_get(spec, "istioAPIVersion"), "v1");
	r->mtls = !node_is_str(mtls)                     ? MTLS_STRICT
	          : strcmp(mtls->str, "PERMISSIVE") == 0 ? MTLS_PERMISSIVE
	          : strcmp(mtls->str, "DISABLE") == 0    ? MTLS_DISABLE
	                                                 : MTLS_STRICT;
	return r;
}
