#!/usr/bin/env python3
"""yaml_canon.py [FILE...]: for each FILE (one a line on stdin when none is named), a line
"=== FILE", then the canonical text of each of its YAML documents, sorted, one a line: the
form of canon_libfyaml in tests/helpers.c (s"..." strings, iN ints, b0/b1 bools, null, fTEXT
floats, {k:v,...} maps with the entries sorted, [...] sequences). A value of any other type (a YAML 1.1 timestamp, binary) shows as
its type name and repr, which no other reader's canonical text matches.

The reader is PyYAML's yaml.load with CSafeLoader: libyaml's C parser under PyYAML's own
YAML 1.1 resolver and SafeConstructor (what yaml.safe_load does, with the C parser), so no
line of meshroll's node code decides a type here. tools::libyaml_and_libfyaml_agree
compares its output with libfyaml's and with meshroll's parser's."""
import sys

import yaml


def canon(v):
    if v is None:
        return "null"
    if isinstance(v, bool):  # before int: a bool is an int in python
        return "b1" if v else "b0"
    if isinstance(v, int):
        return "i%d" % v
    if isinstance(v, float):
        return "f%r" % v
    if isinstance(v, str):
        return 's"%s"' % v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if isinstance(v, dict):
        return "{%s}" % ",".join(sorted(canon(k) + ":" + canon(x) for k, x in v.items()))
    if isinstance(v, list):
        return "[%s]" % ",".join(canon(x) for x in v)
    return "%s%r" % (type(v).__name__, v)


if not yaml.__with_libyaml__:
    sys.exit("yaml_canon.py: this PyYAML has no CSafeLoader (it was built without libyaml)")
for path in sys.argv[1:] or sys.stdin.read().splitlines():
    with open(path, "rb") as f:
        docs = list(yaml.load_all(f, Loader=yaml.CSafeLoader))
    print("=== " + path)
    for d in sorted(canon(d) for d in docs):
        print(d)
