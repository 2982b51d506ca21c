#!/usr/bin/env python3
"""Random valid rollout files for the property test (tests/test_property.c).

    gen_rollouts.py SEED N DIR    writes DIR/r0000.yaml ... DIR/r<N-1>.yaml and DIR/index.tsv
    gen_rollouts.py compare LIST  compares YAML streams as data

SEED N DIR: rollout i depends on SEED and i alone (random.Random("SEED:i"), nothing else
random), so the first rollouts of a smaller N are the same files. Each is a valid rollout:
meshroll lint passes it without a diagnostic, and all N render together (no two share a
namespace and name, nor a host, so none routes another's host through a gateway).
index.tsv has a line a rollout: file, namespace, name and its stage ids, space-separated.

compare LIST: LIST has a line a pair, "LABEL<TAB>A<TAB>B[<TAB>NS/NAME]": A and B are YAML
streams (kubectl kustomize's output and render -o -'s for one stage) whose documents must be
the same data in any order; with NS/NAME, only A's documents of that namespace and name count
(A built the stages of many rollouts at once), and every document of such an A must be some
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
STAGE_NAMES = ["dark", "smoke", "canary", "bake", "half", "most", "full", "done", "pilot"]
VERSION_PAIRS = [("v1", "v2"), ("blue", "green"), ("stable", "canary"), ("v1-2-0", "v1-3-0"),
                 ("prod", "next"), ("a", "b")]
EXTRA_SUBSETS = ["legacy", "beta", "v0", "experimental", "debug"]
DURATIONS = ["1s", "2s", "250ms", "1.5s", "10s", "1m", "1m30s", "30s", "500ms"]


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
        n = self.rng.randint(1, 6)
        weights = set(self.rng.sample(range(101), n))
        if self.chance(0.4):  # from 0, or to 100, as most rollouts go
            weights = set(sorted(weights)[1:]) | {0}
        if self.chance(0.4):
            weights = set(sorted(weights)[:-1]) | {100}
        weights = sorted(weights)
        n = len(weights)
        named = self.chance(0.3)
        names = self.rng.sample(STAGE_NAMES, n)
        stages, self.stage_ids = [], []
        for w, name in zip(weights, names):
            if named and self.chance(0.6):
                stages.append({"weight": w, "name": name})
                self.stage_ids.append(name)
            else:
                stages.append(w)
                self.stage_ids.append("%03d" % w)
        spec["stages"] = stages
        if self.chance(0.4):
            j = self.rng.randrange(n)
            spec["activeStage"] = (weights[j] if self.chance(0.5) else self.stage_ids[j])

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
        if self.chance(0.25):
            subsets = []
            for name in self.rng.sample(EXTRA_SUBSETS, self.rng.randint(1, 2)):
                s = {"name": name, "labels": {"version": name}}
                if self.chance(0.2):
                    s["trafficPolicy"] = {"connectionPool": {"tcp": {"maxConnections": 10}}}
                subsets.append(s)
                self.subsets.append(name)
            spec["subsets"] = subsets
        self.all_subsets = [stable, canary] + self.subsets

    def routing(self, spec):
        if self.chance(0.3):
            self.host = self.name
            spec["host"] = self.name
        elif self.chance(0.2):
            self.host = "%s.%s.svc.cluster.local" % (self.name, self.ns or "default")
            spec["host"] = self.host
        else:
            self.host = self.name
        if self.chance(0.3):
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
                split["match"] = [{"port": self.pick([3306, 5432, 6379])}]
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
        self.versions(spec)
        self.stages(spec)
        self.routing(spec)
        self.http(spec)
        self.l4(spec)
        self.policy(spec)
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
            da = cache[a]
            if only:
                picked = [i for i, d in enumerate(da) if ns_name(d) == only[0]]
                used.setdefault(a, set()).update(picked)
                da = [da[i] for i in picked]
            da, db = sorted(da, key=key), sorted(docs(b), key=key)
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
