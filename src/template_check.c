/* template_check.c: a template's placeholders: each tag a type, each variable one of that
 * type. Kept apart from loading and expanding, so tools/freeze.c checks the embedded templates
 * at build time with the rules the run time uses for --templates. */
#include "template.h"

#include <string.h>

#include "parse.h"

static const struct {
	const char *name;
	enum tvar_type type;
} tvars[TV_COUNT] = {
    [TV_NAME] = {"name", TVAR_STR},
    [TV_NAMESPACE] = {"namespace", TVAR_STR},
    [TV_LABELS] = {"labels", TVAR_MAP},
    [TV_HOST] = {"host", TVAR_STR},
    [TV_HOSTS] = {"hosts", TVAR_LIST},
    [TV_GATEWAYS] = {"gateways", TVAR_LIST},
    [TV_PORT] = {"port", TVAR_INT},
    [TV_STABLE] = {"stable", TVAR_STR},
    [TV_CANARY] = {"canary", TVAR_STR},
    [TV_STABLE_LABELS] = {"stable_labels", TVAR_MAP},
    [TV_CANARY_LABELS] = {"canary_labels", TVAR_MAP},
    [TV_WORKLOAD_LABELS] = {"workload_labels", TVAR_MAP},
    [TV_STABLE_WEIGHT] = {"stable_weight", TVAR_INT},
    [TV_CANARY_WEIGHT] = {"canary_weight", TVAR_INT},
    [TV_BASE_STABLE_WEIGHT] = {"base_stable_weight", TVAR_INT},
    [TV_BASE_CANARY_WEIGHT] = {"base_canary_weight", TVAR_INT},
    [TV_STAGE_ID] = {"stage_id", TVAR_STR},
    [TV_ACTIVE_STAGE_PATH] = {"active_stage_path", TVAR_STR},
    [TV_TIMEOUT] = {"timeout", TVAR_STR},
    [TV_RETRY_ATTEMPTS] = {"retry_attempts", TVAR_INT},
    [TV_RETRY_PER_TRY_TIMEOUT] = {"retry_per_try_timeout", TVAR_STR},
    [TV_RETRY_ON] = {"retry_on", TVAR_STR},
    [TV_CONSECUTIVE_5XX_ERRORS] = {"consecutive_5xx_errors", TVAR_INT},
    [TV_CONSECUTIVE_GATEWAY_ERRORS] = {"consecutive_gateway_errors", TVAR_INT},
    [TV_INTERVAL] = {"interval", TVAR_STR},
    [TV_BASE_EJECTION_TIME] = {"base_ejection_time", TVAR_STR},
    [TV_MAX_EJECTION_PERCENT] = {"max_ejection_percent", TVAR_INT},
    [TV_MIN_HEALTH_PERCENT] = {"min_health_percent", TVAR_INT},
    [TV_MAX_CONNECTIONS] = {"max_connections", TVAR_INT},
    [TV_HTTP1_MAX_PENDING_REQUESTS] = {"http1_max_pending_requests", TVAR_INT},
    [TV_HTTP2_MAX_REQUESTS] = {"http2_max_requests", TVAR_INT},
    [TV_MAX_REQUESTS_PER_CONNECTION] = {"max_requests_per_connection", TVAR_INT},
    [TV_MAX_RETRIES] = {"max_retries", TVAR_INT},
    [TV_TLS_MODE] = {"tls_mode", TVAR_STR},
    [TV_MTLS_MODE] = {"mtls_mode", TVAR_STR},
    [TV_HTTP] = {"http", TVAR_LIST},
    [TV_TCP] = {"tcp", TVAR_LIST},
    [TV_TLS] = {"tls", TVAR_LIST},
    [TV_TRAFFIC_POLICY] = {"traffic_policy", TVAR_MAP},
    [TV_SUBSETS] = {"subsets", TVAR_LIST},
    [TV_NETWORKING_API] = {"networking_api", TVAR_STR},
    [TV_SECURITY_API] = {"security_api", TVAR_STR},
    [TV_RESOURCES] = {"resources", TVAR_LIST},
    [TV_PATCHES] = {"patches", TVAR_LIST},
    [TV_SERVICE] = {"service", TVAR_STR},
    [TV_SELECTOR] = {"selector", TVAR_MAP},
    [TV_PORT_NAME] = {"port_name", TVAR_STR},
    [TV_TARGET_PORT] = {"target_port", TVAR_STR}, /* a port name, or a number as written */
    [TV_APP_PROTOCOL] = {"app_protocol", TVAR_STR},
    [TV_VERSION_TRAFFIC_POLICY] = {"version_traffic_policy", TVAR_MAP},
    [TV_PARENT_REFS] = {"parent_refs", TVAR_LIST},
    [TV_HOSTNAMES] = {"hostnames", TVAR_LIST},
    [TV_RULES] = {"rules", TVAR_LIST},
    [TV_RULE_LABELS] = {"rule_labels", TVAR_MAP},
    [TV_ALERT_GROUP] = {"alert_group", TVAR_STR},
    [TV_ALERTS] = {"alerts", TVAR_LIST},
};

static const char *const tag_names[] = {
    [TVAR_STR] = "!str", [TVAR_INT] = "!int", [TVAR_LIST] = "!list", [TVAR_MAP] = "!map"};

/* A placeholder: its tag must be a type and its scalar a variable of that type. The
 * variable's index is kept in the node's ival. */
static void
template_check_placeholder(struct node *n, struct diags *d)
{
	int type = -1;

	for (int i = 0; i < (int)(sizeof(tag_names) / sizeof(tag_names[0])); i++)
		if (strcmp(n->tag, tag_names[i]) == 0)
			type = i;
	if (type < 0) {
		node_error(d, n, "unknown template tag '%s'; use !str, !int, !list, !map or !text",
		           n->tag);
		return;
	}
	if (n->kind != NODE_SCALAR) {
		node_error(d, n, "a %s placeholder names a variable: a scalar", n->tag);
		return;
	}
	for (int v = 0; v < TV_COUNT; v++) {
		if (strcmp(tvars[v].name, n->str) != 0)
			continue;
		if ((int)tvars[v].type != type)
			node_error(d, n, "'%s' is a %s variable, not %s", n->str,
			           tag_names[tvars[v].type], n->tag);
		n->ival = v;
		return;
	}
	node_error(d, n, "unknown template variable '%s'", n->str);
}

static void
template_check(struct node *n, struct diags *d)
{
	if (n->tag && strcmp(n->tag, "!text") == 0) {
		if (n->kind == NODE_SCALAR)
			node_error(d, n, "!text goes on a map or a list");
	} else if (n->tag) {
		template_check_placeholder(n, d);
		return;
	}
	if (n->kind == NODE_SCALAR) {
		if (n->type == SCALAR_FLOAT || n->type == SCALAR_NULL ||
		    (n->type == SCALAR_INT && (n->nondecimal || n->overflow)))
			node_error(d, n,
			           "template values are strings, decimal integers or booleans");
		return;
	}
	for (size_t i = 0; i < (n->kind == NODE_MAP ? 2 * n->n : n->n); i++)
		template_check(n->kids[i], d);
}

int
template_parse(const struct source *src, struct arena *a, struct diags *d, struct node **root)
{
	int errors = d->errors;

	if (parse_document(src, PARSE_LOCAL_TAGS, a, d, root) < 0)
		return -1;
	template_check(*root, d);
	return d->errors > errors ? -1 : 0;
}
