/* template.h: the shapes of the generated files, as YAML with typed placeholders.
 *
 * A placeholder is a tagged scalar naming a variable: `host: !str host`. Substitution is
 * node-level: a placeholder becomes the scalar, list or map that render built, never text
 * pasted into text, so no value can inject YAML structure. A placeholder whose variable has
 * no value drops its key or list item; a map or list emptied that way drops as well. `!text`
 * on a map or list writes it as a YAML string (a literal block). */
#ifndef MESHROLL_TEMPLATE_H
#define MESHROLL_TEMPLATE_H

#include "arena.h"
#include "diag.h"
#include "node.h"

struct source;

enum tmpl_id {
	TMPL_DESTINATIONRULE,
	TMPL_VIRTUALSERVICE,
	TMPL_PEERAUTHENTICATION,
	TMPL_SERVICE,                 /* a version's Service, under split: service */
	TMPL_DESTINATIONRULE_VERSION, /* a version Service's DestinationRule */
	TMPL_HTTPROUTE,               /* provider: gateway-api's HTTPRoute */
	TMPL_PROMETHEUSRULE,          /* spec.analysis's alerts */
	TMPL_KUSTOMIZATION,
	TMPL_KUSTOMIZATION_BASE,
	TMPL_KUSTOMIZATION_STAGE,
	TMPL_COUNT
};

enum tvar_type { TVAR_STR, TVAR_INT, TVAR_LIST, TVAR_MAP };

/* The variables a template may name; render gives each a value or none. */
enum tvar {
	TV_NAME,
	TV_NAMESPACE,
	TV_LABELS,
	TV_HOST,
	TV_HOSTS,
	TV_GATEWAYS,
	TV_PORT,
	TV_STABLE,
	TV_CANARY,
	TV_STABLE_LABELS,
	TV_CANARY_LABELS,
	TV_WORKLOAD_LABELS,
	TV_STABLE_WEIGHT,
	TV_CANARY_WEIGHT,
	TV_BASE_STABLE_WEIGHT,
	TV_BASE_CANARY_WEIGHT,
	TV_STAGE_ID,
	TV_ACTIVE_STAGE_PATH,
	TV_TIMEOUT,
	TV_RETRY_ATTEMPTS,
	TV_RETRY_PER_TRY_TIMEOUT,
	TV_RETRY_ON,
	TV_CONSECUTIVE_5XX_ERRORS,
	TV_CONSECUTIVE_GATEWAY_ERRORS,
	TV_INTERVAL,
	TV_BASE_EJECTION_TIME,
	TV_MAX_EJECTION_PERCENT,
	TV_MIN_HEALTH_PERCENT,
	TV_MAX_CONNECTIONS,
	TV_HTTP1_MAX_PENDING_REQUESTS,
	TV_HTTP2_MAX_REQUESTS,
	TV_MAX_REQUESTS_PER_CONNECTION,
	TV_MAX_RETRIES,
	TV_TLS_MODE,
	TV_MTLS_MODE,
	TV_HTTP,           /* the VirtualService's http routes, from the plan */
	TV_TCP,            /* its tcp routes */
	TV_TLS,            /* its tls routes */
	TV_TRAFFIC_POLICY, /* the DestinationRule's: spec.trafficPolicy, circuitBreaker, mtls */
	TV_SUBSETS,        /* the DestinationRule's: stable, canary, spec.subsets */
	TV_NETWORKING_API, /* "networking.istio.io/<istioAPIVersion>" */
	TV_SECURITY_API,   /* "security.istio.io/<istioAPIVersion>" */
	TV_RESOURCES,      /* the base's object files, from render's table of outputs */
	TV_PATCHES,        /* a stage's patches: the difference of its objects from the base's */
	/* Of the version an object is for (split: service's Services and DestinationRules): */
	TV_SERVICE,                /* its Service's name */
	TV_SELECTOR,               /* workloadLabels with the version's labels over them */
	TV_PORT_NAME,              /* the Service port's name */
	TV_TARGET_PORT,            /* its targetPort: a number or a port name */
	TV_APP_PROTOCOL,           /* its appProtocol */
	TV_VERSION_TRAFFIC_POLICY, /* the version's traffic policy, else the rollout's */
	/* The HTTPRoute's (provider: gateway-api), from the plan of the stage (gateway.c): */
	TV_PARENT_REFS, /* the Service for the mesh, a Gateway for each other gateway */
	TV_HOSTNAMES,   /* spec.hosts where a Gateway is a parent; none for "*" */
	TV_RULES,       /* the routes as rules */
	/* The PrometheusRule's (spec.analysis; analysis.c): */
	TV_RULE_LABELS, /* metadata.labels with spec.analysis.ruleLabels */
	TV_ALERT_GROUP, /* its rule group's name: meshroll.<namespace>.<name> */
	TV_ALERTS,      /* the group's alerting rules */
	TV_COUNT
};

struct tvals {
	struct node *v[TV_COUNT]; /* NULL: no value; the key or item is dropped */
};

struct templates {
	struct node *root[TMPL_COUNT]; /* checked trees; an embedded one NULL until first used */
	struct arena *a;               /* theirs */
};

/* Loads every template from dir where it holds a file of that name (dir may be NULL), parsed
 * and checked now; the others are the embedded ones, parsed and checked at build time
 * (frozen.h) and made into nodes when first expanded: a run uses few of them. Returns 0, or
 * -1 with a located error for each bad placeholder. */
int templates_load(struct templates *t, const char *dir, struct arena *a, struct diags *d);
/* Parses one template and checks each placeholder's tag and variable, keeping the variable's
 * index in the placeholder's ival (template_check.c). Returns 0 with *root set, or -1 with a
 * located error for each bad placeholder (*root set when it parsed). */
int template_parse(const struct source *src, struct arena *a, struct diags *d, struct node **root);
/* The template of that id, made into nodes now when it is an embedded one not used yet. */
const struct node *template_root(struct templates *t, enum tmpl_id id);
/* The template filled with vals: a new tree in a (it shares the template's literal nodes). */
struct node *template_expand(struct templates *t, enum tmpl_id id, const struct tvals *vals,
                             struct arena *a);

#endif
