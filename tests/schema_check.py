#!/usr/bin/env python3
"""Checks schemas/rollout.schema.json with python's jsonschema, independently of meshroll:
ok-* and bad-rule-* rollouts (structurally sound) must pass it, bad-schema-* ones must fail.
Prints one line per disagreement and a closing count; exit 1 on any disagreement."""
import glob
import json
import os
import sys

import jsonschema
import yaml

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
schema = json.load(open(os.path.join(root, "schemas", "rollout.schema.json")))
validator = jsonschema.Draft202012Validator(schema)
bad = checked = 0
for case in sorted(os.listdir(os.path.join(root, "testdata"))):
    if case.startswith(("ok-", "bad-rule-")):
        want = True
    elif case.startswith("bad-schema-"):
        want = False
    else:
        continue  # yaml errors and command lines: nothing for a schema to say
    for path in sorted(glob.glob(os.path.join(root, "testdata", case, "*.yaml"))):
        with open(path, encoding="utf-8-sig") as f:
            doc = yaml.safe_load(f)
        errors = list(validator.iter_errors(doc))
        checked += 1
        if bool(errors) == want:
            bad += 1
            why = "; ".join(e.message for e in errors) or "no error"
            print("%s/%s: jsonschema says %s, meshroll's case says %s (%s)"
                  % (case, os.path.basename(path), "invalid" if errors else "valid",
                     "valid" if want else "invalid", why))
print("checked %d rollout files: %d passed, %d failed" % (checked, checked - bad, bad))
sys.exit(1 if bad else 0)
