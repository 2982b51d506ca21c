#!/usr/bin/env python3
"""Random valid rollout files for the property test (tests/test_property.c).

    gen_rollouts.py SEED N DIR    writes DIR/r0000.yaml ... DIR/r<N-1>.yaml and DIR/index.tsv
    gen_rollouts.py compare LIST  compares YAML streams as data

SEED N DIR: rollout i depends on SEED and i alone (random.Random("SEED:i"), nothing else
random), so the first rollouts of a smaller N are the same files. Each is a valid rollout:
meshroll lint passes it without a diagnostic, and all N render together (no two share a
namespace and name, nor a host, so none routes another's host through a gateway).
index.tsv has a line a rollout: file, namespace, name and its stage ids, space-separated.

Besides weights, a rollout with a split http route (in spec.http, or the one meshroll writes when
there is no http, tcp nor tls) may have A/B stages (match on x-stage-<k> headers and stage<k>
query parameters, which no route matches on), mirror stages (a percent, or {percent, match}),
two stages of one weight (the second named) and stickySessions; any rollout may be split:
service (spec.port, no spec.subsets, no fixed route to a subset of host). The generator checks
the rules of src/stages.c that it must keep (Gen.check_stages) and fails rather than write a
rollout that breaks one.

compare LIST: LIST has a line a pair, "LABEL<TAB>A<TAB>B[<TAB>NS/NAME]": A and B are YAML
streams (kubectl kustomize's output and render -o -'s for one stage) whose documents must be
the same data in any order; with NS/NAME, only A's documents of that namespace and name, or of
a namespace and name of B's documents (a version's Service and DestinationRule), count (A built
the stages of many rollouts at once), and every document of such an A must be exactly one
pair's. Prints "LABEL: why" for each pair that differs, then "compared N pairs, M differ";
exit 1 when any differs."""
import difflib
import json
import os
import random
import re
import sys

import yaml

WORDS = ["reviews", "ratings", "details", "cart", "checkout", "search", "auth", "billing",
         "catalog", "orders", "pay", "users", "web", "api", "shipping", "inventory"]
NAMESPACES = [None, "default", "bookinfo", "shop", "team-a", "payments"]
STAGE_NAMES = ["dark", "smoke", "canary", "bake", "half", "most", "full", "done", "pilot",
               "testers", "shadow", "beta", "peek", "early", "staff", "tap", "soak"]
VERSION_PAIRS = [("v1", "v2"), ("blue", "green"), ("stable", "canary"), ("v1-2-0", "v1-3-0"),
                 ("prod", "next"), ("a", "b")]
EXTRA_SUBSETS = ["legacy", "beta", "v0", "experimental", "debug"]
DURATIONS = ["1s", "2s", "250ms", "1.5s", "10s", "1m", "1m30s", "30s", "500ms"]
# mirror percents: Istio's Percent, at most 3 decimals
MIRRORS = [1, 5, 10, 20, 50, 100, 12.5, 0.125, 0.5, 33.333, 99.999, 0.001, 2.25]
# cookie names (RFC 6265 tokens) with regex metacharacters, which the sticky route escapes
COOKIES = ["canary", "beta.users", "x+y", "sess.v2+canary", "a.b", "c++", "u^2", "$sess",
           "a|b", "x*", "t~1", "__canary-user"]
MAX_AGES = ["90s", "12h", "1h30m", "3600s", "1s", "7m", "1.5h", "48h", "2h0m5s"]
PORT_NAMES = ["http", "web", "http-api", "grpc", "h2c", "tcp-main", "p8080"]
APP_PROTOCOLS = ["http", "http2", "grpc", "kubernetes.io/h2c", "kubernetes.io/ws"]


KEYED = ("headers", "queryParams", "withoutHeaders", "sourceLabels")


def match_clash(x, y):
    """The field two match blocks both set (plan_match_clash of src/plan.c), else None."""
    if ("uri" in x and "ignoreUriCase" in y) or ("ignoreUriCase" in x and "uri" in y):
        return "uri"
    for f in x:
        if f in y and f not in ("name", "statPrefix"):
            if f not in KEYED or set(x[f]) & set(y[f]):
                return f
    return None


class Gen:
    """One rollout's choices; i is its index, which every host of it carries."""

    def __init__(self, rng, i):
        self.rng, self.i = rng, i
        self.k = 0  # a counter for unique route names and match values

    def chance(self, p):
        return self.rng.random() < p

    def pick(self, xs):
        return self.rng.choice(xs)

    def nextk(self):
        self.k += 1
        return self.k

    def metadata(self):
        word = self.pick(WORDS)
        if self.chance(0.3):
            # a plain word in a namespace of its own: the same name recurs across rollouts
            self.name, self.ns = word, "team-%d" % self.i
        else:
            self.name, self.ns = "%s-%d" % (word, self.i), self.pick(NAMESPACES)
        meta = {"name": self.name}
        if self.ns is not None:
            meta["namespace"] = self.ns
        if self.chance(0.3):
            meta["labels"] = {"team": self.pick(["store", "core", "edge"])}
            if self.chance(0.5):
                meta["labels"]["app.kubernetes.io/part-of"] = "shop"
            if self.chance(0.3):  # strings that a YAML 1.1 reader types otherwise unquoted
                meta["labels"]["release"] = self.pick(["on", "1.10", "0755", "true", "null",
                                                       "1e3", "y"])
        if self.chance(0.15):
            meta["annotations"] = {"owner": "someone@example.com"}
        return meta

    def stages(self, spec):
        """spec.stages, after the routes: the A/B and mirror stages and stickySessions need a
        split http route, and their matches and route names must fit the routes'."""
        n = self.rng.randint(1, 6)
        weights = set(self.rng.sample(range(101), n))
        if self.chance(0.4):  # from 0, or to 100, as most rollouts go
            weights = set(sorted(weights)[1:]) | {0}
        if self.chance(0.4):
            weights = set(sorted(weights)[:-1]) | {100}
        named = self.chance(0.3)
        entries = [{"weight": w, "named": named and self.chance(0.6)} for w in sorted(weights)]
        self.split_http = self.http_split_routes(spec)
        self.spec_http = spec.get("http", [])
        if self.split_http and self.chance(0.45):
            self.stage_kinds(entries)
        self.settle(entries)
        sticky = None
        if self.split_http and any(0 < e["weight"] < 100 for e in entries) and self.chance(0.25):
            sticky = {}
            if self.chance(0.6):
                sticky["cookie"] = self.pick(COOKIES)
            if self.chance(0.5):
                sticky["maxAge"] = self.pick(MAX_AGES)
            if self.chance(0.3):
                sticky = dict(reversed(list(sticky.items())))
        self.name_routes(entries, sticky is not None)
        names = iter(self.rng.sample(STAGE_NAMES, len(entries)))
        self.stage_ids = []
        for e in entries:
            if e["named"]:
                e["name"] = next(names)
            self.stage_ids.append(e.get("name") or "%03d" % e["weight"])
        assert len(set(self.stage_ids)) == len(entries), self.stage_ids
        self.check_stages(entries, sticky is not None)
        spec["stages"] = [self.stage_doc(e) for e in entries]
        if self.chance(0.4):
            j = self.rng.randrange(len(entries))
            w = entries[j]["weight"]
            same = [e for e in entries if e["weight"] == w]
            # a weight names the stage of that weight without a name, else the only one
            by_weight = len(same) == 1 or any(not e["named"] for e in same)
            spec["activeStage"] = w if by_weight and self.chance(0.5) else self.stage_ids[j]
        if sticky is not None:
            spec["stickySessions"] = sticky
        if not any("mirror" in e for e in entries) and self.chance(0.1):
            # a split route that mirrors elsewhere itself: no stage may mirror then
            own = [r for r in spec.get("http", []) if r in self.split_http]
            if own:
                route = self.pick(own)
                route["mirror"] = {"host": "shadow-%d.default.svc.cluster.local" % self.i}
                if self.chance(0.6):
                    route["mirrorPercentage"] = {"value": self.pick([5, 0.5, 100])}

    @staticmethod
    def http_split_routes(spec):
        """The split http routes: spec.http's; with no http, tcp nor tls, the one meshroll
        writes (a route of no name nor match); none when only tcp or tls routes split."""
        if "http" in spec:
            return [r for r in spec["http"]
                    if not {"route", "redirect", "directResponse"} & set(r)]
        return [] if "tcp" in spec or "tls" in spec else [{}]

    def stage_match(self, several=True):
        """A stage's match blocks: headers and query parameters no route of the rollout
        matches on (x-stage-<k>), never uri or ignoreUriCase, so that each merges with each of
        the split routes' blocks; sometimes a method or scheme when no split route has one."""
        blocks = []
        taken = {f for r in self.split_http for m in r.get("match", []) for f in m}
        for _ in range(self.pick([1, 1, 1, 2, 3]) if several else 1):
            k = self.nextk()
            b = {}
            kind = self.rng.randrange(6)
            if kind in (0, 1, 4, 5):
                b["headers"] = {"x-stage-%d" % k: self.pick([
                    {"exact": "yes"}, {"exact": "k%d" % k}, {"prefix": "beta-"},
                    {"regex": "^(a|b)[0-9]+$"}, {}])}
            if kind in (2, 4):
                b["queryParams"] = {"stage%d" % k: self.pick([{"exact": "1"},
                                                              {"regex": "^[0-9]+$"}])}
            if kind == 3 or (kind == 5 and self.chance(0.5)):
                b["withoutHeaders"] = {"x-stage-%d-off" % k: {}}
            if kind == 2 and self.chance(0.3) and "method" not in taken:
                b["method"] = {"exact": self.pick(["PUT", "DELETE"])}
            if kind == 1 and self.chance(0.2) and "scheme" not in taken:
                b["scheme"] = {"exact": "https"}
            if self.chance(0.15):
                b["name"] = "stage-%d" % k
            if self.chance(0.3):
                b = dict(reversed(list(b.items())))
            blocks.append(b)
        return blocks

    def stage_mirror(self):
        p = self.pick(MIRRORS)
        if self.chance(0.35):
            return {"percent": p, "match": self.stage_match()}
        return p

    def stage_kinds(self, entries):
        """A/B and mirror stages among the weights, and a stage of the same weight as another."""
        for e in entries:
            if e["weight"] < 100 and self.chance(0.25):
                e["match"] = self.stage_match()
            if e["weight"] < 100 and self.chance(0.2):
                e["mirror"] = self.stage_mirror()
        below = [j for j, e in enumerate(entries) if e["weight"] < 100]
        if below and self.chance(0.4):
            # a second stage of one weight: its id is its name
            j = self.pick(below)
            new = {"weight": entries[j]["weight"], "named": True}
            if self.chance(0.6):
                new["match"] = self.stage_match()
            else:
                new["mirror"] = self.stage_mirror()
            if self.chance(0.2):
                entries[j]["named"] = True
            entries.insert(j + (1 if self.chance(0.7) else 0), new)
        if entries[0]["weight"] > 0 and self.chance(0.25):
            # testers first, before any weight
            entries.insert(0, {"weight": 0, "named": self.chance(0.7),
                               "match": self.stage_match()})

    @staticmethod
    def stage_key(e):
        mirror = e.get("mirror")
        percent = mirror.get("percent") if isinstance(mirror, dict) else mirror
        return json.dumps([e["weight"], e.get("match"), None if percent is None else
                           float(percent), (mirror or {}).get("match")
                           if isinstance(mirror, dict) else None], sort_keys=True)

    def settle(self, entries):
        """Ids unique, and no stage that changes nothing from the one before (a warning)."""
        for j in range(1, len(entries)):
            e = entries[j]
            if e["weight"] == entries[j - 1]["weight"] and not (e["named"] or
                                                                  entries[j - 1]["named"]):
                e["named"] = True
            if self.stage_key(e) == self.stage_key(entries[j - 1]):
                e["match"] = self.stage_match(False)

    def name_routes(self, entries, sticky):
        """Two split routes without a name would give the routes a stage puts before them one
        name (the rollout's): name them when a stage puts routes before them."""
        inserts = sticky or any("match" in e or isinstance(e.get("mirror"), dict)
                                for e in entries)
        unnamed = [r for r in self.split_http if "name" not in r]
        if not inserts or len(unnamed) < 2:
            return
        keep = self.rng.randrange(len(unnamed) + 1)  # one may stay unnamed, or none
        taken = {r.get("name") for r in self.spec_http}
        for j, r in enumerate(unnamed):
            if j == keep:
                continue
            name = "split-%d" % self.nextk()
            while name in taken:  # a last route's name may be split-<k+1> already
                name = "split-%d" % self.nextk()
            if self.chance(0.5):
                items = [("name", name)] + list(r.items())
                r.clear()
                r.update(items)
            else:
                r["name"] = name

    def check_stages(self, entries, sticky):
        """What src/stages.c refuses, which this generator must never write."""
        routes = [r.get("name") for r in self.spec_http]
        split_names = [r.get("name", self.name) for r in self.split_http]
        merged = 0
        for e, sid in zip(entries, self.stage_ids):
            mirror = e.get("mirror")
            mm = mirror.get("match") if isinstance(mirror, dict) else None
            st = sticky and 0 < e["weight"] < 100
            assert not ((e.get("match") or mirror is not None or st) and not self.split_http)
            assert not (mirror is not None and e["weight"] == 100)
            names = [x for x in routes if x]
            for r in split_names:
                if e.get("match"):
                    names.append("%s-%s" % (r, sid))
                if st:
                    names.append("%s-sticky" % r)
                if mm:
                    names.append("%s-%s-mirror" % (r, sid))
            assert len(set(names)) == len(names), names
            for r in self.split_http:
                blocks = r.get("match") or [{}]
                merged += len(blocks) * (len(e.get("match") or []) + st + len(mm or []))
                for x in blocks:
                    for y in (e.get("match") or []) + (mm or []):
                        assert y and set(y) - {"name", "statPrefix"}, y
                        assert not match_clash(x, y), (x, y)
        assert merged <= 4096

    def stage_doc(self, e):
        """A stage as a rollout file writes it: a weight, or a map."""
        w = e["weight"]
        if not e.get("name") and "match" not in e and "mirror" not in e:
            return {"weight": w} if self.chance(0.1) else w
        d = {}
        if "name" in e:
            d["name"] = e["name"]
        if w or self.chance(0.5):
            d["weight"] = w
        for k in ("match", "mirror"):
            if k in e:
                d[k] = e[k]
        if self.chance(0.3):
            keys = list(d)
            self.rng.shuffle(keys)
            d = {k: d[k] for k in keys}
        return d

    def versions(self, spec):
        workload = {"app": self.name}
        if self.chance(0.3):
            workload = {"app": self.name, "tier": self.pick(["backend", "frontend"])}
            spec["workloadLabels"] = workload
        elif self.chance(0.1):
            spec["workloadLabels"] = workload
        version_label = "version"
        if self.chance(0.2):
            version_label = self.pick(["app.kubernetes.io/version", "track"])
            spec["versionLabel"] = version_label
        stable, canary = self.pick(VERSION_PAIRS)
        if self.chance(0.5):
            stable, canary = canary, stable
        for key, name in (("stable", stable), ("canary", canary)):
            if self.chance(0.25):
                labels = {self.pick(["version", "track", "release"]): name}
                if self.chance(0.3):  # a workload label, with its own value
                    k = self.pick(sorted(workload))
                    labels[k] = workload[k]
                v = {"name": name, "labels": labels}
                if self.chance(0.2):
                    v["trafficPolicy"] = {"loadBalancer": {"simple": "LEAST_REQUEST"}}
                spec[key] = v
            else:
                spec[key] = name
        self.subsets = []
        if self.services:
            self.split_service(spec, stable, canary)
        elif self.chance(0.25):
            subsets = []
            for name in self.rng.sample(EXTRA_SUBSETS, self.rng.randint(1, 2)):
                s = {"name": name, "labels": {"version": name}}
                if self.chance(0.2):
                    s["trafficPolicy"] = {"connectionPool": {"tcp": {"maxConnections": 10}}}
                subsets.append(s)
                self.subsets.append(name)
            spec["subsets"] = subsets
        self.all_subsets = [stable, canary] + self.subsets

    def split_service(self, spec, stable, canary):
        """split: service: a Service per version, <name>-<version> or the version's service:;
        no spec.subsets (routing() sets the port it needs)."""
        spec["split"] = "service"
        self.version_services = []
        for key, name in (("stable", stable), ("canary", canary)):
            service = "%s-%s" % (self.name, name)
            if self.chance(0.25):
                service = "svc-%d-%s" % (self.i, name)
                v = spec[key] if isinstance(spec[key], dict) else {"name": name}
                v["service"] = service
                spec[key] = v
            self.version_services.append(service)
        if self.chance(0.4):
            spec["targetPort"] = (self.rng.randint(1, 65535) if self.chance(0.5)
                                  else self.pick(PORT_NAMES))
        if self.chance(0.4):
            spec["portName"] = self.pick(PORT_NAMES)
        if self.chance(0.3):
            spec["appProtocol"] = self.pick(APP_PROTOCOLS)

    def routing(self, spec):
        if self.chance(0.3):
            self.host = self.name
            spec["host"] = self.name
        elif self.chance(0.2):
            self.host = "%s.%s.svc.cluster.local" % (self.name, self.ns or "default")
            spec["host"] = self.host
        else:
            self.host = self.name
        if self.services or self.chance(0.3):
            spec["port"] = self.pick([80, 8080, 9080, self.rng.randint(1, 65535)])
        g = self.rng.random()
        if g < 0.45:
            gateways = None
        elif g < 0.55:
            gateways = ["mesh"]
        elif g < 0.8:
            gateways = ["istio-system/gw"]
        else:
            gateways = self.pick([["mesh", "istio-system/gw"], ["istio-system/gw", "mesh"]])
        if gateways:
            spec["gateways"] = gateways
        self.mesh = not gateways or "mesh" in gateways
        self.sni = None
        hosts = []
        if self.mesh or self.chance(0.5):
            if self.chance(0.3):
                # the host in full: the same host to Istio
                hosts.append("%s.%s.svc.cluster.local" % (self.name, self.ns or "default")
                             if "." not in self.host else self.host)
            else:
                hosts.append(self.host)
        if self.chance(0.4):
            hosts.append("%s-%d.example.com" % (self.pick(WORDS), self.i))
        if not self.mesh and self.chance(0.5):
            hosts.append("*.r%d.example.com" % self.i)
        if not self.mesh and not [h for h in hosts if h.endswith(".example.com")]:
            hosts.append("%s-%d.example.com" % (self.name.split("-")[0], self.i))
        if hosts and (self.chance(0.6) or hosts != [self.host]):
            hosts = self.rng.sample(hosts, len(hosts))
            spec["hosts"] = hosts
        self.hosts = hosts
        if not self.mesh:
            # an SNI host the VirtualService's hosts cover, for a tls route
            wild = [h for h in hosts if h.startswith("*.")]
            exact = [h for h in hosts if h.endswith(".example.com") and not h.startswith("*")]
            self.sni = ("tls%d.%s" % (self.i, wild[0][2:])) if wild else exact[0]

    def match(self):
        """A match block with a condition no other block of the rollout has."""
        k = self.nextk()
        kind = self.rng.randrange(9)
        if kind == 0:
            m = {"uri": {"prefix": "/p%d/" % k}}
        elif kind == 1:
            m = {"uri": {"exact": "/e%d" % k}}
        elif kind == 2:
            m = {"headers": {"x-h%d" % k: {"exact": "v%d" % k}}}
        elif kind == 3:
            m = {"queryParams": {"q%d" % k: {"exact": "yes"}}}
        elif kind == 4:
            m = {"uri": {"prefix": "/m%d" % k}, "method": {"exact": self.pick(["GET", "POST"])}}
        elif kind == 5:
            m = {"headers": {"x-user": {"prefix": "u%d-" % k}}}
        elif kind == 6:
            m = {"uri": {"regex": "^/r%d/[a-z]+$" % k}}
        elif kind == 7:
            m = {"authority": {"exact": "a%d.example.com" % k}}
        else:
            m = {"headers": {"x-flag": {"exact": "f%d" % k}}, "withoutHeaders": {"x-test": {}}}
        if "uri" in m and self.chance(0.2):
            m["ignoreUriCase"] = True
        if self.chance(0.15):
            m["name"] = "m%d" % k
        return m

    def decorate(self, route, uri_match):
        """The fields a route that sends somewhere may have."""
        if uri_match == "prefix" and self.chance(0.25):
            route["rewrite"] = {"uri": "/"}
        if self.chance(0.2):
            route["timeout"] = self.pick(DURATIONS)
        if self.chance(0.2):
            route["retries"] = {"attempts": self.rng.randint(1, 5),
                                "perTryTimeout": self.pick(DURATIONS)}
            if self.chance(0.5):
                route["retries"]["retryOn"] = "5xx,connect-failure"
        if self.chance(0.2):
            route["headers"] = {"request": {"set": {"x-rollout": self.name,
                                                    "x-flag": self.pick(["yes", "1", "~"])}}}
            if self.chance(0.5):
                route["headers"]["response"] = {"remove": ["x-internal"]}
        if self.chance(0.15):
            route["corsPolicy"] = {"allowOrigins": [{"exact": "https://a.example.com"}],
                                   "allowMethods": ["GET"]}
        if self.chance(0.15):
            route["fault"] = {"abort": {"httpStatus": 503,
                                        "percentage": {"value": self.pick([10, 0.5, 100, 12.5])}}}
            if self.chance(0.3):
                route["fault"]["delay"] = {"fixedDelay": self.pick(DURATIONS),
                                           "percentage": {"value": self.pick([1, 0.1, 50])}}

    def our_host(self):
        """The rollout's host, as a destination may name it."""
        if "." not in self.host and self.chance(0.3):
            return "%s.%s.svc.cluster.local" % (self.host, self.ns or "default")
        return self.host

    def fixed_route(self):
        route = {}
        if self.chance(0.3):
            route["name"] = "route-%d" % (self.k + 1)
        matches = [self.match() for _ in range(self.pick([1, 1, 1, 2]))]
        route["match"] = matches
        uri = "prefix" if any("prefix" in m.get("uri", {}) for m in matches) else None
        kind = self.rng.randrange(5 if self.subsets else 4)
        if kind == 0:
            route["redirect"] = {"uri": self.pick(["/new%d", "/new%d?a=b&c=d"]) % self.k}
            if self.chance(0.3):
                route["redirect"]["redirectCode"] = 302
        elif kind == 1:
            route["directResponse"] = {"status": 503, "body": {"string": self.pick(
                ["down for now", "back at 10:00 #soon", "- no", "'quoted'", "a\\b \"c\""])}}
        elif kind == 2:
            dest = {"destination": {"host": "other-%d.default.svc.cluster.local" % self.k}}
            if self.chance(0.3):
                dest["destination"]["port"] = {"number": 8080}
            route["route"] = [dest]
            if self.chance(0.2):
                w = self.rng.randint(1, 99)
                dest["weight"] = w
                route["route"].append({"destination": {"host": "other-%db" % self.k},
                                       "weight": 100 - w})
            self.decorate(route, uri)
        elif self.services:
            # the host's own Service (no subsets under split: service), or a version's
            host = self.our_host() if self.chance(0.5) else self.pick(self.version_services)
            dest = {"destination": {"host": host}}
            if self.chance(0.5):
                dest["weight"] = 100
            route["route"] = [dest]
            self.decorate(route, uri)
        else:
            # one subset of the rollout's host: the canary alone, say, or a declared subset
            subset = self.pick(self.subsets) if kind == 4 else self.pick(self.all_subsets[:2])
            dest = {"destination": {"host": self.our_host(), "subset": subset}}
            if self.chance(0.5):
                dest["weight"] = 100
            route["route"] = [dest]
            self.decorate(route, uri)
        return route

    def split_route(self, last):
        route = {}
        if self.chance(0.3):
            route["name"] = "split-%d" % (self.k + 1)
        uri = None
        if not last or self.chance(0.3):
            route["match"] = [self.match()]
            uri = "prefix" if "prefix" in route["match"][0].get("uri", {}) else None
        self.decorate(route, uri)
        return route

    def http(self, spec):
        n = self.pick([0, 0, 1, 1, 2, 3, 4, 5])
        if n == 0:
            return
        routes = [self.split_route(False) if self.chance(0.1) else self.fixed_route()
                  for _ in range(n - 1)]
        routes.append(self.split_route(True))
        spec["http"] = routes

    def l4(self, spec):
        if self.chance(0.2):
            routes = []
            if self.chance(0.3):
                routes.append({"match": [{"port": 9000 + self.i % 100}],
                               "route": [{"destination": {"host": "db-%d" % self.i}}]})
            split = {}
            if self.chance(0.5):
                # split: service's version Services have one port, spec.port: on the mesh a
                # split route for another port would have nowhere to go (an error)
                mesh = spec.get("gateways") in (None, ["mesh"])
                split["match"] = [{"port": spec["port"] if self.services and mesh
                                   else self.pick([3306, 5432, 6379])}]
            routes.append(split)
            spec["tcp"] = routes
        if self.sni and self.chance(0.3):
            spec["tls"] = [{"match": [{"sniHosts": [self.sni]}]}]

    def policy(self, spec):
        mtls = self.pick([None, "STRICT", "PERMISSIVE", "DISABLE", "UNSET"])
        tp = {}
        if self.chance(0.3):
            if self.chance(0.5):
                tp["loadBalancer"] = {"simple": self.pick(["ROUND_ROBIN", "LEAST_REQUEST",
                                                           "RANDOM"])}
            if self.chance(0.4):
                tp["connectionPool"] = {"tcp": {"connectTimeout": self.pick(DURATIONS)}}
            if self.chance(0.4):
                tp["outlierDetection"] = {"consecutive5xxErrors": self.rng.randint(1, 10)}
        if mtls == "UNSET" and self.chance(0.4):
            tp["tls"] = {"mode": "SIMPLE"}
        if tp:
            spec["trafficPolicy"] = tp
        if self.chance(0.4):
            fields = {
                "consecutive5xxErrors": lambda: self.rng.randint(1, 10),
                "consecutiveGatewayErrors": lambda: self.rng.randint(0, 5),
                "interval": lambda: self.pick(DURATIONS),
                "baseEjectionTime": lambda: self.pick(DURATIONS),
                "maxEjectionPercent": lambda: self.rng.randint(0, 100),
                "minHealthPercent": lambda: self.rng.randint(0, 100),
                "maxConnections": lambda: self.rng.randint(1, 1000),
                "http1MaxPendingRequests": lambda: self.rng.randint(1, 100),
                "http2MaxRequests": lambda: self.rng.randint(1, 1000),
                "maxRequestsPerConnection": lambda: self.rng.randint(1, 10),
                "maxRetries": lambda: self.rng.randint(0, 5),
            }
            names = [f for f in fields
                     if not (f == "consecutive5xxErrors" and "outlierDetection" in tp)]
            cb = {}
            for f in self.rng.sample(names, self.rng.randint(1, len(names))):
                cb[f] = fields[f]()
            spec["circuitBreaker"] = cb
        if self.chance(0.25):
            spec["timeout"] = self.pick(DURATIONS)
        if self.chance(0.2):
            spec["retries"] = {"attempts": self.rng.randint(1, 5),
                               "perTryTimeout": self.pick(DURATIONS),
                               "retryOn": "5xx,connect-failure"}
        if mtls:
            spec["mtls"] = mtls
        if self.chance(0.3):
            spec["istioAPIVersion"] = self.pick(["v1", "v1beta1"])

    def rollout(self):
        meta = self.metadata()
        spec = {}
        self.services = self.chance(0.15)
        self.versions(spec)
        spec["stages"] = None  # its place among the keys; stages() fills it after the routes
        self.routing(spec)
        self.http(spec)
        self.l4(spec)
        self.policy(spec)
        self.stages(spec)
        # activeStage and stickySessions after stages, as people write them
        order = [k for k in spec if k not in ("activeStage", "stickySessions")]
        at = order.index("stages") + 1
        order[at:at] = [k for k in ("activeStage", "stickySessions") if k in spec]
        spec = {k: spec[k] for k in order}
        # the fields in an order of their own, as people write them
        keys = list(spec)
        if self.chance(0.5):
            self.rng.shuffle(keys)
        return {"apiVersion": "meshroll.dev/v1alpha1", "kind": "Rollout", "metadata": meta,
                "spec": {k: spec[k] for k in keys}}


class Dumper(yaml.SafeDumper):
    """PyYAML's dumper, but strings that kubectl's YAML 1.1 reader (and so meshroll) types
    otherwise and PyYAML writes plain are quoted: digits with a leading zero that are no octal
    ("049", a stage id; a number to YAML 1.2 and to kubectl, and refused by meshroll as
    ambiguous), and y, Y, n, N (booleans to YAML 1.1)."""


def _str(dumper, s):
    style = '"' if re.fullmatch(r"[-+0-9._:eE]+|[yYnN]", s) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style=style)


Dumper.add_representer(str, _str)


def generate(seed, n, out):
    os.makedirs(out, exist_ok=True)
    index = []
    for i in range(n):
        rng = random.Random("%d:%d" % (seed, i))
        g = Gen(rng, i)
        doc = g.rollout()
        flow = rng.choice([False, None])
        text = yaml.dump(doc, Dumper=Dumper, sort_keys=False, default_flow_style=flow, width=100)
        name = "r%04d.yaml" % i
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write("# gen_rollouts.py %d %d, rollout %d\n" % (seed, n, i))
            f.write(text)
        index.append("%s\t%s\t%s\t%s\n" % (name, g.ns or "default", g.name,
                                           " ".join(g.stage_ids)))
    with open(os.path.join(out, "index.tsv"), "w", encoding="utf-8") as f:
        f.writelines(index)


LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def docs(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.load_all(f, Loader=LOADER) if d is not None]


def ns_name(d):
    meta = (d.get("metadata") if isinstance(d, dict) else None) or {}
    return "%s/%s" % (meta.get("namespace"), meta.get("name"))


def key(d):
    return json.dumps([d.get("kind") if isinstance(d, dict) else None, ns_name(d), d],
                      sort_keys=True)


def compare(listfile):
    bad = n = 0
    cache, used = {}, {}
    with open(listfile, encoding="utf-8") as f:
        pairs = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    for label, a, b, *only in pairs:
        n += 1
        try:
            if a not in cache:
                cache[a] = docs(a)
            da, db = cache[a], docs(b)
            if only:
                # the rollout's objects: those named after it, and those of the names B's
                # have (split: service writes a Service and a DestinationRule per version)
                names = {ns_name(d) for d in db} | {only[0]}
                picked = [i for i, d in enumerate(da) if ns_name(d) in names]
                for i in picked:
                    if i in used.setdefault(a, {}):
                        print("%s: document %d of %s (%s %s) is also %s's" % (
                            label, i, a, da[i].get("kind"), ns_name(da[i]), used[a][i]))
                        bad += 1
                    used[a][i] = label
                da = [da[i] for i in picked]
            da, db = sorted(da, key=key), sorted(db, key=key)
        except (OSError, yaml.YAMLError) as e:
            print("%s: %s" % (label, e))
            bad += 1
            continue
        if not da:
            print("%s: %s has no document%s" % (label, a, " of " + only[0] if only else ""))
            bad += 1
        elif da != db:
            ta = json.dumps(da, indent=1, sort_keys=True).splitlines()
            tb = json.dumps(db, indent=1, sort_keys=True).splitlines()
            diff = list(difflib.unified_diff(ta, tb, a, b, lineterm="", n=2))
            print("%s: the objects differ:\n  %s" % (label, "\n  ".join(diff[:40])))
            bad += 1
    for a, picked in sorted(used.items()):
        for i, d in enumerate(cache[a]):
            if i not in picked:
                print("%s: document %d (%s %s) is no rollout's" % (a, i, d.get("kind"), ns_name(d)))
                bad += 1
    print("compared %d pairs, %d differ" % (n, bad))
    return 1 if bad else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "compare":
        return compare(argv[2])
    if len(argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    generate(int(argv[1]), int(argv[2]), argv[3])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
