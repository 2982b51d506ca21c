#!/bin/sh
# make bench [N="1 100 1000 5000"]: figures, never pass/fail (the machines here are shared and
# noisy). Each figure is median/min/max of K runs; a program and its floor run alternately,
# run by run (tools/runstat), so that machine noise hits both.
#
#   0. what a page costs here the first time a process touches it: on a VM whose hypervisor
#      shadows the page tables, that, more than instructions, is what a short run pays for.
#   1. one rollout: render -o -, render into a fresh tree and into an unchanged one, check
#      and lint, beside a C program that links libyaml and exits (the floor of any process
#      that loads libyaml); the ratio of their CPU times (target: at most 1.3x).
#   2. kubectl kustomize of one stage of that rollout, beside render -o - (target: 60x), and
#      beside the empty program: the ceiling of that ratio on this machine.
#   3. N generated rollouts: fresh tree, unchanged tree, check, lint: wall, CPU, peak RSS
#      (target: 10 MiB) and time per rollout; the ratio of that at the largest N to that at
#      1000 (target: at most 1.2x).
#
# Fresh trees go under /dev/shm when it is writable (this machine's disk is slow and
# shared, and creating a file there costs 0.1 to 1 ms); one row writes to disk, for scale.
# BENCH_CC, BENCH_CFLAGS and BENCH_LIBS (set by make) build the floor program.
set -eu
sizes=${*:-1 100 1000 5000}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${MESHROLL:-build/meshroll}
case $bin in /*) ;; *) bin=$root/$bin ;; esac
runstat=$root/build/runstat
work=$(mktemp -d)
shm=
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	shm=$(mktemp -d /dev/shm/meshroll-bench-XXXXXX)
fi
trap 'rm -rf "$work" ${shm:+"$shm"}' EXIT
fast=${shm:-$work}

# gen N DIR: N rollouts, svc-0 to svc-N-1, in DIR.
gen() {
	mkdir -p "$2"
	awk -v n="$1" -v dir="$2" 'BEGIN {
		for (i = 0; i < n; i++) {
			f = dir "/svc-" i ".yaml"; t = "team-" (i % 20); st = (i % 5) * 25
			if (st == 75) st = 50
			printf "apiVersion: meshroll.dev/v1alpha1\nkind: Rollout\nmetadata:\n" > f
			printf "  name: svc-%d\n  namespace: %s\n", i, t > f
			printf "  labels: {team: %s, tier: backend}\nspec:\n", t > f
			printf "  port: %d\n  stable: v1\n  canary: v2\n", 8000 + i % 1000 > f
			printf "  stages: [0, 10, 25, 50, 100]\n  activeStage: %d\n", st > f
			printf "  gateways: [mesh]\n  timeout: 10s\n" > f
			printf "  retries: {attempts: 3, perTryTimeout: 2s, retryOn: \"5xx,connect-failure\"}\n" > f
			printf "  circuitBreaker:\n    consecutive5xxErrors: 5\n    interval: 30s\n" > f
			printf "    baseEjectionTime: 30s\n    maxEjectionPercent: 50\n" > f
			printf "    minHealthPercent: 50\n    maxConnections: 100\n  mtls: STRICT\n" > f
			close(f)
		}
	}'
}

# measure K [-p PREP] COMMAND... [-- FLOOR...]: runs them into $work/runs; fails on a
# non-zero exit.
measure() {
	k=$1
	shift
	"$runstat" -n "$k" "$@" >"$work/runs"
	if awk '$6 != 0 {bad = 1} END {exit !bad}' "$work/runs"; then
		echo "bench: a run exited non-zero: $*" >&2
		exit 1
	fi
}

# med TAG FIELD: the median of FIELD (wall, cpu or rss) over TAG's runs, in ms or MiB.
# mmm TAG FIELD: median/min/max.
pick() {
	awk -v t="$1" -v f="$2" '$1 == t {
		print f == "wall" ? $2 / 1000 : f == "cpu" ? ($3 + $4) / 1000 : $5 / 1024 }' \
		"$work/runs" | sort -g
}
med() { pick "$1" "$2" | awk '{v[NR] = $1} END {printf "%.3f", v[int((NR + 1) / 2)]}'; }
mmm() {
	pick "$1" "$2" | awk -v p="$3" '{v[NR] = $1}
		END {printf "%." p "f/%." p "f/%." p "f", v[int((NR + 1) / 2)], v[1], v[NR]}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2fx", a / b; else print "-"}'; }

# The floor: a C program that links libyaml and exits, built as meshroll is.
cat >"$work/empty.c" <<'C'
#include <yaml.h>
int main(void) { return yaml_get_version_string()[0] == 'x'; }
C
# shellcheck disable=SC2086 # flags are lists of words
${BENCH_CC:-cc} ${BENCH_CFLAGS:--O2} -o "$work/empty" "$work/empty.c" ${BENCH_LIBS:--lyaml}
empty=$work/empty

# pages FILE: microseconds per page touched for the first time, of 256 pages each: fresh
# anonymous memory written (a page fault each), the same after MAP_POPULATE (no fault: what
# is left is the first touch itself), and FILE mapped and read (the page cache's pages, a
# fault per 16 at most).
cat >"$work/pages.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
enum { N = 256, P = 4096 };
static double now(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}
static double touch(volatile char *p) {
	double t = now();
	for (int i = 0; i < N; i++)
		p[i * P] += 1;
	return (now() - t) / N;
}
int main(int argc, char **argv) {
	int fl = MAP_PRIVATE | MAP_ANONYMOUS, fd = argc > 1 ? open(argv[1], O_RDONLY) : -1;
	char *a = mmap(0, N * P, PROT_READ | PROT_WRITE, fl, -1, 0);
	char *b = mmap(0, N * P, PROT_READ | PROT_WRITE, fl | MAP_POPULATE, -1, 0);
	char *f = fd < 0 ? MAP_FAILED : mmap(0, N * P, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (a == MAP_FAILED || b == MAP_FAILED || f == MAP_FAILED)
		return 1;
	volatile char s = 0;
	double ta = touch(a), tb = touch(b), t = now();
	for (int i = 0; i < N; i++)
		s += f[i * P];
	printf("%.1f %.1f %.1f\n", ta, tb, (now() - t) / N);
	return s == 'x';
}
C
# shellcheck disable=SC2086 # flags are lists of words
${BENCH_CC:-cc} ${BENCH_CFLAGS:--O2} -o "$work/pages" "$work/pages.c"

echo "meshroll bench: $(uname -n), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"
where="$work (disk: /dev/shm is not writable)"
[ -z "$shm" ] || where="/dev/shm (tmpfs), one row on disk for scale"
echo "figures are median/min/max of interleaved runs; fresh trees under $where"
echo

# 0. A page's first touch; a file of 256 pages for the last figure (not in the page cache at
# first: its first run reads it).
head -c $((256 * 4096)) /dev/zero >"$work/pages.dat"
"$work/pages" "$work/pages.dat" >/dev/null
for _ in 1 2 3 4 5; do "$work/pages" "$work/pages.dat"; done >"$work/pages.out"
col() { awk -v c="$1" '{print $c}' "$work/pages.out" | sort -g | sed -n 3p; }
echo "a page's first touch, median of 5 runs of 256 pages: fresh anonymous memory $(col 1) us," \
	"the same populated beforehand $(col 2) us, a file's page $(col 3) us"
echo

# 1. One rollout, beside the empty program.
k1=301 # the ratio of two medians near 3 ms: 101 runs left it 0.03 either way
gen 1 "$work/in1"
one=$work/in1/svc-0.yaml
"$bin" render -o "$fast/one-same" "$one"
row1() { # row1 LABEL [-p PREP] COMMAND...
	label=$1
	shift
	measure "$k1" "$@" -- "$empty"
	printf '%-30s cpu %s ms  wall %s ms  empty cpu %s wall %s ms  cpu ratio %s\n' "$label" \
		"$(mmm A cpu 2)" "$(mmm A wall 2)" "$(mmm B cpu 2)" "$(mmm B wall 2)" \
		"$(ratio "$(med A cpu)" "$(med B cpu)")"
}
echo "one rollout (5 stages, 10 files), $k1 runs each, beside an empty program linking libyaml:"
row1 "render -o -" "$bin" render -o - "$one"
render_cpu_ratio=$(ratio "$(med A cpu)" "$(med B cpu)")
row1 "render, fresh tree" -p "rm -rf '$fast/one-fresh'" "$bin" render -o "$fast/one-fresh" "$one"
row1 "render, unchanged tree" "$bin" render -o "$fast/one-same" "$one"
row1 "check" "$bin" check -o "$fast/one-same" "$one"
row1 "lint" "$bin" lint "$one"
echo "  render -o - cpu / empty cpu: $render_cpu_ratio (target: at most 1.30x)"
echo

# 2. kubectl kustomize of one stage of that rollout, beside render -o -.
stage=$(find "$fast/one-same" -path '*/stages/*' -name kustomization.yaml | sort | head -n 1)
if command -v kubectl >/dev/null 2>&1 && [ -n "$stage" ]; then
	k2=11
	measure "$k2" kubectl kustomize "$(dirname "$stage")" -- "$bin" render -o - "$one"
	printf '%-30s cpu %s ms  wall %s ms  (%d runs, beside render -o -)\n' \
		"kubectl kustomize, one stage" "$(mmm A cpu 1)" "$(mmm A wall 1)" "$k2"
	echo "  kustomize wall / render -o - wall: $(ratio "$(med A wall)" "$(med B wall)")" \
		"(target: 60x or more)"
	# The most any program can reach here: kustomize beside the empty program, which only
	# starts and exits (on this VM that alone takes some 2 to 3 ms of wall time).
	measure "$k2" kubectl kustomize "$(dirname "$stage")" -- "$empty"
	echo "  kustomize wall / empty program wall: $(ratio "$(med A wall)" "$(med B wall)")" \
		"(the ceiling of that ratio on this machine)"
else
	echo "kubectl kustomize, one stage     SKIP: kubectl not found"
fi
echo

# 3. N rollouts.
printf '%-36s %-24s %-24s %8s %12s\n' "N rollouts" "wall ms" "cpu ms" "RSS MiB" "per rollout"
rown() { # rown LABEL N [-p PREP] COMMAND...: one row; appends "N LABEL WALL CPU" to medians
	label=$1 n=$2
	shift 2
	k=5 # at 5,000 a run takes a second or two, and three gave medians 25% apart
	[ "$n" -le 100 ] && k=11
	case $label in *disk*) k=3 ;; esac
	measure "$k" "$@"
	rss=$(pick A rss | tail -n 1)
	flag=
	awk -v r="$rss" 'BEGIN {exit !(r > 10)}' && flag=" OVER 10 MiB"
	printf '%-36s %-24s %-24s %8.1f %9.1f us%s\n' "$label, N=$n (k=$k)" "$(mmm A wall 1)" \
		"$(mmm A cpu 1)" "$rss" "$(awk -v w="$(med A wall)" -v n="$n" 'BEGIN {print w * 1000 / n}')" \
		"$flag"
	echo "$n $(echo "$label" | tr ' ' -) $(med A wall) $(med A cpu)" >>"$work/medians"
}
: >"$work/medians"
for n in $sizes; do
	in=$work/in-$n
	gen "$n" "$in"
	out=$fast/out-$n
	rown "fresh tree" "$n" -p "rm -rf '$out'" "$bin" render -o "$out" "$in"
	if [ -n "$shm" ] && [ "$n" -le 1000 ]; then
		rown "fresh tree on disk" "$n" -p "rm -rf '$work/disk-$n'" "$bin" render -o "$work/disk-$n" "$in"
		rm -rf "$work/disk-$n"
	fi
	rown "unchanged tree" "$n" "$bin" render -o "$out" "$in"
	rown "check" "$n" "$bin" check -o "$out" "$in"
	rown "lint" "$n" "$bin" lint "$in"
	[ "$n" = "$(echo "$sizes" | awk '{print $NF}')" ] &&
		echo "  N=$n wrote $(find "$out" -type f | wc -l) files, $(find "$out" -type f -exec cat {} + | wc -c) bytes"
	rm -rf "$out" "$in"
done
big=$(echo "$sizes" | tr ' ' '\n' | sort -n | tail -n 1)
if [ "$big" -gt 1000 ] && grep -q '^1000 ' "$work/medians"; then
	echo "per-rollout time at N=$big / at N=1000 (target: at most 1.20x):"
	for what in fresh-tree unchanged-tree check lint; do
		awk -v big="$big" -v w="$what" '$2 == w && $1 == 1000 {wa = $3; ca = $4}
			$2 == w && $1 == big {wb = $3; cb = $4}
			END {if (wa > 0 && ca > 0) printf "  %-16s wall %.2fx  cpu %.2fx\n", w,
				wb / big / (wa / 1000), cb / big / (ca / 1000)}' "$work/medians"
	done
fi
