/* cmd_info.c: the commands that write no tree: lint, schema and init. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "embed.h"
#include "load.h"
#include "run.h"
#include "source.h"

static const char lint_usage[] = "usage: meshroll lint FILE|DIR...\n"
                                 "  validates each rollout file and writes nothing\n";

int
cmd_lint(int argc, char **argv)
{
	struct run r;

	if (argc == 2 && !strcmp(argv[1], "--help"))
		return print_help(lint_usage);
	if (argc < 2)
		return usage_error(lint_usage, "lint: no rollout file or directory named");
	run_init(&r);
	run_load(&r, argv + 1, argc - 1, NULL, RUN_STREAM);
	return run_finish(&r, EXIT_OK);
}

int
cmd_schema(int argc, char **argv)
{
	static const char usage[] = "usage: meshroll schema\n"
	                            "  prints the JSON Schema of the rollout file\n";
	const struct embedded *e = embedded_find("schemas/rollout.schema.json");

	if (argc == 2 && !strcmp(argv[1], "--help"))
		return print_help(usage);
	if (argc > 1)
		return usage_error(usage, "schema: takes no arguments");
	fwrite(e->data, 1, e->len, stdout);
	return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_IO;
}

/* The starter file: every field, the optional ones commented out, each explained. Lines
 * with the name or namespace are made apart, their comments aligned at column 29. */
static const char starter_head[] =
    "# The canary rollout of %s. meshroll renders it into a DestinationRule, a\n"
    "# VirtualService, a PeerAuthentication and one kustomize overlay per stage:\n"
    "#   meshroll render -o deploy THIS_FILE\n"
    "# `meshroll promote THIS_FILE` moves activeStage on; `meshroll rollback` moves it back.\n"
    "# `meshroll schema` prints the JSON Schema of this file.\n"
    "apiVersion: meshroll.dev/v1alpha1\n"
    "kind: Rollout\n"
    "metadata:\n";
static const char starter_spec[] =
    "  # port: 8080               # when set, routes name this port\n"
    "  # versionLabel: version    # the pod label that tells versions apart\n"
    "  stable: v1                 # the version serving now: pods with version=v1\n"
    "  canary: v2                 # the version rolling out: pods with version=v2\n"
    "  stages: [0, 10, 25, 50, 100]   # the canary's weight per stage, never decreasing;\n"
    "  # or a stage sends requests matched to the canary (A/B), or a copy of a share:\n"
    "  # stages: [0, {name: testers, match: [{headers: {x-canary: {exact: \"yes\"}}}]},\n"
    "  #          {name: shadow, mirror: 20}, 10, 25, 50, 100]\n"
    "  activeStage: 0             # the stage in force, by weight or stage id\n"
    "  # stickySessions: {maxAge: 24h}   # users who reached the canary stay there\n"
    "  # gateways: [mesh]         # the VirtualService's gateways\n"
    "  # provider: gateway-api    # an HTTPRoute instead of the VirtualService (needs port)\n"
    "  # http:                    # your routes (Istio HTTPRoutes) in order; one without\n"
    "  # - name: main             #   route, redirect or directResponse is split\n"
    "  # timeout: 10s             # the split routes' timeout\n"
    "  # retries: {attempts: 3, perTryTimeout: 2s, retryOn: \"5xx,connect-failure\"}\n"
    "  circuitBreaker:            # the DestinationRule's outlier detection\n"
    "    consecutive5xxErrors: 5  # eject a pod after this many 5xx answers in a row\n"
    "    interval: 30s            # how often pods are scanned\n"
    "    baseEjectionTime: 30s    # how long an ejected pod stays out, at least\n"
    "    maxEjectionPercent: 50   # never eject more than this share of the pods\n"
    "    minHealthPercent: 50     # stop ejecting below this share of healthy pods\n"
    "    # consecutiveGatewayErrors: 5   # eject after this many 502, 503 or 504 in a row\n"
    "    # maxConnections: 100    # connection pool: TCP connections to the service\n"
    "    # http1MaxPendingRequests: 10   # requests queued for a connection, at most\n"
    "    # http2MaxRequests: 100  # requests in flight to the service, at most\n"
    "    # maxRequestsPerConnection: 1   # requests over one connection before it closes\n"
    "    # maxRetries: 3          # retries in flight to the service, at most\n"
    "  mtls: STRICT               # STRICT, PERMISSIVE, DISABLE or UNSET\n"
    "  # analysis:                # alerts on the canary, in a PrometheusRule:\n"
    "  #   successRate: 99        #   fewer of its requests than this percent without a 5xx\n"
    "  #   latencyP99: 500ms      #   its 99th percentile slower than this\n";

static void
starter_line(struct buf *b, const char *line, const char *comment)
{
	buf_addf(b, "%-28s %s\n", line, comment);
}

static void
starter(struct buf *b, struct arena *a, const char *name, const char *ns)
{
	buf_addf(b, starter_head, name);
	starter_line(b, arena_printf(a, "  name: %s", name),
	             "# names every generated object (a DNS-1123 label)");
	starter_line(b, arena_printf(a, "  namespace: %s", ns), "# where the objects go");
	starter_line(b, "  # labels: {team: my-team}", "# added to every generated object");
	buf_adds(b, "spec:\n");
	starter_line(b, arena_printf(a, "  # host: %s", name),
	             "# the host the split routes send to; default metadata.name");
	starter_line(b, arena_printf(a, "  # hosts: [%s, %s.example.com]", name, name),
	             "# the VirtualService's hosts; default [host]");
	starter_line(b, arena_printf(a, "  # workloadLabels: {app: %s}", name),
	             "# selects the pods; default {app: metadata.name}");
	buf_adds(b, starter_spec);
}

static const char init_usage[] =
    "usage: meshroll init NAME [-n NAMESPACE]\n"
    "  prints a commented starter rollout file for service NAME\n"
    "  -n, --namespace NAMESPACE  its metadata.namespace (default: default)\n";

int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"namespace", required_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *ns = "default";
	struct run r;
	int c;

	while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
		if (c == 'n')
			ns = optarg;
		else if (c == 'h')
			return print_help(init_usage);
		else
			return usage_error(init_usage, "init: bad option '%s'", argv[optind - 1]);
	}
	if (optind != argc - 1)
		return usage_error(init_usage, "init: name one service");
	const char *name = argv[optind];
	struct buf b;
	run_init(&r);
	buf_init(&b);
	starter(&b, &r.arena, name, ns);
	/* what init prints, lint accepts: a bad name or namespace is a usage error */
	struct source src = {.path = "<init>", .data = b.data, .len = b.len};
	if (schema_load(&r.schema, &r.diags) < 0 ||
	    !load_bytes(&src, &r.schema, &r.scratch, &r.diags)) {
		buf_release(&b);
		return run_finish(&r, EXIT_USAGE);
	}
	run_print(&r, b.data, b.len);
	buf_release(&b);
	return run_finish(&r, EXIT_OK);
}
