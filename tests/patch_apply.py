#!/usr/bin/env python3
"""Applies JSON patches with python's jsonpatch, independently of meshroll.

Usage: patch_apply.py FILE. FILE is a YAML stream of triples of documents: an object, a
JSON patch, the object the patch should make of it. Prints "N applied", or each triple that
fails and exits 1.
"""
import sys

import jsonpatch
import yaml

with open(sys.argv[1], encoding="utf-8") as f:
    docs = list(yaml.load_all(f, Loader=yaml.CSafeLoader))
if len(docs) % 3:
    sys.exit(f"{len(docs)} documents: not triples")
bad = 0
for i in range(0, len(docs), 3):
    before, patch, after = docs[i : i + 3]
    try:
        got = jsonpatch.apply_patch(before, patch or [])
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as e:
        got = f"error: {e}"
    if got != after:
        bad += 1
        print(f"triple {i // 3}: {before!r} with {patch!r}\n  gave {got!r}\n  not  {after!r}")
if bad:
    sys.exit(1)
print(f"{len(docs) // 3} applied")
