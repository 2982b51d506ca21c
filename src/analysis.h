/* analysis.h: spec.analysis: its rules, and the alerts of the PrometheusRule it asks for.
 *
 * The alerts judge the canary by Istio's standard metrics as the destination's proxy reports
 * them (reporter="destination"): its requests' share without a 5xx (istio_requests_total) and
 * their 99th percentile of duration (istio_request_duration_milliseconds_bucket), over a rate
 * window, once the canary takes at least minRequestRate requests a second. */
#ifndef MESHROLL_ANALYSIS_H
#define MESHROLL_ANALYSIS_H

#include "arena.h"
#include "diag.h"
#include "model.h"
#include "node.h"

/* The rules of spec.analysis a schema cannot say: a threshold at all, decimals, durations
 * within range, labels meshroll sets, ruleLabels against metadata.labels. Wrong types are
 * skipped (the schema reports them). */
void validate_analysis(const struct node *doc, struct diags *d);
/* Of a rollout that passed every other check: a warning at spec.analysis when Istio's labels
 * cannot tell the canary's requests from the stable's, saying what the alerts judge instead. */
void analysis_check(const struct node *doc, struct diags *d);
/* The PrometheusRule's rule group name: "meshroll.<namespace>.<name>". */
const char *analysis_group(const struct rollout *r, struct arena *a);
/* The group's alerting rules, MeshrollCanarySuccessRate and MeshrollCanaryLatency as
 * r->analysis asks for them; NULL without spec.analysis. */
struct node *analysis_alerts(const struct rollout *r, struct arena *a);

#endif
