#!/usr/bin/env python3
"""route_eval.py MESHROLL CASE.yaml... | --docs CASE.yaml...: which version each request reaches.

A case holds `rollout:` (a Rollout) and `expect:` (for every stage id, requests `{name, uri,
method?, headers?, port?}` and what each gets: `want:` {version: weight} | none | {redirect:
true} | {directResponse: status}; `mirror:` {version: percent} and `setCookie:` {version: value},
none when absent; optional, `route:` the VirtualService route's name and `rule:` the HTTPRoute
rule's, its `name` else `rules[i]`). `providers:` (default [istio]) lists the renderings every
request must hold for: `istio` renders the rollout as it is, `gateway-api` with `spec.provider:
gateway-api` added; a case naming both is the proof that the VirtualService and the HTTPRoute
send each request to the same versions with the same weights and mirror it alike. Messages name
the provider when the case sets other than [istio]. `services:` {Service name: version} names
the versions Services stand for (below). Each stage is rendered (`render -o - --stage`) and
evaluated. With --docs there is no meshroll: a case holds `documents:` {stage id: [YAML
documents]} in place of `rollout:`, and its stage ids are those.

Istio: the stage's one VirtualService's spec.http is walked as Envoy does under Istio: the first
route with no match, or a match block all of whose conditions hold, decides. A version is a
destination's subset, else its host (through `services:`); zero weights are dropped, the rest
must sum to 100. Set-Cookie: the route's or destination's headers.response add/set. No route
matching: `none` (a 404).

Modelled: uri (the path as given, without the query), method, authority (the host header),
scheme ("http"), headers (names case-insensitive, {} = present), withoutHeaders, queryParams
(the first of a repeated name, not decoded), port, ignoreUriCase; StringMatch exact, prefix (by
characters) and regex (full match by Python's re for RE2; lookarounds, atomic groups and
backreferences refused). Refused, never guessed: sourceLabels, sourceNamespace, gateways,
unknown match fields, delegate, `mirrors`, a port match when the request has no port, and
withoutHeaders with a value on an absent header (Envoy's inverted matcher does not match it).
Not modelled: rewrites, retries, timeouts, faults, CORS, repeated headers, path normalization.

Gateway API: the stage's one HTTPRoute (gateway.networking.k8s.io/v1) is evaluated by the spec's
match precedence, not first match: of all (rule, match) pairs that hold, the most specific wins
(Exact path, then the longest PathPrefix, then RegularExpression; then a method; then more
headers; then more query params), ties to the first rule in list order (see `precedence`). A
rule without matches has the one match PathPrefix `/`; a match without a path, PathPrefix `/`.

Modelled: path Exact (case-sensitive), PathPrefix (whole segments, a trailing `/` of the value
ignored: `/api` takes `/api`, `/api/` and `/api/x`, not `/apix`) and RegularExpression (full
match, RE2 as for Istio); headers (names case-insensitive) and queryParams (names exact, the
first of a repeated name), Exact and RegularExpression, only the first entry of each name
counted, as the spec says; method. backendRefs: weight default 1, relative (3:1 is 75/25: an int
when whole), zero weights dropped; a version is a backendRef's Service name through `services:`,
else without the prefix `<HTTPRoute name>-` (reviews-v2 is v2), else the name. A rule's
RequestMirror filters: percent, or fraction (denominator default 100; 1/8 is 12.5), default 100.
RequestRedirect: {redirect: true}. Set-Cookie: a ResponseHeaderModifier's set/add, on the rule
(every backend) or on the backendRef. No match: `none` (404). Not modelled, as for Istio:
hostnames and parentRefs (a request is taken to reach the route through its parent, as a
VirtualService's hosts are not checked), RequestHeaderModifier, URLRewrite, CORS, timeouts.
Refused, never guessed: ExtensionRef and unknown filters, RequestMirror or RequestRedirect on a
backendRef, a redirect beside a mirror, backends other than core Services, all weights 0
(Gateway API answers 500), a rule with neither backendRefs nor a redirect, unknown rule or match
fields, a request with a port (an HTTPRoute has no port match), other apiVersions, and more than
one HTTPRoute (ties between Routes go by creation time, which offline documents lack).
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from fractions import Fraction
from urllib.parse import urlsplit

import yaml

NOT_RE2 = re.compile(r"\(\?(<?[=!]|>)|\\[1-9]")  # lookaround, atomic group, backreference
REQUEST_KEYS = {"name", "uri", "method", "headers", "port", "want", "mirror", "setCookie", "route",
                "rule"}
MATCH_KEYS = {"uri", "method", "authority", "scheme", "headers", "withoutHeaders", "queryParams",
              "port", "ignoreUriCase", "name", "statPrefix"}
PROVIDERS = {"istio": "route", "gateway-api": "rule"}  # provider: the key naming what decided
HTTPROUTE_API = "gateway.networking.k8s.io/v1"
RULE_KEYS = {"name", "matches", "filters", "backendRefs", "timeouts"}
GW_MATCH_KEYS = {"path", "headers", "queryParams", "method"}
BACKEND_FILTERS = {"RequestHeaderModifier", "URLRewrite", "CORS", "ResponseHeaderModifier"}
RULE_FILTERS = BACKEND_FILTERS | {"RequestMirror", "RequestRedirect"}


class Unsupported(Exception):
    """Something this evaluator does not model: it fails rather than guess."""


def full_match(pattern, value):
    if NOT_RE2.search(pattern):
        raise Unsupported(f"regex {pattern!r} is not RE2")
    return re.fullmatch(pattern, value) is not None


def percent(part, whole):
    """part/whole in percent: an int when whole, else a float (1/8 -> 12.5)."""
    share = Fraction(100 * part, whole)
    return int(share) if share.denominator == 1 else float(share)


# Istio: a VirtualService's http routes, first match wins.

def string_match(sm, value, ignore_case=False):
    """An Istio StringMatch against value (None: absent); {} only asks for presence."""
    if not isinstance(sm, dict) or len(sm) > 1 or not set(sm) <= {"exact", "prefix", "regex"}:
        raise Unsupported(f"StringMatch {sm!r}")
    if value is None or not sm:
        return value is not None
    ((kind, want),) = sm.items()
    if kind == "regex":
        return full_match(want, value)
    if ignore_case:
        want, value = want.lower(), value.lower()
    return value == want if kind == "exact" else value.startswith(want)


def block_matches(block, req):
    """Whether every condition of one HTTPMatchRequest holds for req (all are checked)."""
    unknown = set(block) - MATCH_KEYS
    if unknown:
        raise Unsupported(f"match field(s) {sorted(unknown)}")
    hdr, fold = req["headers"], block.get("ignoreUriCase", False)
    plain = {"uri": req["path"], "method": req["method"], "authority": hdr.get("host"),
             "scheme": "http"}
    ok = [string_match(block[k], v, fold and k == "uri") for k, v in plain.items() if k in block]
    ok += [string_match(sm, hdr.get(n.lower())) for n, sm in (block.get("headers") or {}).items()]
    query = (block.get("queryParams") or {}).items()
    ok += [string_match(sm, req["query"].get(n)) for n, sm in query]
    for name, sm in (block.get("withoutHeaders") or {}).items():
        if sm and hdr.get(name.lower()) is None:
            raise Unsupported(f"withoutHeaders {name} with a value, on an absent header")
        ok.append(not string_match(sm, hdr.get(name.lower())))
    if "port" in block:
        if req["port"] is None:
            raise Unsupported("a match on port, and the request names no port")
        ok.append(block["port"] == req["port"])
    return all(ok)


def version(dest, services):
    return dest.get("subset") or services.get(dest["host"], dest["host"])


def set_cookie(route, dest):
    """The Set-Cookie a response through dest gets: a string, None, or a list when several."""
    found = []
    for level in (route, dest):
        resp = (level.get("headers") or {}).get("response") or {}
        for op in ("set", "add"):
            found += [v for k, v in (resp.get(op) or {}).items() if k.lower() == "set-cookie"]
    return found[0] if len(found) == 1 else (found or None)


def outcome(route, services):
    if "delegate" in route or "mirrors" in route:
        raise Unsupported("route field delegate or mirrors")
    got = {"route": route.get("name"), "mirror": None, "setCookie": {}}
    if "redirect" in route:
        return {**got, "want": {"redirect": True}}
    if "directResponse" in route:
        return {**got, "want": {"directResponse": route["directResponse"].get("status")}}
    dests = route.get("route") or []
    if not dests or len(dests) > 1 and any("weight" not in d for d in dests):
        raise Unsupported(f"route {got['route']}: no destinations, or one without a weight")
    want = {}
    for d in dests:
        v = version(d["destination"], services)
        want[v] = want.get(v, 0) + d.get("weight", 100)
        cookie = set_cookie(route, d)
        if cookie is not None:
            got["setCookie"][v] = cookie
    if sum(want.values()) != 100:
        raise Unsupported(f"route {got['route']}: weights sum to {sum(want.values())}")
    if "mirror" in route:
        pct = (route.get("mirrorPercentage") or {}).get("value", 100)
        got["mirror"] = {version(route["mirror"], services): pct}
    return {**got, "want": {v: w for v, w in want.items() if w}}


def evaluate(http, req, services):
    """The outcome of the first route that takes req; every block of a route is checked."""
    for route in http:
        if any([block_matches(b, req) for b in route.get("match") or [{}]]):
            return outcome(route, services)
    return {"route": None, "want": "none", "mirror": None, "setCookie": {}}


# Gateway API: an HTTPRoute's rules, the most specific match wins.

def path_rank(path, req_path):
    """(rank, length) of an HTTPPathMatch that holds for req_path, None when it does not."""
    kind, value = path.get("type", "PathPrefix"), path.get("value", "/")
    if kind == "Exact":
        return (3, len(value)) if req_path == value else None
    if kind == "PathPrefix":
        value = value if value == "/" else value.removesuffix("/")  # "a trailing `/` is ignored"
        whole = value == "/" or req_path == value or req_path.startswith(value + "/")
        return (2, len(value)) if whole else None
    if kind == "RegularExpression":
        return (1, len(value)) if full_match(value, req_path) else None
    raise Unsupported(f"path match type {kind!r}")


def first_of_each_name(entries, fold):
    """Header or query param matches, only the first of each name (as the spec says)."""
    seen, kept = set(), []
    for e in entries or []:
        key = e["name"].lower() if fold else e["name"]
        if key not in seen:
            seen.add(key)
            kept.append(e)
    return kept


def value_match(m, value):
    if value is None:
        return False
    kind = m.get("type", "Exact")
    if kind == "Exact":
        return value == m["value"]
    if kind == "RegularExpression":
        return full_match(m["value"], value)
    raise Unsupported(f"{m['name']}: match type {kind!r}")


def precedence(match, req):
    """The precedence of an HTTPRouteMatch that holds for req (higher wins), else None.

    HTTPRouteRule's `matches` (the v1.6.1 CRD's description): "Proxy or Load Balancer routing
    configuration generated from HTTPRoutes MUST prioritize matches based on the following
    criteria, continuing on ties. Across all rules specified on applicable Routes, precedence
    must be given to the match having:
      * "Exact" path match.
      * "Prefix" path match with largest number of characters.
      * Method match.
      * Largest number of header matches.
      * Largest number of query param matches.
    Note: The precedence of RegularExpression path matches are implementation-specific."
    Here, as Istio sorts them: below every PathPrefix (so a catch-all takes the request first),
    longer patterns first. A PathPrefix counts its characters without its trailing `/`, as
    Istio does. Ties between rules go to list order (`evaluate_httproute`)."""
    unknown = set(match) - GW_MATCH_KEYS
    if unknown:
        raise Unsupported(f"match field(s) {sorted(unknown)}")
    path = path_rank(match.get("path") or {}, req["path"])
    headers = first_of_each_name(match.get("headers"), fold=True)
    params = first_of_each_name(match.get("queryParams"), fold=False)
    ok = path is not None and match.get("method", req["method"]) == req["method"]
    ok = ok and all(value_match(h, req["headers"].get(h["name"].lower())) for h in headers)
    ok = ok and all(value_match(q, req["query"].get(q["name"])) for q in params)
    return (*path, "method" in match, len(headers), len(params)) if ok else None


def filters_of(level, where, allowed):
    """The filters of a rule or a backendRef, refusing those not allowed there."""
    filters = level.get("filters") or []
    for f in filters:
        if f.get("type") not in allowed:
            raise Unsupported(f"{where}: filter {f.get('type')!r}")
    return filters


def cookies(filters):
    """The Set-Cookie values that ResponseHeaderModifier filters set or add."""
    found = []
    for f in filters:
        if f["type"] == "ResponseHeaderModifier":
            mod = f["responseHeaderModifier"]
            headers = (mod.get("set") or []) + (mod.get("add") or [])
            found += [h["value"] for h in headers if h["name"].lower() == "set-cookie"]
    return found


def service_version(ref, where, route):
    """The version a backendRef's core Service stands for (`services:`, else the name)."""
    if ref.get("group", "") != "" or ref.get("kind", "Service") != "Service":
        raise Unsupported(f"{where}: backend {ref.get('group')}/{ref.get('kind')}, not a Service")
    name, prefix = ref["name"], route["name"] + "-"
    if ref.get("namespace") and ref["namespace"] != route.get("namespace"):
        name = f"{name}.{ref['namespace']}"
    if name in route["services"]:
        return route["services"][name]
    if route.get("strict"):
        return name
    return name[len(prefix):] if name.startswith(prefix) and name != prefix else name


def mirrors(filters, where, route):
    """{version: percent} of the rule's RequestMirror filters, None without."""
    got = {}
    for f in filters:
        if f["type"] != "RequestMirror":
            continue
        m = f["requestMirror"]
        v = service_version(m["backendRef"], where, route)
        if v in got:
            raise Unsupported(f"{where}: two mirrors to {v}")
        frac = m.get("fraction")
        got[v] = (m.get("percent", 100) if frac is None
                  else percent(frac["numerator"], frac.get("denominator", 100)))
    return got or None


def rule_outcome(rule, label, route):
    unknown = set(rule) - RULE_KEYS
    if unknown:
        raise Unsupported(f"rule {label}: field(s) {sorted(unknown)}")
    filters = filters_of(rule, f"rule {label}", RULE_FILTERS)
    got = {"rule": label, "mirror": mirrors(filters, f"rule {label}", route), "setCookie": {}}
    if any(f["type"] == "RequestRedirect" for f in filters):
        if got["mirror"]:
            raise Unsupported(f"rule {label}: a RequestRedirect and a RequestMirror")
        return {**got, "want": {"redirect": True}}
    refs, weights = rule.get("backendRefs") or [], {}
    if not refs:
        raise Unsupported(f"rule {label}: neither backendRefs nor a RequestRedirect")
    for ref in refs:
        v = service_version(ref, f"rule {label}", route)
        weights[v] = weights.get(v, 0) + ref.get("weight", 1)
        at = f"rule {label} backendRef {ref['name']}"
        found = cookies(filters) + cookies(filters_of(ref, at, BACKEND_FILTERS))
        if found:
            got["setCookie"][v] = found[0] if len(found) == 1 else found
    total = sum(weights.values())
    if not total:
        raise Unsupported(f"rule {label}: every weight is 0 (Gateway API answers 500)")
    return {**got, "want": {v: percent(w, total) for v, w in weights.items() if w}}


def evaluate_httproute(route, req):
    """The outcome of the rule holding the most specific match that takes req (`precedence`).
    "If ties still exist within an HTTPRoute, matching precedence MUST be granted to the FIRST
    matching rule (in list order) with a match meeting the above criteria." (Ties between
    Routes go by creation time and name: one HTTPRoute only, see `routes_of`.)"""
    if req["port"] is not None:
        raise Unsupported("the request names a port, and an HTTPRoute has no port match")
    best, best_rank = None, None
    for i, rule in enumerate(route["rules"]):
        for match in rule.get("matches") or [{}]:
            rank = precedence(match, req)
            if rank is not None and (best_rank is None or rank > best_rank):
                best, best_rank = i, rank
    if best is None:
        return {"rule": None, "want": "none", "mirror": None, "setCookie": {}}
    rule = route["rules"][best]
    return rule_outcome(rule, rule.get("name") or f"rules[{best}]", route)


# The harness: cases, renderings, requests.

def request(r):
    unknown = set(r) - REQUEST_KEYS
    if unknown or "uri" not in r or "want" not in r:
        raise ValueError(f"needs uri and want; unknown keys {sorted(unknown)}")
    headers = {str(k).lower(): v for k, v in (r.get("headers") or {}).items()}
    if not all(isinstance(v, str) for v in headers.values()):
        raise ValueError("header values must be strings (quote yes, 1, ...)")
    parts, query = urlsplit(r["uri"]), {}
    for param in filter(None, parts.query.split("&")):
        query.setdefault(*param.partition("=")[::2])
    return {"path": parts.path, "query": query, "method": r.get("method", "GET"),
            "headers": headers, "port": r.get("port")}


def stage_ids(rollout):
    return [str(s["name"]) if isinstance(s, dict) and "name" in s
            else "%03d" % (s.get("weight", 0) if isinstance(s, dict) else s)
            for s in rollout["spec"]["stages"]]


def render(binary, stage, path, text=False):
    """The documents of `render --stage`, with the text they were read from when text."""
    p = subprocess.run([binary, "render", "-o", "-", "--stage", stage, path],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"meshroll exited {p.returncode}: {p.stderr.strip()}")
    docs = list(yaml.safe_load_all(p.stdout))
    return (docs, p.stdout) if text else docs


def the_one(docs, kind, where):
    found = [d for d in docs if isinstance(d, dict) and d.get("kind") == kind]
    if len(found) != 1:
        raise RuntimeError(f"{len(found)} {kind}s in the {where}")
    return found[0]


def routes_of(provider, docs, where, services):
    """The function from a request to its outcome, by the provider's one routing document."""
    if provider == "istio":
        http = the_one(docs, "VirtualService", where)["spec"].get("http") or []
        names = [r.get("name") for r in http if r.get("name")]
        if len(set(names)) != len(names):
            raise RuntimeError(f"route names used twice, so `route:` cannot tell them apart: "
                               f"{names}")
        return lambda req: evaluate(http, req, services)
    doc = the_one(docs, "HTTPRoute", where)
    if doc.get("apiVersion") != HTTPROUTE_API:
        raise RuntimeError(f"HTTPRoute of {doc.get('apiVersion')}, not {HTTPROUTE_API}")
    route = {"name": doc["metadata"]["name"], "services": services,
             "rules": doc["spec"].get("rules") or [{}]}
    return lambda req: evaluate_httproute(route, req)


def case_problems(doc, source, ids, providers):
    """What is wrong with a case as written, before anything is evaluated."""
    expect = doc.get("expect") or {}
    problems = [f"unknown key {k!r}" for k in doc
                if k not in (source, "providers", "services", "expect")]
    if not isinstance(providers, list):
        return problems + [f"providers: {providers!r} is not a list"]
    problems += [f"unknown provider {p!r}" for p in providers if p not in PROVIDERS]
    problems += [f"stage id {i!r}: not a string (quote it)" for i in ids if not isinstance(i, str)]
    problems += [f"stage {k!r} is not a stage of the {source}" for k in expect if k not in ids]
    problems += [f"stage {i}: no requests (a test gap)" for i in ids if not expect.get(i)]
    for key, provider in (("route", "istio"), ("rule", "gateway-api")):
        problems += [f"stage {i}: request {r.get('name')}: `{key}:` is for {provider}, "
                     f"which the case does not evaluate"
                     for i in ids for r in expect.get(i) or []
                     if isinstance(r, dict) and key in r and provider not in providers]
    return problems


def run_case(binary, case, counts):
    """Checks one case file (binary None: --docs); counts = [checked, failed, errors]."""
    name = os.path.basename(case)
    with open(case) as f:
        doc = yaml.safe_load(f)
    source = "documents" if binary is None else "rollout"
    if source not in doc:
        print(f"{name}: needs `{source}:`")
        counts[2] += 1
        return
    expect, services = doc.get("expect") or {}, doc.get("services") or {}
    providers = doc.get("providers") or ["istio"]
    ids = list(doc["documents"]) if binary is None else stage_ids(doc["rollout"])
    problems = case_problems(doc, source, ids, providers)
    for p in problems:
        print(f"{name}: {p}")
    counts[2] += len(problems)
    tag, origin = providers != ["istio"], "documents" if binary is None else "output"
    with tempfile.TemporaryDirectory(prefix="route_eval-") as tmp:
        for sid in ids:
            for provider in [p for p in providers if p in PROVIDERS]:
                where = f"{name}: stage {sid}" + (f" ({provider})" if tag else "")
                try:
                    docs = (stage_documents(doc["documents"], sid) if binary is None
                            else render(binary, sid, rollout_file(tmp, doc["rollout"], provider)))
                    routes = routes_of(provider, docs, origin, services)
                except (RuntimeError, KeyError, TypeError, AttributeError) as e:
                    routes = e
                check_stage(where, routes, PROVIDERS[provider], expect.get(sid) or [], counts)


def stage_documents(documents, sid):
    docs = documents[sid]
    if not isinstance(docs, list):
        raise RuntimeError("a stage's documents are a list of YAML documents")
    return docs


def rollout_file(tmp, rollout, provider):
    """The rollout as the provider renders it, written once into tmp."""
    path = os.path.join(tmp, "rollout.yaml" if provider == "istio" else f"rollout-{provider}.yaml")
    if not os.path.exists(path):
        if provider != "istio":
            rollout = {**rollout, "spec": {**rollout["spec"], "provider": provider}}
        with open(path, "w") as f:
            yaml.safe_dump(rollout, f, sort_keys=False)
    return path


def check_stage(where, routes, key, reqs, counts):
    """Each request's outcome by routes (the exception when there is none) against its
    expectation; key is what names the route or rule that decided (`route` or `rule`)."""
    counts[0] += len(reqs)
    if isinstance(routes, Exception):
        why = routes if isinstance(routes, RuntimeError) else f"{type(routes).__name__}: {routes}"
        print(f"{where}: could not evaluate: {why}")
        counts[1] += len(reqs)
        return
    for r in reqs:
        at = f"{where}: request {r.get('name')}"
        try:
            got = routes(request(r))
        except (Unsupported, ValueError, KeyError, TypeError, AttributeError, re.error) as e:
            print(f"{at}: could not evaluate: {type(e).__name__}: {e}")
            counts[1] += 1
            continue
        want = {"want": r["want"], "mirror": r.get("mirror"), "setCookie": r.get("setCookie") or {}}
        if key in r:
            want[key] = r[key]
        diff = [k for k in want if want[k] != got[k]]
        if diff:
            counts[1] += 1
            print(f"{at}: expected {json.dumps({k: want[k] for k in diff})}, "
                  f"got {json.dumps({k: got[k] for k in diff})} ({key} {got[key]})")


# --compare: random rollouts, both renderings, requests made from the rollout's own matches.

def short_host(host, ns):
    """A Service host as the evaluators compare it: name, or name.namespace elsewhere."""
    parts = host.split(".")
    if len(parts) == 5 and parts[2:] == ["svc", "cluster", "local"]:
        return parts[0] if parts[1] == ns else f"{parts[0]}.{parts[1]}"
    return host


def string_values(sm):
    """Values that probe an Istio StringMatch from both sides of its edge."""
    if not isinstance(sm, dict) or not sm:
        return ["x"]
    ((kind, want),) = sm.items()
    if kind == "exact":
        return [want, want + "x"]
    if kind == "prefix":
        return [want, want + "z", want[:-1]] if want else ["x"]
    return []  # a regex: what takes it is not guessed


def probes(spec):
    """Paths, headers, query params and methods the rollout's matches name."""
    blocks = [b for r in spec.get("http") or [] for b in r.get("match") or []]
    for st in spec.get("stages") or []:
        if isinstance(st, dict):
            blocks += st.get("match") or []
            mirror = st.get("mirror")
            blocks += (mirror.get("match") or []) if isinstance(mirror, dict) else []
    paths, headers, query, methods = {"/", "/x"}, {}, {}, {"GET"}
    for b in blocks:
        for v in string_values(b.get("uri")) if "uri" in b else []:
            paths.update({v or "/", v + "/", v + "/x", v.rstrip("/") or "/"})
        for n, sm in (b.get("headers") or {}).items():
            headers.setdefault(n.lower(), set()).update(string_values(sm))
        for n, sm in (b.get("queryParams") or {}).items():
            query.setdefault(n, set()).update(string_values(sm))
        methods.update(string_values(b.get("method"))[:1] if "method" in b else [])
    return sorted(p for p in paths if p.startswith("/")), headers, query, sorted(methods)


def requests_of(spec, cookie, limit=400):
    """Requests from the probes: each path with no header, each header value alone, all of the
    first values at once, each query param, each method; the sticky cookie."""
    paths, headers, query, methods = probes(spec)
    extras = [({}, "", "GET")]
    extras += [({n: v}, "", "GET") for n, vs in headers.items() for v in sorted(vs)]
    firsts = {n: sorted(vs)[0] for n, vs in headers.items() if vs}
    extras += [(firsts, "", "GET")] if firsts else []
    extras += [({}, f"?{n}={v}", "GET") for n, vs in query.items() for v in sorted(vs)]
    extras += [({}, "", m) for m in methods if m != "GET"]
    extras += [({"cookie": f"a=b; {cookie}"}, "", "GET")] if cookie else []
    out = []
    for p in paths:
        for hdrs, q, m in extras:
            out.append({"path": p, "query": dict(x.partition("=")[::2] for x in q[1:].split("&") if x),
                        "method": m, "headers": hdrs, "port": None})
    return out[:limit]


class Quoted(yaml.SafeDumper):
    """Every string double-quoted: YAML 1.1 readers take no string for a number or a bool."""


Quoted.add_representer(str, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, '"'))

NO_MATCH = ("withoutHeaders", "authority", "scheme", "port", "sourceLabels", "sourceNamespace",
            "gateways", "ignoreUriCase")


def plain_blocks(blocks):
    """Match blocks without what an HTTPRoute cannot match; a block left empty is dropped."""
    out = [{k: v for k, v in b.items() if k not in NO_MATCH} for b in blocks or []]
    return [b for b in out if set(b) - {"name", "statPrefix"}]


def translatable(rollout):
    """The rollout without what provider: gateway-api refuses, for both renderings to route:
    retries, faults, tcp and tls, subsets, direct responses, match fields an HTTPRoute lacks;
    destinations get a port. Meshroll may still refuse it (precedence, names): counted."""
    spec = {k: v for k, v in rollout["spec"].items()
            if k not in ("retries", "tcp", "tls", "subsets", "split", "provider")}
    spec.setdefault("port", 9080)
    spec["split"] = "service"  # as gateway-api routes: to a Service per version
    routes = []
    for r in spec.get("http") or []:
        if "directResponse" in r or "delegate" in r:
            continue
        r = {k: v for k, v in r.items() if k not in ("retries", "fault", "mirrors")}
        if "match" in r:
            r["match"] = plain_blocks(r["match"])
            if not r["match"]:
                del r["match"]
        for d in r.get("route") or []:
            d["destination"].pop("subset", None)
            d["destination"].setdefault("port", {"number": 9080})
        if "mirror" in r:
            r["mirror"].pop("subset", None)
            r["mirror"].setdefault("port", {"number": 9080})
        rw = r.get("rewrite") or {}
        rw.pop("uriRegexRewrite", None)
        if not all("exact" in (b.get("uri") or {}) for b in r.get("match") or [{}]):
            rw.pop("uri", None)
        if "rewrite" in r and not rw:
            del r["rewrite"]
        rd = r.get("redirect")
        if rd:
            rd.pop("derivePort", None)
            if ("scheme" in rd or "authority" in rd) and "port" not in rd:
                rd["port"] = 443
        routes.append(r)
    if "http" in spec:
        spec["http"] = routes
    for st in spec.get("stages") or []:
        if isinstance(st, dict) and "match" in st:
            st["match"] = plain_blocks(st["match"]) or [{"headers": {"x-ab": {"exact": "1"}}}]
        mirror = st.get("mirror") if isinstance(st, dict) else None
        if isinstance(mirror, dict) and "match" in mirror:
            mirror["match"] = plain_blocks(mirror["match"]) or [{"headers": {"x-m": {}}}]
    return {**rollout, "spec": spec}


def compare_rollout(binary, path, tmp, counts, docs_dir):
    """counts: rollouts, rendered, refused, requests, differ, skipped."""
    with open(path) as f:
        rollout = translatable(yaml.safe_load(f))
    path = os.path.join(tmp, os.path.basename(path))
    with open(path, "w") as f:
        yaml.dump(rollout, f, Dumper=Quoted, sort_keys=False)
    spec, meta = rollout["spec"], rollout["metadata"]
    ns, name = meta.get("namespace", "default"), meta["name"]
    versions = [v["name"] if isinstance(v, dict) else v for v in (spec["stable"], spec["canary"])]
    own = [v.get("service") if isinstance(v, dict) else None for v in (spec["stable"], spec["canary"])]
    services = {(own[i] or f"{name}-{v}"): v for i, v in enumerate(versions)}
    gw_path = os.path.join(tmp, "gw-" + os.path.basename(path))
    with open(gw_path, "w") as f:
        gw_spec = {k: v for k, v in spec.items() if k != "split"}
        yaml.dump({**rollout, "spec": {"provider": "gateway-api", **gw_spec}}, f, Dumper=Quoted,
                  sort_keys=False)
    counts[0] += 1
    probe = subprocess.run([binary, "lint", gw_path], capture_output=True, text=True)
    if probe.returncode != 0:
        located = all(re.match(r"^\S+:\d+:\d+: (error|warning): ", line) or line.startswith(" ")
                      for line in probe.stderr.splitlines() if line.strip())
        if probe.returncode != 1 or not located or ": error: " not in probe.stderr:
            print(f"{os.path.basename(path)}: gateway-api refused without a located error "
                  f"(exit {probe.returncode}):\n{probe.stderr}")
            counts[4] += 1
        counts[2] += 1
        return
    counts[1] += 1
    cookie = None
    sticky = spec.get("stickySessions")
    if isinstance(sticky, dict) or sticky is not None:
        cookie = f"{(sticky or {}).get('cookie', name + '-canary')}={versions[1]}"
    reqs = requests_of(spec, cookie)
    for sid in stage_ids(rollout):
        where = f"{os.path.basename(path)}: stage {sid}"
        vs_docs = render(binary, sid, path)
        gw_docs, text = render(binary, sid, gw_path, text=True)
        with open(os.path.join(docs_dir, f"{os.path.basename(path)}--{sid}.yaml"), "w") as f:
            f.write(text)  # as written, for the conformance checker
        vs = [d for d in vs_docs if d.get("kind") == "VirtualService" and d["metadata"]["name"] == name]
        http = [dict(r, route=[dict(d, destination=dict(d["destination"], host=short_host(d["destination"]["host"], ns)))
                               for d in r.get("route") or []])
                if r.get("route") else r for r in vs[0]["spec"].get("http") or []]
        http = [dict(r, mirror=dict(r["mirror"], host=short_host(r["mirror"]["host"], ns)))
                if r.get("mirror") else r for r in http]
        doc = the_one(gw_docs, "HTTPRoute", "output")
        route = {"name": name, "namespace": ns, "services": services, "strict": True,
                 "rules": doc["spec"].get("rules") or [{}]}
        for req in reqs:
            try:
                want = evaluate(http, req, services)
            except (Unsupported, re.error):
                counts[5] += 1
                continue
            try:
                got = evaluate_httproute(route, req)
            except (Unsupported, re.error) as e:
                got = {"want": f"unsupported: {e}"}
            counts[3] += 1
            diff = [k for k in ("want", "mirror", "setCookie") if want.get(k) != got.get(k)]
            if diff:
                counts[4] += 1
                print(f"{where}: {req['method']} {req['path']} headers {req['headers']} query "
                      f"{req['query']}: istio {json.dumps({k: want.get(k) for k in diff})} "
                      f"(route {want.get('route')}), gateway-api "
                      f"{json.dumps({k: got.get(k) for k in diff})} (rule {got.get('rule')})")


def compare_main(binary, docs_dir, paths):
    counts = [0] * 6
    os.makedirs(docs_dir, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="route_cmp-") as tmp:
        for path in paths:
            try:
                compare_rollout(binary, path, tmp, counts, docs_dir)
            except (RuntimeError, KeyError, TypeError, AttributeError, IndexError) as e:
                print(f"{os.path.basename(path)}: could not compare: {type(e).__name__}: {e}")
                counts[4] += 1
    print(f"route_eval --compare: {counts[0]} rollouts, {counts[1]} rendered for gateway-api, "
          f"{counts[2]} refused; {counts[3]} requests compared, {counts[4]} differ, "
          f"{counts[5]} not evaluated")
    return 1 if counts[4] else 0


def main(argv):
    if len(argv) >= 4 and argv[1] == "--compare":
        return compare_main(argv[2], argv[3], argv[4:])
    if len(argv) < 3:
        print("usage: route_eval.py MESHROLL CASE.yaml... | --docs CASE.yaml... | "
              "--compare MESHROLL DOCS_DIR ROLLOUT.yaml...", file=sys.stderr)
        return 2
    binary = None if argv[1] == "--docs" else argv[1]
    counts = [0, 0, 0]
    for case in argv[2:]:
        try:
            run_case(binary, case, counts)
        except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as e:
            print(f"{os.path.basename(case)}: could not evaluate: {type(e).__name__}: {e}")
            counts[2] += 1
    print(f"route_eval: {counts[0]} requests checked, {counts[1]} failed")
    return 1 if counts[1] or counts[2] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
