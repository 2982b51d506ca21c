/* render.c: model to Istio objects and the kustomize tree. */
#include "render.h"

#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "emit.h"
#include "gateway.h"
#include "patch.h"
#include "plan.h"

/* What render makes of a rollout: one object per entry, in this order in base/ (each in its
 * file), in the base kustomization's resources, in render -o - and in fn's output. */
static bool
has_peer_authentication(const struct rollout *r, size_t v)
{
	(void)v;
	return r->mtls != MTLS_UNSET;
}

static bool
splits_subsets(const struct rollout *r, size_t v)
{
	(void)v;
	return r->split == SPLIT_SUBSET;
}

static bool
splits_services(const struct rollout *r, size_t v)
{
	(void)v;
	return r->split == SPLIT_SERVICE;
}

/* The traffic policy of version v's Service, as Istio applies a subset's: the rollout's, each
 * field the version sets replaced by the version's; NULL: none. */
static const struct node *
version_policy(const struct rollout *r, size_t v, struct arena *a)
{
	const struct node *mine = r->subsets[v].policy, *all = r->policy;

	if (!mine || !all)
		return mine ? mine : all;
	struct node *p = node_new_map(a, all->n + mine->n);
	for (size_t i = 0; i < all->n; i++) {
		const struct node *over = node_get(mine, all->kids[2 * i]->str);
		node_map_add(p, all->kids[2 * i],
		             (struct node *)(over ? over : all->kids[2 * i + 1]));
	}
	for (size_t i = 0; i < mine->n; i++)
		if (!node_get(all, mine->kids[2 * i]->str))
			node_map_add(p, mine->kids[2 * i], mine->kids[2 * i + 1]);
	return p;
}

static bool
has_version_policy(const struct rollout *r, size_t v)
{
	return r->split == SPLIT_SERVICE && (r->subsets[v].policy || r->policy);
}

static bool
routes_istio(const struct rollout *r, size_t v)
{
	(void)v;
	return r->provider == PROVIDER_ISTIO;
}

static bool
routes_gateway_api(const struct rollout *r, size_t v)
{
	(void)v;
	return r->provider == PROVIDER_GATEWAY_API;
}

static bool
has_analysis(const struct rollout *r, size_t v)
{
	(void)v;
	return r->analysis != NULL;
}

enum { NO_VERSION = 2 };

static const struct output {
	const char *file; /* without .yaml; for a version, -<version> follows */
	enum tmpl_id tmpl;
	bool (*wanted)(const struct rollout *r, size_t version); /* NULL: always */
	size_t version; /* 0 stable, 1 canary; NO_VERSION */
} outputs[] = {
    {"destinationrule", TMPL_DESTINATIONRULE, splits_subsets, NO_VERSION},
    {"destinationrule", TMPL_DESTINATIONRULE_VERSION, has_version_policy, 0},
    {"destinationrule", TMPL_DESTINATIONRULE_VERSION, has_version_policy, 1},
    {"service", TMPL_SERVICE, splits_services, 0},
    {"service", TMPL_SERVICE, splits_services, 1},
    {"virtualservice", TMPL_VIRTUALSERVICE, routes_istio, NO_VERSION},
    {"httproute", TMPL_HTTPROUTE, routes_gateway_api, NO_VERSION},
    {"peerauthentication", TMPL_PEERAUTHENTICATION, has_peer_authentication, NO_VERSION},
    {"prometheusrule", TMPL_PROMETHEUSRULE, has_analysis, NO_VERSION},
};
enum { NOUTPUTS = sizeof(outputs) / sizeof(outputs[0]) };

/* The outputs r makes, in the table's order, into out; returns how many. */
static size_t
wanted_outputs(const struct rollout *r, const struct output *out[NOUTPUTS])
{
	size_t n = 0;

	for (size_t i = 0; i < NOUTPUTS; i++)
		if (!outputs[i].wanted || outputs[i].wanted(r, outputs[i].version))
			out[n++] = &outputs[i];
	return n;
}

/* The file of an output of r. */
static const char *
output_file(const struct rollout *r, const struct output *o, struct arena *a)
{
	if (o->version == NO_VERSION)
		return arena_concat(a, o->file, ".yaml");
	return arena_concat(a, o->file, "-", r->subsets[o->version].name, ".yaml");
}

static struct node *
val_map(struct arena *a, const struct kvs *kvs)
{
	if (kvs->n == 0)
		return NULL;
	struct node *map = node_new_map(a, kvs->n);
	for (size_t i = 0; i < kvs->n; i++)
		node_map_add(map, node_new_str(a, kvs->v[i].key), node_new_str(a, kvs->v[i].value));
	return map;
}

static struct node *
val_list(struct arena *a, const struct strs *s)
{
	if (s->n == 0)
		return NULL;
	struct node *seq = node_new_seq(a, s->n);
	for (size_t i = 0; i < s->n; i++)
		node_seq_add(seq, node_new_str(a, s->v[i]));
	return seq;
}

/* The DestinationRule's subsets: both versions in every stage (make-before-break), then
 * spec.subsets. */
static struct node *
val_subsets(struct arena *a, const struct rollout *r)
{
	struct node *seq = node_new_seq(a, r->nsubsets);

	for (size_t i = 0; i < r->nsubsets; i++) {
		const struct subset *s = &r->subsets[i];
		struct node *m = node_new_map(a, 3);
		node_map_add(m, node_new_str(a, "name"), node_new_str(a, s->name));
		node_map_add(m, node_new_str(a, "labels"), val_map(a, &s->labels));
		if (s->policy)
			node_map_add(m, node_new_str(a, "trafficPolicy"), (struct node *)s->policy);
		node_seq_add(seq, m);
	}
	return seq;
}

static void
vals_fill(struct tvals *tv, const struct rollout *r, size_t stage, struct arena *a)
{
	static const char *const mtls_modes[] = {"STRICT", "PERMISSIVE", "DISABLE", NULL};
	const struct circuit_breaker *cb = &r->cb;
	struct node **v = tv->v;
	int w = r->stages[stage].weight, w0 = r->stages[0].weight;

	memset(tv, 0, sizeof(*tv));
	v[TV_NAME] = node_new_str_or_none(a, r->name);
	v[TV_NAMESPACE] = node_new_str_or_none(a, r->ns);
	v[TV_LABELS] = val_map(a, &r->labels);
	v[TV_HOST] = node_new_str_or_none(a, r->host);
	v[TV_HOSTS] = val_list(a, &r->hosts);
	v[TV_GATEWAYS] = val_list(a, &r->gateways);
	v[TV_PORT] = r->port ? node_new_int_or_none(a, r->port) : NULL;
	v[TV_STABLE] = node_new_str_or_none(a, r->stable);
	v[TV_CANARY] = node_new_str_or_none(a, r->canary);
	v[TV_STABLE_LABELS] = val_map(a, &r->subsets[0].labels);
	v[TV_CANARY_LABELS] = val_map(a, &r->subsets[1].labels);
	v[TV_WORKLOAD_LABELS] = val_map(a, &r->workload_labels);
	v[TV_STABLE_WEIGHT] = node_new_int_or_none(a, 100 - w);
	v[TV_CANARY_WEIGHT] = node_new_int_or_none(a, w);
	v[TV_BASE_STABLE_WEIGHT] = node_new_int_or_none(a, 100 - w0);
	v[TV_BASE_CANARY_WEIGHT] = node_new_int_or_none(a, w0);
	v[TV_STAGE_ID] = node_new_str_or_none(a, r->stages[stage].id);
	v[TV_ACTIVE_STAGE_PATH] =
	    node_new_str_or_none(a, arena_concat(a, "stages/", r->stages[r->active].id));
	v[TV_TIMEOUT] = node_new_str_or_none(a, r->timeout);
	v[TV_RETRY_ATTEMPTS] = node_new_int_or_none(a, r->retries.attempts);
	v[TV_RETRY_PER_TRY_TIMEOUT] = node_new_str_or_none(a, r->retries.per_try_timeout);
	v[TV_RETRY_ON] = node_new_str_or_none(a, r->retries.retry_on);
	v[TV_CONSECUTIVE_5XX_ERRORS] = node_new_int_or_none(a, cb->consecutive_5xx_errors);
	v[TV_CONSECUTIVE_GATEWAY_ERRORS] = node_new_int_or_none(a, cb->consecutive_gateway_errors);
	v[TV_INTERVAL] = node_new_str_or_none(a, cb->interval);
	v[TV_BASE_EJECTION_TIME] = node_new_str_or_none(a, cb->base_ejection_time);
	v[TV_MAX_EJECTION_PERCENT] = node_new_int_or_none(a, cb->max_ejection_percent);
	v[TV_MIN_HEALTH_PERCENT] = node_new_int_or_none(a, cb->min_health_percent);
	v[TV_MAX_CONNECTIONS] = node_new_int_or_none(a, cb->max_connections);
	v[TV_HTTP1_MAX_PENDING_REQUESTS] = node_new_int_or_none(a, cb->http1_max_pending_requests);
	v[TV_HTTP2_MAX_REQUESTS] = node_new_int_or_none(a, cb->http2_max_requests);
	v[TV_MAX_REQUESTS_PER_CONNECTION] =
	    node_new_int_or_none(a, cb->max_requests_per_connection);
	v[TV_MAX_RETRIES] = node_new_int_or_none(a, cb->max_retries);
	v[TV_TLS_MODE] = r->mtls == MTLS_DISABLE || r->mtls == MTLS_UNSET
	                     ? NULL
	                     : node_new_str(a, "ISTIO_MUTUAL");
	v[TV_MTLS_MODE] = node_new_str_or_none(a, mtls_modes[r->mtls]);
	struct plan_stage plan;
	plan_stage(r, stage, a, &plan);
	if (r->provider == PROVIDER_GATEWAY_API) {
		v[TV_PARENT_REFS] = gateway_parent_refs(r, a);
		v[TV_HOSTNAMES] = gateway_hostnames(r, a);
		v[TV_RULES] = gateway_rules(r, &plan, a);
	} else {
		v[TV_HTTP] = plan_route_nodes(&plan, PROTO_HTTP, a);
		v[TV_TCP] = plan_route_nodes(&plan, PROTO_TCP, a);
		v[TV_TLS] = plan_route_nodes(&plan, PROTO_TLS, a);
	}
	if (r->analysis) {
		v[TV_RULE_LABELS] = val_map(a, &r->analysis->rule_labels);
		v[TV_ALERT_GROUP] = node_new_str(a, analysis_group(r, a));
		v[TV_ALERTS] = analysis_alerts(r, a);
	}
	v[TV_TRAFFIC_POLICY] = (struct node *)r->policy; /* only read, as the routes are */
	v[TV_SUBSETS] = val_subsets(a, r);
	v[TV_NETWORKING_API] =
	    node_new_str_or_none(a, arena_concat(a, "networking.istio.io/", r->istio_version));
	v[TV_SECURITY_API] =
	    node_new_str_or_none(a, arena_concat(a, "security.istio.io/", r->istio_version));
	const struct output *outs[NOUTPUTS];
	size_t nouts = wanted_outputs(r, outs);
	v[TV_RESOURCES] = node_new_seq(a, nouts);
	for (size_t i = 0; i < nouts; i++)
		node_seq_add(v[TV_RESOURCES], node_new_str(a, output_file(r, outs[i], a)));
}

/* workloadLabels with the labels of version v over them. */
static struct node *
val_selector(struct arena *a, const struct rollout *r, size_t v)
{
	const struct kvs *w = &r->workload_labels, *l = &r->subsets[v].labels;
	struct node *map = node_new_map(a, w->n + l->n);
	size_t i = 0, k = 0;

	while (i < w->n || k < l->n) { /* both sorted: merge them */
		int c = i == w->n ? 1 : k == l->n ? -1 : strcmp(w->v[i].key, l->v[k].key);
		const struct kv *kv = c < 0 ? &w->v[i] : &l->v[k];
		node_map_add(map, node_new_str(a, kv->key), node_new_str(a, kv->value));
		i += c <= 0;
		k += c >= 0;
	}
	return map;
}

/* The variables of the version an object is for. */
static void
vals_version(struct tvals *tv, const struct rollout *r, size_t v, struct arena *a)
{
	if (v == NO_VERSION || r->split != SPLIT_SERVICE)
		return;
	tv->v[TV_SERVICE] = node_new_str(a, r->subsets[v].service);
	tv->v[TV_SELECTOR] = val_selector(a, r, v);
	tv->v[TV_PORT_NAME] = node_new_str_or_none(a, r->port_name);
	tv->v[TV_TARGET_PORT] = (struct node *)r->target_port;
	tv->v[TV_APP_PROTOCOL] = node_new_str_or_none(a, r->app_protocol);
	tv->v[TV_VERSION_TRAFFIC_POLICY] = (struct node *)version_policy(r, v, a);
}

static void
set_add(struct render_set *set, struct arena *a, const char *path, struct buf *b)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		set->v = arena_grow(a, set->v, set->n * sizeof(*set->v), cap * sizeof(*set->v));
		set->cap = cap;
	}
	set->v[set->n++] = (struct rendered){path, arena_strndup(a, b->data, b->len), b->len};
}

void
render_source(struct buf *b, const char *path)
{
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p > ' ' && *p < 0x7f && *p != '%')
			buf_addc(b, (char)*p);
		else
			buf_addf(b, "%%%02X", *p);
	}
}

/* One file: the header line naming the rollout file, then the document. */
static void
render_doc(struct render_set *set, struct arena *a, const struct rollout *r, const char *path,
           const struct node *doc)
{
	struct buf b;

	buf_init(&b);
	buf_adds(&b, RENDER_HEADER_START RENDER_HEADER_FROM);
	render_source(&b, r->source);
	buf_adds(&b, RENDER_HEADER_END);
	emit_document(&b, doc);
	set_add(set, a, path, &b);
	buf_release(&b);
}

/* One file from a template filled for a stage. */
static void
render_file(struct render_set *set, struct arena *a, const struct rollout *r, const char *path,
            struct templates *t, enum tmpl_id id, const struct tvals *vals)
{
	render_doc(set, a, r, path, template_expand(t, id, vals, a));
}

static int
rendered_cmp(const void *pa, const void *pb)
{
	const struct rendered *x = pa, *y = pb;

	return strcmp(x->path, y->path);
}

/* The patch of one object: the target, named by the object's own apiVersion, kind, name and
 * namespace, and the operations as a YAML string. */
static struct node *
patch_entry(struct arena *a, const struct node *obj, struct node *ops)
{
	static const char *const keys[] = {"group", "version", "kind", "name", "namespace"};
	const struct node *api = node_get(obj, "apiVersion"), *meta = node_get(obj, "metadata");
	const char *slash = api && api->kind == NODE_SCALAR ? strrchr(api->str, '/') : NULL;
	struct node *vals[] = {
	    api && api->kind == NODE_SCALAR
	        ? node_new_str(a,
	                       slash ? arena_strndup(a, api->str, (size_t)(slash - api->str)) : "")
	        : NULL,
	    api && api->kind == NODE_SCALAR ? node_new_str(a, slash ? slash + 1 : api->str) : NULL,
	    node_get(obj, "kind"),
	    node_get(meta, "name"),
	    node_get(meta, "namespace"),
	};
	struct node *target = node_new_map(a, 5), *entry = node_new_map(a, 2);
	struct buf b;

	for (size_t i = 0; i < 5; i++)
		if (vals[i])
			node_map_add(target, node_new_str(a, keys[i]), vals[i]);
	buf_init(&b);
	emit_document(&b, ops);
	node_map_add(entry, node_new_str(a, "target"), target);
	node_map_add(entry, node_new_str(a, "patch"), node_new_block(a, b.data, b.len));
	buf_release(&b);
	return entry;
}

/* A stage's patches: for each object that differs from the base's, its difference. */
static struct node *
stage_patches(const struct node *base, const struct node *stage, struct arena *a)
{
	struct node *patches = node_new_seq(a, base->n);

	for (size_t i = 0; i < base->n; i++) {
		struct node *ops = patch_diff(base->kids[i], stage->kids[i], a);
		if (ops->n)
			node_seq_add(patches, patch_entry(a, base->kids[i], ops));
	}
	return patches->n ? patches : NULL;
}

void
render_tree(const struct rollout *r, struct templates *t, struct arena *a, struct render_set *set)
{
	const char *dir = arena_concat(a, r->ns, "/", r->name);
	struct node *base = render_stage_nodes(r, 0, t, a);
	struct tvals vals;
	size_t first = set->n;

	vals_fill(&vals, r, 0, a);
	render_file(set, a, r, arena_concat(a, dir, "/kustomization.yaml"), t, TMPL_KUSTOMIZATION,
	            &vals);
	render_file(set, a, r, arena_concat(a, dir, "/base/kustomization.yaml"), t,
	            TMPL_KUSTOMIZATION_BASE, &vals);
	for (size_t i = 0; i < base->n; i++)
		render_doc(set, a, r, arena_concat(a, dir, "/base/", render_object_file(r, i, a)),
		           base->kids[i]);
	/* a stage's objects and patches in a scratch arena: only its file's text is kept */
	struct arena scratch;
	arena_init(&scratch);
	for (size_t s = 0; s < r->nstages; s++) {
		vals_fill(&vals, r, s, &scratch);
		vals.v[TV_PATCHES] =
		    stage_patches(base, render_stage_nodes(r, s, t, &scratch), &scratch);
		render_file(
		    set, a, r,
		    arena_concat(a, dir, "/stages/", r->stages[s].id, "/kustomization.yaml"), t,
		    TMPL_KUSTOMIZATION_STAGE, &vals);
		arena_reset(&scratch);
	}
	arena_release(&scratch);
	qsort(set->v + first, set->n - first, sizeof(*set->v), rendered_cmp);
}

struct node *
render_stage_nodes(const struct rollout *r, size_t stage, struct templates *t, struct arena *a)
{
	const struct output *outs[NOUTPUTS];
	size_t n = wanted_outputs(r, outs);
	struct node *seq = node_new_seq(a, n);
	struct tvals vals;

	vals_fill(&vals, r, stage, a);
	for (size_t i = 0; i < n; i++) {
		vals_version(&vals, r, outs[i]->version, a);
		node_seq_add(seq, template_expand(t, outs[i]->tmpl, &vals, a));
	}
	return seq;
}

const char *
render_object_file(const struct rollout *r, size_t i, struct arena *a)
{
	const struct output *outs[NOUTPUTS];
	size_t n = wanted_outputs(r, outs);

	return i < n ? output_file(r, outs[i], a) : NULL;
}

void
render_stage_objects(const struct rollout *r, size_t stage, struct templates *t, struct arena *a,
                     struct buf *out, int *first)
{
	struct node *seq = render_stage_nodes(r, stage, t, a);

	for (size_t i = 0; i < seq->n; i++) {
		if (!*first)
			buf_adds(out, "---\n");
		*first = 0;
		emit_document(out, seq->kids[i]);
	}
}
