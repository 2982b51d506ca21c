#!/usr/bin/env python3
"""route_eval.py MESHROLL CASE.yaml...: which version each request reaches, by meshroll's output.

A case holds `rollout:` (a Rollout) and `expect:` (for every stage id, requests `{name, uri,
method?, headers?, port?}` and what each gets: `want:` {version: weight} | none | {redirect:
true} | {directResponse: status}; `mirror:` {version: percent} and `setCookie:` {version: value},
none when absent; `route:` the name, optional). Each stage is rendered (`render -o - --stage`)
and its VirtualService's spec.http walked as Envoy does under Istio: the first route with no
match, or a match block all of whose conditions hold, decides. A version is a destination's
subset, else its host; zero weights are dropped, the rest must sum to 100. Set-Cookie: the
route's or destination's headers.response add/set. No route matching: `none` (a 404).

Modelled: uri (the path as given, without the query), method, authority (the host header),
scheme ("http"), headers (names case-insensitive, {} = present), withoutHeaders, queryParams
(the first of a repeated name, not decoded), port, ignoreUriCase; StringMatch exact, prefix (by
characters) and regex (full match by Python's re for RE2; lookarounds, atomic groups and
backreferences refused). Refused, never guessed: sourceLabels, sourceNamespace, gateways,
unknown match fields, delegate, `mirrors`, a port match when the request has no port, and
withoutHeaders with a value on an absent header (Envoy's inverted matcher does not match it).
Not modelled: rewrites, retries, timeouts, faults, CORS, repeated headers, path normalization.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from urllib.parse import urlsplit

import yaml

NOT_RE2 = re.compile(r"\(\?(<?[=!]|>)|\\[1-9]")  # lookaround, atomic group, backreference
REQUEST_KEYS = {"name", "uri", "method", "headers", "port", "want", "mirror", "setCookie", "route"}
MATCH_KEYS = {"uri", "method", "authority", "scheme", "headers", "withoutHeaders", "queryParams",
              "port", "ignoreUriCase", "name", "statPrefix"}


class Unsupported(Exception):
    """Something this evaluator does not model: it fails rather than guess."""


def string_match(sm, value, ignore_case=False):
    """An Istio StringMatch against value (None: absent); {} only asks for presence."""
    if not isinstance(sm, dict) or len(sm) > 1 or not set(sm) <= {"exact", "prefix", "regex"}:
        raise Unsupported(f"StringMatch {sm!r}")
    if value is None or not sm:
        return value is not None
    ((kind, want),) = sm.items()
    if kind == "regex":
        if NOT_RE2.search(want):
            raise Unsupported(f"regex {want!r} is not RE2")
        return re.fullmatch(want, value) is not None
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


def version(dest):
    return dest.get("subset") or dest["host"]


def set_cookie(route, dest):
    """The Set-Cookie a response through dest gets: a string, None, or a list when several."""
    found = []
    for level in (route, dest):
        resp = (level.get("headers") or {}).get("response") or {}
        for op in ("set", "add"):
            found += [v for k, v in (resp.get(op) or {}).items() if k.lower() == "set-cookie"]
    return found[0] if len(found) == 1 else (found or None)


def outcome(route):
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
        v = version(d["destination"])
        want[v] = want.get(v, 0) + d.get("weight", 100)
        cookie = set_cookie(route, d)
        if cookie is not None:
            got["setCookie"][v] = cookie
    if sum(want.values()) != 100:
        raise Unsupported(f"route {got['route']}: weights sum to {sum(want.values())}")
    if "mirror" in route:
        pct = (route.get("mirrorPercentage") or {}).get("value", 100)
        got["mirror"] = {version(route["mirror"]): pct}
    return {**got, "want": {v: w for v, w in want.items() if w}}


def evaluate(http, req):
    """The outcome of the first route that takes req; every block of a route is checked."""
    for route in http:
        if any([block_matches(b, req) for b in route.get("match") or [{}]]):
            return outcome(route)
    return {"route": None, "want": "none", "mirror": None, "setCookie": {}}


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


def render(binary, stage, path):
    """The http routes of the stage's one VirtualService, whose route names are unique."""
    p = subprocess.run([binary, "render", "-o", "-", "--stage", stage, path],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"meshroll exited {p.returncode}: {p.stderr.strip()}")
    vs = [d for d in yaml.safe_load_all(p.stdout) if d and d.get("kind") == "VirtualService"]
    if len(vs) != 1:
        raise RuntimeError(f"{len(vs)} VirtualServices in the output")
    names = [r.get("name") for r in vs[0]["spec"].get("http") or [] if r.get("name")]
    if len(set(names)) != len(names):
        raise RuntimeError(f"route names used twice, so `route:` cannot tell them apart: {names}")
    return vs[0]["spec"].get("http") or []


def run_case(binary, case, counts):
    """Checks one case file; counts = [checked, failed, errors]."""
    name = os.path.basename(case)
    with open(case) as f:
        doc = yaml.safe_load(f)
    expect = doc.get("expect") or {}
    ids = stage_ids(doc["rollout"])
    problems = [f"unknown key {k!r}" for k in doc if k not in ("rollout", "expect")]
    problems += [f"stage {k!r} is not a stage of the rollout" for k in expect if k not in ids]
    problems += [f"stage {i}: no requests (a test gap)" for i in ids if not expect.get(i)]
    for p in problems:
        print(f"{name}: {p}")
    counts[2] += len(problems)
    with tempfile.TemporaryDirectory(prefix="route_eval-") as tmp:
        path = os.path.join(tmp, "rollout.yaml")
        with open(path, "w") as f:
            yaml.safe_dump(doc["rollout"], f, sort_keys=False)
        for sid in ids:
            check_stage(binary, f"{name}: stage {sid}", sid, path, expect.get(sid) or [], counts)


def check_stage(binary, where, sid, path, reqs, counts):
    counts[0] += len(reqs)
    try:
        http = render(binary, sid, path)
    except RuntimeError as e:
        print(f"{where}: could not evaluate: {e}")
        counts[1] += len(reqs)
        return
    for r in reqs:
        at = f"{where}: request {r.get('name')}"
        try:
            got = evaluate(http, request(r))
        except (Unsupported, ValueError, KeyError, TypeError, re.error) as e:
            print(f"{at}: could not evaluate: {type(e).__name__}: {e}")
            counts[1] += 1
            continue
        want = {"want": r["want"], "mirror": r.get("mirror"), "setCookie": r.get("setCookie") or {}}
        if "route" in r:
            want["route"] = r["route"]
        diff = [k for k in want if want[k] != got[k]]
        if diff:
            counts[1] += 1
            print(f"{at}: expected {json.dumps({k: want[k] for k in diff})}, "
                  f"got {json.dumps({k: got[k] for k in diff})} (route {got['route']})")


def main(argv):
    if len(argv) < 3:
        print("usage: route_eval.py MESHROLL CASE.yaml...", file=sys.stderr)
        return 2
    counts = [0, 0, 0]
    for case in argv[2:]:
        try:
            run_case(argv[1], case, counts)
        except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as e:
            print(f"{os.path.basename(case)}: could not evaluate: {type(e).__name__}: {e}")
            counts[2] += 1
    print(f"route_eval: {counts[0]} requests checked, {counts[1]} failed")
    return 1 if counts[1] or counts[2] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
