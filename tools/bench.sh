#!/bin/sh
# make bench [N=1000]: renders N generated rollouts into a fresh tree, again into the same
# (unchanged) tree, and one rollout many times; prints wall time, files, bytes and peak RSS.
# Figures, not pass/fail: machines here are shared and noisy.
set -eu
n=${1:-1000}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${MESHROLL:-build/meshroll}
case $bin in /*) ;; *) bin=$root/$bin ;; esac
runstat=$root/build/runstat
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir "$work/in"
i=0
while [ $i -lt "$n" ]; do
	cat >"$work/in/svc-$i.yaml" <<YAML
apiVersion: meshroll.dev/v1alpha1
kind: Rollout
metadata:
  name: svc-$i
  namespace: team-$((i % 20))
  labels: {team: team-$((i % 20)), tier: backend}
spec:
  port: $((8000 + i % 1000))
  stable: v1
  canary: v2
  stages: [0, 10, 25, 50, 100]
  activeStage: $(((i % 5) * 25))
  gateways: [mesh]
  timeout: 10s
  retries: {attempts: 3, perTryTimeout: 2s, retryOn: "5xx,connect-failure"}
  circuitBreaker:
    consecutive5xxErrors: 5
    interval: 30s
    baseEjectionTime: 30s
    maxEjectionPercent: 50
    minHealthPercent: 50
    maxConnections: 100
  mtls: STRICT
YAML
	i=$((i + 1))
done
sed -i 's/activeStage: 75/activeStage: 50/' "$work"/in/*.yaml

cd "$work"
if command -v python3 >/dev/null; then # what this machine's file system allows, for scale
	set -- $("$runstat" python3 -c "
import os
for i in range($n):
    d = 'base/ns/svc-%d/stages' % i
    os.makedirs(d + '/x')
    for j in range(10):
        with open('%s/f%d' % (d, j), 'w') as f:
            f.write('x' * 465)")
	printf 'baseline: python3 makes %d directories and %d files of 465 bytes in %.1f ms\n' \
		$((n * 4)) $((n * 10)) "$(echo "$1" | awk '{print $1/1000}')"
	rm -rf base
fi
report() { # report LABEL WALL_US RSS_KB STATUS
	[ "$4" = 0 ] || { echo "bench: meshroll exited $4 ($1)" >&2; exit 1; }
	printf '%-34s %9.1f ms  peak RSS %6.1f MiB  exit %s\n' "$1" "$(echo "$2" | awk '{print $1/1000}')" \
		"$(echo "$3" | awk '{print $1/1024}')" "$4"
}
set -- $("$runstat" "$bin" render -o out in/*.yaml)
report "render $n rollouts, fresh tree" "$1" "$2" "$3"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then # the same, where creating a file costs no disk
	shm=$(mktemp -d /dev/shm/meshroll-bench-XXXXXX)
	set -- $("$runstat" "$bin" render -o "$shm/out" in/*.yaml)
	rm -rf "$shm"
	report "render $n rollouts, fresh, /dev/shm" "$1" "$2" "$3"
fi
files=$(find out -type f | wc -l)
bytes=$(find out -type f -exec cat {} + | wc -c)
echo "  files written: $files, bytes: $bytes"
set -- $("$runstat" "$bin" render -o out in/*.yaml)
report "render $n rollouts, unchanged tree" "$1" "$2" "$3"
set -- $("$runstat" "$bin" render -o out in)
report "render $n rollouts as a directory" "$1" "$2" "$3"
set -- $("$runstat" "$bin" check -o out in)
report "check $n rollouts, up to date" "$1" "$2" "$3"

times=""
k=0
while [ $k -lt 51 ]; do
	rm -rf one
	set -- $("$runstat" "$bin" render -o one in/svc-0.yaml)
	times="$times $1"
	k=$((k + 1))
done
median=$(printf '%s\n' $times | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]/1000}')
echo "render 1 rollout (5 stages, 10 files), fresh tree: median of 51 runs ${median} ms (whole process)"
set -- $("$runstat" "$bin" render -o - in/svc-0.yaml)
report "render 1 rollout to stdout" "$1" "$2" "$3"
"$bin" render -o one in/svc-0.yaml
times=""
k=0
while [ $k -lt 51 ]; do
	set -- $("$runstat" "$bin" check -o one in/svc-0.yaml)
	[ "$3" = 0 ] || { echo "bench: check exited $3" >&2; exit 1; }
	times="$times $1"
	k=$((k + 1))
done
median=$(printf '%s\n' $times | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]/1000}')
echo "check 1 rollout, up to date: median of 51 runs ${median} ms (whole process)"
