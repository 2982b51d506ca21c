#!/usr/bin/env python3
"""prom_rules.py MESHROLL: spec.analysis's alerts against Prometheus's own rule engine.

Every PrometheusRule that meshroll renders for a testdata/ok-* case goes through
`promtool check rules`. The cases in CASES then go through `promtool test rules` with series
written here as Istio's proxies report them (reporter, destination_* labels, response codes,
the request duration histogram's default buckets), one test per scenario: a failing canary
fires, a healthy one or a failing stable does not, a slow canary fires the latency alert, no
traffic and traffic under minRequestRate judge nothing, requests reported by the client's
proxy (reporter="source") are not counted twice. Prints one line per failure and
"prom_rules: N rule files checked, M scenarios, K failed"; exits 1 on any failure.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STEP = 15  # seconds between samples, and between rule evaluations
MINUTES = 10  # how long each series runs
EVAL = "8m"  # when the alerts are read: past every case's window + for
BUCKETS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
           300000, 600000, 1800000, 3600000]  # Istio's default, in milliseconds


def istio(service, ns, version, revision, workload, **extra):
    """The labels Istio's destination proxy puts on a request to a version's pods."""
    labels = {
        "reporter": "destination",
        "destination_service": "%s.%s.svc.cluster.local" % (service, ns),
        "destination_service_name": service,
        "destination_service_namespace": ns,
        "destination_version": version,
        "destination_canonical_revision": revision,
        "destination_workload": workload,
        "destination_workload_namespace": ns,
        "source_workload": "frontend",
        "request_protocol": "http",
    }
    labels.update(extra)
    return labels


# Each case: its rollout (testdata/CASE/rollout.yaml), the labels of the stable's and the
# canary's requests as Istio reports them (several label sets: each must be judged alike),
# what the rollout asks (thresholds in the file's terms), and the labels its alerts carry.
CASES = {
    "ok-analysis-full": {
        "stable": [istio("reviews", "bookinfo", "v1", "v1", "reviews-v1")],
        "canary": [istio("reviews", "bookinfo", "v2", "v2", "reviews-v2")],
        "who": "the canary v2 of bookinfo/reviews",
        "rate": "99.5", "latency": "500ms", "latency_ms": 500, "window": "2m", "min": 0.25,
        "labels": {"canary": "v2", "namespace": "bookinfo", "rollout": "reviews",
                   "severity": "page", "team_channel": "store-oncall"},
    },
    "ok-analysis-defaults": {
        "stable": [istio("reviews", "bookinfo", "v1", "v1", "reviews-v1")],
        "canary": [istio("reviews", "bookinfo", "v2", "v2", "reviews-v2")],
        "who": "the canary v2 of bookinfo/reviews",
        "rate": "99", "latency": None, "window": "1m", "min": 0.1,
        "labels": {"canary": "v2", "namespace": "bookinfo", "rollout": "reviews"},
    },
    "ok-analysis-service": {
        # the Service the client named, or the version Service it was routed to
        "stable": [istio("reviews", "bookinfo", "v1", "v1", "reviews-v1"),
                   istio("reviews-v1", "bookinfo", "v1", "v1", "reviews-v1")],
        "canary": [istio("reviews", "bookinfo", "v2", "v2", "reviews-v2"),
                   istio("reviews-v2", "bookinfo", "v2", "v2", "reviews-v2")],
        "who": "the canary v2 of bookinfo/reviews",
        "rate": "99", "latency": "1s", "latency_ms": 1000, "window": "1m", "min": 0.1,
        "labels": {"canary": "v2", "namespace": "bookinfo", "rollout": "reviews",
                   "severity": "ticket"},
    },
    "ok-analysis-revision": {
        # app.kubernetes.io/version: a canonical revision, and no version label
        "stable": [istio("ratings", "shop", "unknown", "1.4.0", "ratings-v1")],
        "canary": [istio("ratings", "shop", "unknown", "1.5.0", "ratings-v2")],
        "who": "the canary v2 of shop/ratings",
        "rate": "99.9", "latency": "250ms", "latency_ms": 250, "window": "1m", "min": 1,
        "labels": {"canary": "v2", "namespace": "shop", "rollout": "ratings"},
    },
    "ok-analysis-gateway": {
        # ambient mode: the waypoint reports the requests; the Service named or routed to
        "stable": [istio("details", "bookinfo", "v1", "v1", "details-v1", reporter="waypoint"),
                   istio("details-v1", "bookinfo", "v1", "v1", "details-v1",
                         reporter="waypoint")],
        "canary": [istio("details", "bookinfo", "v2", "v2", "details-v2", reporter="waypoint"),
                   istio("details-v2", "bookinfo", "v2", "v2", "details-v2",
                         reporter="waypoint")],
        "who": "the canary v2 of bookinfo/details",
        "rate": "99", "latency": "200ms", "latency_ms": 200, "window": "1m", "min": 0.1,
        "labels": {"canary": "v2", "namespace": "bookinfo", "rollout": "details"},
    },
    "ok-analysis-hosts": {
        # host reviews.bookinfo.svc, from a rollout in namespace frontend
        "stable": [istio("reviews", "bookinfo", "v1", "v1", "reviews-v1")],
        "canary": [istio("reviews", "bookinfo", "v2", "v2", "reviews-v2")],
        "who": "the canary v2 of frontend/reviews-frontend",
        "rate": "98", "latency": None, "window": "1m", "min": 0.1,
        "labels": {"canary": "v2", "namespace": "frontend", "rollout": "reviews-frontend"},
    },
    "ok-analysis-no-revision": {
        # track is no label Istio reports: both versions are "latest"
        "stable": [istio("cart-stable", "shop", "unknown", "latest", "cart-stable")],
        "canary": [istio("cart-canary", "shop", "unknown", "latest", "cart-canary")],
        "who": "the canary canary of shop/cart",
        "rate": None, "latency": "300ms", "latency_ms": 300, "window": "1m", "min": 0.1,
        "labels": {"canary": "canary", "namespace": "shop", "rollout": "cart"},
    },
}


def series_name(metric, labels):
    return "%s{%s}" % (metric, ",".join('%s="%s"' % kv for kv in sorted(labels.items())))


def counter(rps):
    """A counter that grows by rps requests a second, sampled every STEP seconds."""
    return "0+%gx%d" % (rps * STEP, MINUTES * 60 // STEP)


def requests(labels, rps, errors=0.0):
    """Series of rps requests a second, a share errors of them answered 503."""
    out = []
    if errors < 1:
        out.append({"series": series_name("istio_requests_total",
                                          dict(labels, response_code="200")),
                    "values": counter(rps * (1 - errors))})
    if errors > 0:
        out.append({"series": series_name("istio_requests_total",
                                          dict(labels, response_code="503")),
                    "values": counter(rps * errors)})
    return out


def durations(labels, rps, upper):
    """The duration histogram of rps requests a second, each in the bucket ending at upper."""
    out = []
    for le in BUCKETS + ["+Inf"]:
        inside = le == "+Inf" or le >= upper
        out.append({"series": series_name("istio_request_duration_milliseconds_bucket",
                                          dict(labels, le="%g" % le if le != "+Inf" else le,
                                               response_code="200")),
                    "values": counter(rps if inside else 0)})
    return out


def traffic(labels, rps, errors=0.0, upper=100):
    return requests(labels, rps, errors) + durations(labels, rps, upper)


def slow_bucket(threshold_ms):
    """The first bucket wholly above the threshold, and the p99 Prometheus reads from it."""
    i = next(i for i, le in enumerate(BUCKETS) if le > threshold_ms)
    lo = BUCKETS[i - 1]
    return BUCKETS[i], lo + (BUCKETS[i] - lo) * 0.99


def rollback(name):
    """The rollback command of a case rendered from its repository (see render_case)."""
    return "meshroll rollback rollouts/%s.yaml" % name


def rate_alert(case, success):
    return {"exp_labels": case["labels"], "exp_annotations": {
        "summary": "Canary %s: success rate below %s%%" % (case["who"][len("the canary "):],
                                                          case["rate"]),
        "description": "%.2f%% of the requests to %s had no 5xx response over the last %s, "
                       "below the rollout's %s%%. Roll back: %s"
                       % (success, case["who"], case["window"], case["rate"],
                          rollback(case["name"])),
        "rollback": rollback(case["name"])}}


def latency_alert(case, p99):
    return {"exp_labels": case["labels"], "exp_annotations": {
        "summary": "Canary %s: p99 latency above %s" % (case["who"][len("the canary "):],
                                                       case["latency"]),
        "description": "The 99th percentile of the request durations of %s was %.0fms over "
                       "the last %s, above the rollout's %s. Roll back: %s"
                       % (case["who"], p99, case["window"], case["latency"],
                          rollback(case["name"])),
        "rollback": rollback(case["name"])}}


def scenarios(case):
    """(name, input series, {alertname: expected alerts}) for each scenario of a case."""
    out = []
    stable, canaries = case["stable"][0], case["canary"]
    for n, canary in enumerate(canaries):
        tag = "" if len(canaries) == 1 else " (reported as %s)" % canary[
            "destination_service_name"]
        healthy_stable = traffic(stable, 20)
        if case["rate"]:
            out.append(("canary answers 10% 5xx" + tag,
                        healthy_stable + traffic(canary, 2, errors=0.1),
                        {"MeshrollCanarySuccessRate": [rate_alert(case, 90)]}))
            out.append(("canary answers only 5xx" + tag,
                        healthy_stable + traffic(canary, 2, errors=1),
                        {"MeshrollCanarySuccessRate": [rate_alert(case, 0)]}))
            out.append(("canary answers 0.01% 5xx" + tag,
                        healthy_stable + traffic(canary, 20, errors=0.0001),
                        {"MeshrollCanarySuccessRate": []}))
            out.append(("stable answers 50% 5xx, canary healthy" + tag,
                        traffic(stable, 20, errors=0.5) + traffic(canary, 2),
                        {"MeshrollCanarySuccessRate": []}))
            out.append(("canary fails under minRequestRate" + tag,
                        healthy_stable + traffic(canary, case["min"] / 2, errors=1),
                        {"MeshrollCanarySuccessRate": []}))
            client = dict(canary, reporter="source")
            out.append(("the client's proxy reports 5xx, the canary's does not" + tag,
                        healthy_stable + traffic(canary, 2) + requests(client, 2, errors=1),
                        {"MeshrollCanarySuccessRate": []}))
        if case["latency"]:
            upper, p99 = slow_bucket(case["latency_ms"])
            out.append(("canary is slow" + tag,
                        healthy_stable + traffic(canary, 2, upper=upper),
                        {"MeshrollCanaryLatency": [latency_alert(case, p99)]}))
            out.append(("stable is slow, canary fast" + tag,
                        traffic(stable, 20, upper=upper) + traffic(canary, 2),
                        {"MeshrollCanaryLatency": []}))
        if n == 0:
            names = [a for a, k in (("MeshrollCanarySuccessRate", "rate"),
                                    ("MeshrollCanaryLatency", "latency")) if case[k]]
            out.append(("no traffic to the canary", traffic(stable, 20, errors=0.5,
                                                            upper=3600000),
                        {a: [] for a in names}))
    return out


def committed_rules():
    """The PrometheusRules of the example GitOps repository's committed tree."""
    out = []
    for top, _, files in sorted(os.walk(os.path.join(ROOT, "examples"))):
        for f in sorted(files):
            if f == "prometheusrule.yaml":
                with open(os.path.join(top, f)) as fp:
                    out.append((os.path.relpath(os.path.join(top, f), ROOT),
                                yaml.safe_load(fp)))
    return out


ODD = "{{a}}-it's.yaml"  # a file name the shell and Prometheus's templates read specially


def odd_name(meshroll, tmp):
    """A rollout file named ODD: Prometheus expands its rollback annotation to a command that
    names the file (shell-quoted, its braces kept). Returns the failure lines."""
    repo = os.path.join(tmp, "repo-odd")
    os.makedirs(os.path.join(repo, ".git"))
    shutil.copy(os.path.join(ROOT, "testdata", "ok-analysis-defaults", "rollout.yaml"),
                os.path.join(repo, ODD))
    p = subprocess.run([meshroll, "render", "-o", "-", ODD], cwd=repo, capture_output=True,
                       text=True)
    docs = [d for d in yaml.safe_load_all(p.stdout)
            if isinstance(d, dict) and d.get("kind") == "PrometheusRule"]
    if p.returncode != 0 or len(docs) != 1:
        return ["odd file name: render failed: %s" % p.stderr]
    with open(os.path.join(tmp, "odd.rules.yaml"), "w") as f:
        yaml.safe_dump({"groups": docs[0]["spec"]["groups"]}, f)
    case = dict(CASES["ok-analysis-defaults"], name=None)
    expected = rate_alert(case, 0)
    command = "meshroll rollback '{{a}}-it'\\''s.yaml'"
    expected["exp_annotations"]["rollback"] = command
    expected["exp_annotations"]["description"] = expected["exp_annotations"][
        "description"].replace(rollback(None), command)
    test = {"rule_files": ["odd.rules.yaml"], "evaluation_interval": "%ds" % STEP,
            "tests": [{"interval": "%ds" % STEP,
                       "input_series": traffic(case["canary"][0], 2, errors=1),
                       "alert_rule_test": [{"eval_time": EVAL,
                                            "alertname": "MeshrollCanarySuccessRate",
                                            "exp_alerts": [expected]}]}]}
    with open(os.path.join(tmp, "odd.yaml"), "w") as f:
        yaml.safe_dump(test, f, sort_keys=False)
    status, out = promtool(["test", "rules", "odd.yaml"], tmp)
    return [] if status == 0 else ["odd file name: promtool test rules:\n" + out]


def render_case(meshroll, name, tmp):
    """A case's PrometheusRules, its rollout put in a repository of its own (a .git beside
    rollouts/NAME.yaml) and named by an absolute path from elsewhere: the rollback command
    names it as the repository does, rollouts/NAME.yaml."""
    repo = os.path.join(tmp, "repo-" + name)
    os.makedirs(os.path.join(repo, ".git"))
    os.makedirs(os.path.join(repo, "rollouts"))
    path = os.path.join(repo, "rollouts", name + ".yaml")
    shutil.copy(os.path.join(ROOT, "testdata", name, "rollout.yaml"), path)
    p = subprocess.run([meshroll, "render", "-o", "-", path], cwd=tmp, capture_output=True,
                       text=True)
    return [d for d in yaml.safe_load_all(p.stdout)
            if isinstance(d, dict) and d.get("kind") == "PrometheusRule"]


def prometheus_rules(meshroll, case_dir):
    """The PrometheusRule documents meshroll renders for a case (its active stage)."""
    rollout = os.path.join(case_dir, "rollout.yaml")
    if not os.path.exists(rollout):
        return []
    p = subprocess.run([meshroll, "render", "-o", "-", "rollout.yaml"], cwd=case_dir,
                       capture_output=True, text=True)
    if p.returncode != 0:
        return []
    return [d for d in yaml.safe_load_all(p.stdout)
            if isinstance(d, dict) and d.get("kind") == "PrometheusRule"]


FOR = r"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"


def shape_errors(d):
    """What the Prometheus operator's CRD (monitoring.coreos.com/v1) would refuse in d."""
    errs = []
    if d.get("apiVersion") != "monitoring.coreos.com/v1":
        errs.append("apiVersion %r" % d.get("apiVersion"))
    meta = d.get("metadata", {})
    if set(meta) - {"name", "namespace", "labels"} or not meta.get("name"):
        errs.append("metadata %r" % meta)
    if set(d) != {"apiVersion", "kind", "metadata", "spec"} or set(d["spec"]) != {"groups"}:
        errs.append("fields %r" % sorted(d))
    for g in d.get("spec", {}).get("groups", []):
        if set(g) != {"name", "rules"} or not g["name"]:
            errs.append("group %r" % sorted(g))
        for r in g.get("rules", []):
            if set(r) - {"alert", "expr", "for", "labels", "annotations"} or "expr" not in r:
                errs.append("rule %r" % sorted(r))
            if not re.match(FOR, str(r.get("for", "0"))):
                errs.append("for %r" % r["for"])
            for m in ("labels", "annotations"):
                if not all(isinstance(v, str) for v in r.get(m, {}).values()):
                    errs.append("%s of %s are not strings" % (m, r.get("alert")))
    return errs


def promtool(args, cwd):
    p = subprocess.run(["promtool"] + args, cwd=cwd, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def main():
    meshroll = os.path.abspath(sys.argv[1])
    checked = ran = failed = 0
    testdata = os.path.join(ROOT, "testdata")
    with tempfile.TemporaryDirectory() as tmp:
        found = [(name, d) for name in sorted(os.listdir(testdata)) if name.startswith("ok-")
                 for d in prometheus_rules(meshroll, os.path.join(testdata, name))]
        for name in CASES:
            if name not in (n for n, _ in found):
                print("%s: FAIL: no PrometheusRule rendered" % name)
                failed += 1
        for name, d in found + committed_rules():
            rules = os.path.join(tmp, os.path.basename(name) + ".rules.yaml")
            with open(rules, "w") as f:
                yaml.safe_dump({"groups": d["spec"]["groups"]}, f)
            checked += 1
            for e in shape_errors(d):
                print("%s: FAIL: the PrometheusRule's %s" % (name, e))
                failed += 1
            status, out = promtool(["check", "rules", rules], tmp)
            if status != 0:
                print("%s: FAIL: promtool check rules:\n%s" % (name, out))
                failed += 1
        for name, case in CASES.items():
            rules = name + ".rules.yaml"
            case["name"] = name
            docs = render_case(meshroll, name, tmp)
            if len(docs) != 1:
                print("%s: FAIL: %d PrometheusRules rendered from its repository"
                      % (name, len(docs)))
                failed += 1
                continue
            with open(os.path.join(tmp, rules), "w") as f:
                yaml.safe_dump({"groups": docs[0]["spec"]["groups"]}, f)
            for title, series, expected in scenarios(case):
                ran += 1
                test = {"rule_files": [rules], "evaluation_interval": "%ds" % STEP,
                        "tests": [{"interval": "%ds" % STEP, "input_series": series,
                                   "alert_rule_test": [
                                       {"eval_time": EVAL, "alertname": alert,
                                        "exp_alerts": alerts}
                                       for alert, alerts in expected.items()]}]}
                path = os.path.join(tmp, "test.yaml")
                with open(path, "w") as f:
                    yaml.safe_dump(test, f, sort_keys=False)
                status, out = promtool(["test", "rules", "test.yaml"], tmp)
                if status != 0:
                    print("%s: FAIL: %s:\n%s" % (name, title, out))
                    failed += 1
        ran += 1
        for why in odd_name(meshroll, tmp):
            print("FAIL: " + why)
            failed += 1
    print("prom_rules: %d rule files checked, %d scenarios, %d failed" % (checked, ran, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
