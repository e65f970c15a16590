#!/usr/bin/env bash
# Create+start to running, through berth's runtime and through bare `runc run -d` of the same
# root filesystem, for 1 and for 30 containers at once; then the supervisors' memory and idle CPU.
# Two bare baselines: runc's default config (no seccomp), and berth's own config.json (with the
# default seccomp profile, which runc takes tens of milliseconds to compile).
# Usage: bench/containers.sh [build dir]   (as root)
# BERTH_BENCH_INTERACTIVE=1 makes berth's containers interactive (tty: true, stdin_open: true).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cmake --build "$build" --target container_bench berth-supervisor >/dev/null
work=$(mktemp -d /tmp/berth-bench-XXXXXX)
cleanup() {
  for id in $(runc --root "$work/runc-bare" list -q 2>/dev/null); do
    runc --root "$work/runc-bare" delete -f "$id" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
scripts/make-busybox-rootfs.sh "$work/rootfs"
export BERTH_ROOT=$work/state BERTH_RUN_ROOT=$work/run BERTH_SUPERVISOR=$PWD/$build/berth-supervisor
export BERTH_BENCH_CONFIG_OUT=$work/berth-config.json

# runc's own default config, the same rootfs, `sleep 1000`.
mkdir -p "$work/bare"
(cd "$work/bare" && runc spec)
sed -i -e "s|\"path\": \"rootfs\"|\"path\": \"$work/rootfs\"|" \
  -e 's|"terminal": true|"terminal": false|' -e 's|"sh"|"sleep", "1000"|' "$work/bare/config.json"

now_ms() { date +%s%3N; }
bare() {  # bare BUNDLE LABEL N
  local bundle=$1 label=$2 n=$3 start end
  start=$(now_ms)
  for i in $(seq "$n"); do
    runc --root "$work/runc-bare" run -d --bundle "$bundle" "bare-$n-$i" </dev/null >/dev/null 2>&1 &
  done
  wait
  end=$(now_ms)
  local running
  running=$(runc --root "$work/runc-bare" list -q | wc -l)
  echo "bare runc run -d ($label), $n container(s) at once: $((end - start)) ms ($(( (end - start) / n )) ms each, $running running)"
  for i in $(seq "$n"); do runc --root "$work/runc-bare" delete -f "bare-$n-$i" >/dev/null; done
}

for n in 1 30; do
  "$build/bench/container_bench" "$work/rootfs" "$n"
  if [ ! -d "$work/berth-bundle" ]; then
    # berth's config, minus its cgroup path (runc then names a cgroup per container).
    mkdir -p "$work/berth-bundle"
    python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); c["linux"].pop("cgroupsPath",None); json.dump(c,open(sys.argv[2],"w"))' \
      "$work/berth-config.json" "$work/berth-bundle/config.json"
  fi
  bare "$work/bare" "runc's default config" "$n"
  bare "$work/berth-bundle" "berth's config.json" "$n"
done
