#!/usr/bin/env python3
"""argocd_cmp.py [--discover] PLUGIN APPDIR [NAME=VALUE...]: runs an Argo CD Config Management
Plugin's commands as Argo CD's CMP server does (cmpserver/plugin/plugin.go): each command is
exec'd as command[0] with command[1:] + args, no shell of its own, in the application's
directory, with the server's environment (this one's) plus the request's NAME=VALUE pairs
(ARGOCD_APP_NAME, ARGOCD_ENV_..., those with an empty value dropped, as Argo CD drops them).

Without --discover: runs spec.init if there is one, then spec.generate; generate's stdout goes
to stdout and its exit status is this one's. With --discover: prints "match" or "no match" as
spec.discover decides (fileName, find.glob or find.command: a match is any output).
Exit 3 when PLUGIN is not a ConfigManagementPlugin with a generate command."""
import glob
import os
import subprocess
import sys

import yaml


def bad(msg):
    print(f"argocd_cmp: {msg}", file=sys.stderr)
    sys.exit(3)


def command_of(spec, what):
    cmd = spec.get(what)
    if not isinstance(cmd, dict) or not cmd.get("command"):
        return None
    argv = cmd["command"] + (cmd.get("args") or [])
    if not all(isinstance(a, str) for a in argv):
        bad(f"{what}: command and args must be strings")
    return argv


def run(argv, appdir, env):
    return subprocess.run(argv, cwd=appdir, env=env, stdout=subprocess.PIPE)


def main():
    args = sys.argv[1:]
    discover = args[:1] == ["--discover"]
    if discover:
        args = args[1:]
    if len(args) < 2:
        bad("usage: argocd_cmp.py [--discover] PLUGIN APPDIR [NAME=VALUE...]")
    with open(args[0], encoding="utf-8") as f:
        plugin = yaml.safe_load(f)
    if not isinstance(plugin, dict) or plugin.get("apiVersion") != "argoproj.io/v1alpha1" \
            or plugin.get("kind") != "ConfigManagementPlugin":
        bad(f"{args[0]}: not an argoproj.io/v1alpha1 ConfigManagementPlugin")
    if not (plugin.get("metadata") or {}).get("name"):
        bad(f"{args[0]}: no metadata.name")
    spec = plugin.get("spec") or {}
    generate = command_of(spec, "generate")
    if not generate:
        bad(f"{args[0]}: no spec.generate.command")
    appdir = args[1]
    env = dict(os.environ)
    for pair in args[2:]:
        name, _, value = pair.partition("=")
        if value:
            env[name] = value

    if discover:
        disc = spec.get("discover") or {}
        find = disc.get("find") or {}
        if disc.get("fileName"):
            found = glob.glob(os.path.join(appdir, disc["fileName"].lstrip("/")))
        elif find.get("glob"):
            found = glob.glob(os.path.join(appdir, find["glob"].lstrip("/")), recursive=True)
        elif command_of(disc, "find"):
            # discovery runs with the server's environment only
            p = run(command_of(disc, "find"), appdir, dict(os.environ))
            found = p.stdout.strip() if p.returncode == 0 else None
        else:
            bad(f"{args[0]}: no spec.discover")
        print("match" if found else "no match")
        return 0

    init = command_of(spec, "init")
    if init:
        p = run(init, appdir, env)
        if p.returncode != 0:
            return p.returncode
    p = run(generate, appdir, env)
    sys.stdout.buffer.write(p.stdout)
    return p.returncode


sys.exit(main())
