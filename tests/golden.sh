#!/bin/sh
# Golden cases: each directory testdata/CASE holds the input of one run of meshroll and
# golden/CASE what that run printed and wrote (stdout, stderr, status, and tree/ for the
# output directory "out"). The arguments are in testdata/CASE/args (default: render -o out
# rollout.yaml); an executable testdata/CASE/setup makes inputs too big or odd to keep, or a
# tree to start from (it may call "$MESHROLL"); testdata/CASE/capture names input files whose
# state after the run is kept too, in golden/CASE/after/ (promote edits them).
#
#   tests/golden.sh [CASE...]            compare; exit 1 on any difference
#   tests/golden.sh --update [CASE...]   rewrite golden/CASE from what meshroll does now
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${MESHROLL:-build/meshroll}
case $bin in /*) ;; *) bin=$root/$bin ;; esac
export MESHROLL="$bin"
update=0
if [ "${1:-}" = --update ]; then update=1; shift; fi
[ $# -gt 0 ] || set -- $(ls "$root/testdata")

failed=0
for c in "$@"; do
	work=$(mktemp -d)
	cp -R "$root/testdata/$c/." "$work/in"
	args="render -o out rollout.yaml"
	[ -f "$work/in/args" ] && args=$(cat "$work/in/args")
	(
		cd "$work/in" || exit 3
		[ -x setup ] && ./setup
		# shellcheck disable=SC2086 # args are words, split on purpose
		"$bin" $args >"$work/stdout" 2>"$work/stderr" </dev/null
		echo $? >"$work/status"
	)
	mkdir "$work/result"
	mv "$work/stdout" "$work/stderr" "$work/status" "$work/result/"
	[ -d "$work/in/out" ] && mv "$work/in/out" "$work/result/tree"
	if [ -f "$work/in/capture" ]; then
		mkdir "$work/result/after"
		for f in $(cat "$work/in/capture"); do cp "$work/in/$f" "$work/result/after/"; done
	fi
	if [ $update = 1 ]; then
		rm -rf "$root/golden/$c"
		mkdir -p "$root/golden"
		cp -R "$work/result" "$root/golden/$c"
	elif ! diff -ru "$root/golden/$c" "$work/result"; then
		echo "golden: FAIL $c"
		failed=1
	fi
	rm -rf "$work"
done
exit $failed
