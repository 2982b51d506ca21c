#!/bin/sh
# End to end: a throwaway git repository uses meshroll's pre-commit hook through `repo:` (a
# snapshot of this working tree, committed in a temporary repository), as another project
# would. A fresh tree passes; a stale one fails and shows the diff. Exit 77: pre-commit or
# git is missing.
set -eu
command -v pre-commit >/dev/null && command -v git >/dev/null || exit 77
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${MESHROLL:-build/meshroll}
case $bin in /*) ;; *) bin=$root/$bin ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache" GIT_CONFIG_NOSYSTEM=1 HOME="$work"
git config --global user.email test@meshroll.dev
git config --global user.name test
git config --global init.defaultBranch main

# the hook repository: this working tree as it is, without build products
mkdir "$work/hook"
(cd "$root" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$work/hook")
(cd "$work/hook" && git init -q && git add -A && git commit -qm snapshot)
rev=$(git -C "$work/hook" rev-parse HEAD)

# the user's repository
mkdir -p "$work/repo/rollouts"
cd "$work/repo"
git init -q
cp "$root/example/rollout.yaml" rollouts/example.yaml
"$bin" render -o deploy rollouts
cat >.pre-commit-config.yaml <<YAML
repos:
- repo: $work/hook
  rev: $rev
  hooks:
  - id: meshroll-check
    args: [-o, deploy, rollouts]
YAML
git add -A
git commit -qm "rendered tree"

echo "== a fresh tree passes"
pre-commit run --all-files >"$work/out" 2>&1 || { cat "$work/out"; exit 1; }
grep -q 'meshroll check.*Passed' "$work/out" || { cat "$work/out"; exit 1; }

echo "== a stale tree fails, with the diff"
sed -i 's/activeStage: 10/activeStage: 25/' rollouts/example.yaml
git add -A
if pre-commit run --all-files >"$work/out" 2>&1; then
	cat "$work/out"
	exit 1
fi
grep -q 'meshroll check.*Failed' "$work/out" || { cat "$work/out"; exit 1; }
grep -q '^-- stages/010$' "$work/out" && grep -q '^+- stages/025$' "$work/out" &&
	grep -q 'meshroll render -o deploy rollouts' "$work/out" || { cat "$work/out"; exit 1; }

echo "== rendering makes it pass again"
"$bin" render -o deploy rollouts
git add -A
pre-commit run --all-files >"$work/out" 2>&1 || { cat "$work/out"; exit 1; }
echo "pre-commit: ok"
