#!/bin/sh
# Write-fault injection: every write-path call of `render` into an existing tree, and of
# `promote`, is made to fail in turn with ENOSPC and with EIO (tests/faultinject). After each
# fault: exit status 3, a message naming the file and the error, the tree or file exactly as
# it was (no mix of old and new) and no temporary left; or, for a fault in render's clean-up
# after its commit, exit status 0, a warning naming the file and the error, and the new tree.
# Either way the next normal run repairs everything.
# Usage: MESHROLL=... FAULTINJECT=.../faultinject.so tests/faults.sh render|promote
# MESHROLL_FAULTS, when set, is the meshroll the faults are injected into (one linked with
# the injector: build/meshroll-faults, for a static build that LD_PRELOAD cannot reach).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${MESHROLL:-build/meshroll}
case $bin in /*) ;; *) bin=$root/$bin ;; esac
fbin=${MESHROLL_FAULTS:-$bin}
case $fbin in /*) ;; *) fbin=$root/$fbin ;; esac
use=$bin # the meshroll run() runs
shim=${FAULTINJECT:-build/faultinject.so}
case $shim in /*) ;; *) shim=$root/$shim ;; esac
what=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
fail=0
points=0

bad() { echo "faults: $what $call #$n $err: $*"; fail=1; }

# A: the tree (or file) before; B: what a normal run makes of it.
cp "$root/testdata/ok-full/rollout.yaml" a.yaml
sed 's/activeStage: 25/activeStage: 50/; s/stages: \[0, 10, 25, 50, 100\]/stages: [0, 10, 50, 75, 100]/;
     s/team: store/team: shop/; s/maxConnections: 100/maxConnections: 200/' a.yaml >b.yaml
if [ "$what" = render ]; then
	"$bin" render -o A a.yaml && "$bin" render -o B b.yaml || exit 1
	prepare() { rm -rf out && cp -a A out; }
	run() { "$use" render -o out b.yaml; }
	files() { (cd "$1" && find . -type f ! -name '*.tmp' -exec md5sum {} + | sort); }
	# failed: the tree as it was, directories too; committed: the new files
	verify() {
		if [ "$1" = 3 ]; then diff -r out A >/dev/null || echo "changed by a failed run"; fi
		if [ "$1" = 0 ]; then [ "$(files out)" = "$(files B)" ] || echo "not the new tree"; fi
		[ "$1" = 0 ] || find out -name '*.tmp'
	}
	repaired() { [ "$(files out)" = "$(files B)" ] && [ -z "$(find out -name '*.tmp')" ]; }
else
	cp a.yaml A.yaml
	cp a.yaml B.yaml
	"$bin" promote --to 100 B.yaml >/dev/null || exit 1
	prepare() { cp A.yaml r.yaml && chmod 640 r.yaml; }
	run() { "$use" promote --to 100 r.yaml; }
	verify() {
		cmp -s r.yaml A.yaml || echo "r.yaml changed"
		[ "$(stat -c %a r.yaml)" = 640 ] || echo "mode changed"
		ls -a | grep '\.tmp$'
	}
	repaired() { cmp -s r.yaml B.yaml; }
fi

prepare
rm -f counts
use=$fbin
FAULT_COUNT="$work/counts" LD_PRELOAD="$shim" run >/dev/null 2>&1 || { echo "faults: the counting run failed"; exit 1; }
# a static meshroll that LD_PRELOAD cannot reach counts nothing: that is no pass
[ -s counts ] && awk '$2 > 0 {n++} END {exit !n}' counts ||
	{ echo "faults: the injector counted no call of $fbin (a static build? see MESHROLL_FAULTS)"; exit 1; }
while read -r call count; do
	n=1
	while [ "$n" -le "$count" ]; do
		for err in ENOSPC EIO; do
			points=$((points + 1))
			prepare
			use=$fbin
			FAULT_CALL=$call FAULT_NTH=$n FAULT_ERRNO=$err LD_PRELOAD="$shim" run >/dev/null 2>stderr
			status=$?
			use=$bin
			text="No space left on device"
			[ $err = EIO ] && text="Input/output error"
			level=error
			[ $status = 0 ] && [ "$what" = render ] && level=warning
			[ $status = 3 ] || [ $level = warning ] || bad "exit status $status, not 3: $(cat stderr)"
			grep -q "$level: .*$text" stderr || bad "no '$level: $text' in: $(cat stderr)"
			grep -q "^\(out/\|r\.yaml\)" stderr || bad "the message names no file: $(cat stderr)"
			left=$(verify $status)
			[ -z "$left" ] || bad "$left"
			if [ "$what" = render ]; then run >/dev/null 2>&1; else prepare; run >/dev/null 2>&1; fi
			repaired || bad "the next run did not repair it"
		done
		n=$((n + 1))
	done
done <counts
echo "faults: $what: $points fault points ($(tr '\n' ' ' <counts)x ENOSPC, EIO); $([ $fail = 0 ] && echo ok || echo FAILED)"
exit $fail
