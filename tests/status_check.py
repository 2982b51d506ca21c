#!/usr/bin/env python3
"""Checks `meshroll status --json` against schemas/status.schema.json with python's jsonschema,
independently of meshroll: for every testdata/ok-* case (its args' files, default rollout.yaml),
the output without -o, and with -o DIR after `meshroll render -o DIR` (every upToDate true), must
be valid JSON that the schema accepts, exit 0, and agree with itself (stage.id is
stages[stage.index], next the one after). Prints one line per failure and a closing count; exit 1
on any failure. Usage: status_check.py MESHROLL"""
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

import jsonschema

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
schema = json.load(open(os.path.join(root, "schemas", "status.schema.json")))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
meshroll = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build", "meshroll"))


def case_files(case):
    """The rollout files a case's command names, and its --templates option."""
    path = os.path.join(root, "testdata", case, "args")
    words = open(path).read().split() if os.path.exists(path) else ["render", "rollout.yaml"]
    files, templates, i = [], [], 1
    while i < len(words):
        if words[i] in ("-o", "--output", "--stage"):
            i += 1
        elif words[i] == "--templates":
            templates = ["--templates", words[i + 1]]
            i += 1
        else:
            files.append(words[i])
        i += 1
    return files, templates


def problems(out, files, up_to_date):
    """What is wrong with one output, as a list of strings."""
    try:
        doc = json.loads(out)
    except ValueError as e:
        return ["not JSON: %s" % e]
    why = ["%s at %s" % (e.message, "/".join(map(str, e.absolute_path)) or "the top")
           for e in validator.iter_errors(doc)]
    if why:
        return why
    if len(doc) != len(files):
        why.append("%d objects for %d files" % (len(doc), len(files)))
    for o in doc:
        s = o["stage"]
        if s["index"] >= len(o["stages"]) or o["stages"][s["index"]] != s["id"]:
            why.append("%s: stage %s is not stages[%d]" % (o["name"], s["id"], s["index"]))
        after = o["stages"][s["index"] + 1] if s["index"] + 1 < len(o["stages"]) else None
        if o["next"] != after:
            why.append("%s: next is %s, not %s" % (o["name"], o["next"], after))
        if o.get("upToDate") != up_to_date:
            why.append("%s: upToDate is %s, not %s" % (o["name"], o.get("upToDate"), up_to_date))
    if not out.endswith("]\n"):
        why.append("does not end in a newline")
    return why


def status(case, cwd, args, files, up_to_date):
    """Runs status; returns the failure lines."""
    cmd = [meshroll, "status", "--json"] + args + files
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    shown = "%s: meshroll %s" % (case, " ".join(map(shlex.quote, cmd[1:])))
    if p.returncode != 0:
        return ["%s: exit %d: %s" % (shown, p.returncode, p.stderr.strip())]
    return ["%s: %s" % (shown, w) for w in problems(p.stdout, files, up_to_date)]


bad = checked = 0
work = tempfile.mkdtemp(prefix="meshroll-status-")
try:
    for case in sorted(os.listdir(os.path.join(root, "testdata"))):
        if not case.startswith("ok-"):
            continue
        # a copy made as tests/golden.sh makes one (its setup run), away from the project's
        # repository, which rollback commands would name files from
        cwd = os.path.join(work, "in-" + case)
        shutil.copytree(os.path.join(root, "testdata", case), cwd)
        if os.access(os.path.join(cwd, "setup"), os.X_OK):
            subprocess.run(["./setup"], cwd=cwd, env=dict(os.environ, MESHROLL=meshroll),
                           capture_output=True)
        files, templates = case_files(case)
        out = os.path.join(work, case)
        render = subprocess.run([meshroll, "render", "-o", out] + templates + files, cwd=cwd,
                                capture_output=True, text=True)
        results = [status(case, cwd, [], files, None)]
        if render.returncode != 0:
            results.append(["%s: render -o failed: %s" % (case, render.stderr.strip())])
        else:
            results.append(status(case, cwd, ["-o", out] + templates, files, True))
        for why in results:
            checked += 1
            bad += bool(why)
            for w in why:
                print(w)
finally:
    shutil.rmtree(work)
print("checked %d status outputs: %d passed, %d failed" % (checked, checked - bad, bad))
sys.exit(1 if bad else 0)
