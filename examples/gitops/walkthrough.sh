#!/bin/sh
# The walkthrough of README.md, run as a script in a throwaway git repository: every "$ "
# command of the README is run here as written, and each step is checked. meshroll must be
# on PATH. Usage: examples/gitops/walkthrough.sh
set -eu
example=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q
git config user.email walkthrough@meshroll.dev
git config user.name walkthrough
mkdir rollouts

step() { printf '== %s\n' "$*"; }
fail() { printf 'walkthrough: FAIL: %s\n' "$*" >&2; exit 1; }
active() { # active: the stage the top-level kustomization points at
	tail -n 1 deploy/shop/checkout/kustomization.yaml
}

step "1. a starter rollout file"
meshroll init checkout -n shop > rollouts/checkout.yaml
meshroll lint rollouts
grep -q '^  activeStage: 0 ' rollouts/checkout.yaml || fail "init did not start at stage 0"

step "2. render the tree and commit it"
meshroll render -o deploy rollouts
meshroll check -o deploy rollouts
[ "$(active)" = "- stages/000" ] || fail "not at stage 000: $(active)"
[ "$(find deploy -type f | wc -l)" -eq 10 ] || fail "expected 10 files"
git add -A && git commit -qm "checkout: render at stage 000"

step "3. promote four times, one pull request each"
for want in 010 025 050 100; do
	meshroll promote rollouts/checkout.yaml
	if meshroll check -o deploy rollouts >/dev/null 2>&1; then
		fail "check passed on a stale tree"
	fi
	meshroll render -o deploy rollouts
	[ "$(active)" = "- stages/$want" ] || fail "not at stage $want: $(active)"
	# the pull request: one line of the rollout file, one line of the tree
	[ "$(git diff --numstat | awk '{a += $1; d += $2} END {print a, d}')" = "2 2" ] ||
		fail "the promotion to $want changed more than two lines"
	git commit -qam "checkout: promote to stage $want"
done
if meshroll promote rollouts/checkout.yaml 2>/dev/null; then
	fail "promoted past the last stage"
fi

step "4. roll back"
meshroll rollback rollouts/checkout.yaml
meshroll render -o deploy rollouts
[ "$(active)" = "- stages/000" ] || fail "rollback did not return to 000: $(active)"
git commit -qam "checkout: roll back"

step "5. or revert the promotion commit instead"
git revert --no-edit HEAD >/dev/null
meshroll check -o deploy rollouts
[ "$(active)" = "- stages/100" ] || fail "revert did not restore 100: $(active)"

step "6. testers, shadow traffic and sticky users"
cp "$example/rollouts/productpage.yaml" rollouts/
meshroll render -o deploy rollouts
git add -A && git commit -qm "productpage: render at stage 000"
# the routes of a stage, as kustomize would build them: name, weight and what they match
routes() {
	meshroll render -o - --stage "$1" rollouts/productpage.yaml |
		sed -n '/^kind: VirtualService/,/^---/p'
}
[ "$(meshroll promote rollouts/productpage.yaml)" = \
	"productpage: stage 000 -> testers (A/B on x-canary, weight 0%)" ] ||
	fail "promote did not describe the A/B stage"
meshroll render -o deploy rollouts
routes testers | grep -q '^  - name: productpage-testers$' || fail "no testers route"
routes testers | grep -q 'x-canary:' || fail "the testers route does not match x-canary"
[ "$(routes testers | grep -c -- '-testers$')" -eq 2 ] ||
	fail "each split route gets its testers route"
git commit -qam "productpage: testers"
[ "$(meshroll promote rollouts/productpage.yaml)" = \
	"productpage: stage testers -> shadow (mirror 20%, weight 0%)" ] ||
	fail "promote did not describe the mirror stage"
meshroll render -o deploy rollouts
[ "$(routes shadow | grep -c '^      value: 20$')" -eq 2 ] || fail "not 20% mirrored"
routes shadow | grep -q -- '-testers$' && fail "the testers routes stayed"
git commit -qam "productpage: shadow"
meshroll promote rollouts/productpage.yaml
meshroll render -o deploy rollouts
[ "$(routes 010 | grep -c 'Set-Cookie: "productpage-canary=v2; Max-Age=43200; Path=/"')" -eq 4 ] ||
	fail "the canary does not set the sticky cookie"
routes 010 | grep -q '^  - name: productpage-sticky$' || fail "no sticky route"
routes 010 | grep -q 'mirror' && fail "the mirror stayed"
routes 100 | grep -q 'sticky' && fail "a sticky route at 100%"
git commit -qam "productpage: 10%, sticky"

echo "walkthrough: ok"
