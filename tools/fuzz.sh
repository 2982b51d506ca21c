#!/bin/sh
# tools/fuzz.sh SECONDS TARGET...: runs each libFuzzer target for SECONDS from its corpus in
# build/fuzz/corpus-TARGET (seeded with testdata/), printing its final statistics. A crash
# or a hang leaves build/fuzz/TARGET-crash-* (or -timeout-*) and fails the run.
set -u
seconds=$1
shift
cd "$(dirname "$0")/.."
failed=0
for t in "$@"; do
	corpus=build/fuzz/corpus-$t
	mkdir -p "$corpus"
	# one seed per file, named after its path: most cases' files are all rollout.yaml
	find testdata -name '*.yaml' -size -64k | while read -r f; do
		cp "$f" "$corpus/seed-$(printf '%s' "$f" | tr '/' '_')"
	done
	echo "== $t: $seconds s"
	if build/fuzz/"$t" "$corpus" -dict=fuzz/rollout.dict -max_total_time="$seconds" \
		-timeout=10 -rss_limit_mb=2048 -artifact_prefix=build/fuzz/"$t"- \
		-print_final_stats=1 >build/fuzz/"$t".log 2>&1; then
		grep -E '^stat::(number_of_executed_units|peak_rss_mb|new_units_added)|DONE' \
			build/fuzz/"$t".log | tr '\n' ' '
		echo
	else
		tail -n 40 build/fuzz/"$t".log
		echo "fuzz: $t FAILED; see build/fuzz/$t.log and build/fuzz/$t-*"
		failed=1
	fi
done
exit $failed
