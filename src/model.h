/* model.h: the rollout as the renderer sees it: built once, const afterwards.
 *
 * Every string and array lives in the arena given to model_build(), which
 * copies what it needs from the parse tree: the tree can be released as soon
 * as the model is built. */
#ifndef MESHROLL_MODEL_H
#define MESHROLL_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "node.h"

/* UNSET writes no PeerAuthentication and leaves the DestinationRule's tls to trafficPolicy. */
enum mtls_mode { MTLS_STRICT, MTLS_PERMISSIVE, MTLS_DISABLE, MTLS_UNSET };

/* The route lists of a VirtualService, in the order it writes them. */
enum proto { PROTO_HTTP, PROTO_TCP, PROTO_TLS, NPROTOS };

struct kv {
	const char *key, *value;
};

struct kvs {
	struct kv *v; /* sorted bytewise by key */
	size_t n;
};

struct strs {
	const char **v;
	size_t n;
};

/* A subset of the DestinationRule: the stable version, the canary, then spec.subsets. */
struct subset {
	const char *name;
	const char *service; /* split: service, the versions only: its Service's name */
	struct kvs labels;
	const struct node *policy; /* its trafficPolicy; NULL: none */
};

/* A route of spec.http, spec.tcp or spec.tls, as written, with deprecated Istio fields in their
 * current form and numbers and booleans in one spelling. A split route has none of route,
 * redirect, directResponse: each stage gives it the weighted destinations. */
struct route {
	const struct node *spec;
	bool split;
};

struct routes {
	struct route *v;
	size_t n;
};

/* A stage: the canary's weight, and what it adds to every split http route. */
struct stage {
	const char *id;                  /* its name, else its weight in three digits: "010" */
	int weight;                      /* the canary's share, 0..100 */
	const struct node *match;        /* A/B: the requests sent to the canary; NULL: none */
	const char *mirror;              /* the mirrored percent, in its shortest exact decimal
	                                  * ("20", "0.5"); NULL: no mirror */
	const struct node *mirror_match; /* mirror only the requests these match; NULL: all */
};

/* split: service writes a Service per version; subset (the default) a subset per version. */
enum split_mode { SPLIT_SUBSET, SPLIT_SERVICE };

/* What routes the traffic: Istio's VirtualService, or Gateway API's HTTPRoute (which implies
 * split: service). */
enum provider { PROVIDER_ISTIO, PROVIDER_GATEWAY_API };

/* spec.analysis: the alerts on the canary (analysis.c). Numbers are in their shortest exact
 * decimal, as PromQL reads them. */
struct analysis {
	const char *success_rate;  /* percent; NULL: no success-rate alert */
	const char *latency;       /* latencyP99 as written; NULL: no latency alert */
	long long latency_ms;      /* latencyP99 in milliseconds */
	const char *window, *for_; /* Prometheus durations, as written */
	const char *min_rate;      /* requests per second */
	struct kvs labels;         /* the alerts' own labels */
	struct kvs rule_labels;    /* the PrometheusRule's: metadata.labels and ruleLabels */
};

/* Optional numbers are -1 when unset; optional strings NULL. */
struct circuit_breaker {
	long long consecutive_5xx_errors, consecutive_gateway_errors;
	const char *interval, *base_ejection_time;
	long long max_ejection_percent, min_health_percent;
	long long max_connections, http1_max_pending_requests, http2_max_requests;
	long long max_requests_per_connection, max_retries;
};

struct retries {
	long long attempts; /* -1: no retries block */
	const char *per_try_timeout, *retry_on;
};

struct rollout {
	const char *file;   /* the rollout file, as named */
	const char *source; /* file, as its generated files record it (run.c cleans it) */
	const char *home;   /* file as its repository names it: relative to the nearest directory
	                     * above it that holds .git, else its base name (run.c, for a rollout
	                     * with spec.analysis, whose alerts name it); NULL: unknown */
	int line, col;      /* where metadata.name is in it, for errors that span files */
	const char *name, *ns;
	struct kvs labels; /* metadata.labels */
	const char *host;
	int port; /* 0: unset */
	struct kvs workload_labels;
	const char *version_label, *stable, *canary; /* the names of subsets[0] and [1] */
	struct subset *subsets;
	size_t nsubsets;
	struct routes
	    routes[NPROTOS]; /* none given: one http split route named after the rollout */
	struct stage *stages;
	size_t nstages;
	size_t active;               /* index into stages */
	struct strs gateways, hosts; /* hosts: spec.hosts, default [host] */
	const char *timeout;
	struct retries retries;
	const struct node *policy; /* the DestinationRule's: spec.trafficPolicy, circuitBreaker's
	                            * fields, mtls's tls; NULL: none */
	bool has_circuit_breaker;
	struct circuit_breaker cb;
	enum mtls_mode mtls;
	const char *sticky_cookie; /* stickySessions: the cookie's name; NULL: no sticky sessions */
	long long sticky_max_age;  /* its Max-Age, in seconds */
	enum split_mode split;
	enum provider provider;
	const struct node *target_port; /* split: service: the Services' targetPort; NULL: port */
	const char *port_name, *app_protocol; /* and their port's name and appProtocol (NULL) */
	const char *istio_version; /* "v1" or "v1beta1": of networking and security.istio.io */
	const struct analysis *analysis; /* NULL: no spec.analysis */
};

/* A stage's weight, from its integer or map form (default 0); -1 when it has none the schema
 * accepts (a decimal integer in 0..100). */
int model_stage_weight(const struct node *stage);
/* A stage's id: its name, else its weight in three digits (written into buf). */
const char *model_stage_id(const struct node *stage, char buf[16]);
/* The id of a stage of weight w without a name: w in three digits or more ("010"), as
 * "%03lld" would write it, cut to 15 characters. Written into buf. */
const char *model_weight_id(long long w, char buf[16]);
/* The index of the stage that sel (an integer weight or a string id) names; -1 for none. */
int model_find_stage(const struct rollout *r, const struct node *sel);
/* The index of the stage with this id; -1 for none. */
int model_stage_index(const struct rollout *r, const char *id);
/* The index of the stage a user named on the command line, by id or else by weight; -1. */
int model_stage_lookup(const struct rollout *r, const char *text);
/* Why model_stage_lookup found no stage: text names none (the stages are listed), or is the
 * weight of several (their ids are listed). */
const char *model_stage_missing(const struct rollout *r, const char *text, struct arena *a);
/* A mirror percent (0..100, at most 3 decimals) in its shortest exact decimal, into buf;
 * NULL when the scalar is not one. */
const char *model_percent(const struct node *n, char buf[16]);
/* A number of at most 9 whole digits and frac_max decimals, not negative, in plain decimal
 * (no sign, no exponent), in its shortest exact form ("20.50" is "20.5") into buf; NULL when
 * the scalar is not one. */
const char *model_decimal(const struct node *n, int frac_max, char buf[32]);
/* Whether a route (a map of spec.http, tcp or tls) is a split route. */
bool model_route_is_split(const struct node *route);
/* Builds the model of a document that passed schema_validate() and validate_rollout(). */
struct rollout *model_build(const struct node *doc, const char *file, struct arena *a);

#endif
