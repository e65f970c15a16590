#!/usr/bin/env bash
# `berth up -d` and `berth down` of stacks of 1, 10 and 30 busybox services (flat, and as a chain
# of depends_on), `berth ps` on a running 30-service stack, and `berth config` on them; beside the
# bare runc floor for the same containers (runc run -d of the same root filesystem, all at once).
# Usage: bench/stack.sh [build dir] [repeats]   (as root; prints figures, median of the repeats)
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(cd "${1:-build}" && pwd)
repeats=${2:-3}
cmake --build "$build" --target berth berth-supervisor >/dev/null
work=$(mktemp -d /tmp/berth-bench-XXXXXX)
export BERTH_ROOT=$work/state BERTH_RUN_ROOT=$work/run
berth=$build/berth
source bench/run_root.sh
cleanup() {
  for d in "$work"/stack-*; do [ -f "$d/compose.yaml" ] && "$berth" -f "$d/compose.yaml" down -t 0 >/dev/null 2>&1 || true; done
  for id in $(runc --root "$work/runc-bare" list -q 2>/dev/null); do runc --root "$work/runc-bare" delete -f "$id" >/dev/null 2>&1 || true; done
  bench_run_root_done "$BERTH_RUN_ROOT"
  rm -rf "$work"
}
trap cleanup EXIT
bench_run_root "$BERTH_RUN_ROOT"
scripts/make-busybox-rootfs.sh "$work/rootfs" >/dev/null
"$berth" image import "$work/rootfs" busybox:latest --change 'CMD ["sh"]' >/dev/null

# compose.yaml with N services; chain: each depends on the one before.
blueprint() {
  local n=$1 shape=$2
  local dir=$work/stack-$shape-$n
  mkdir -p "$dir"
  {
    echo "name: bench-$shape-$n"
    echo "services:"
    for i in $(seq "$n"); do
      echo "  s$i:"
      echo "    image: busybox"
      echo "    command: [\"sleep\", \"100000\"]"
      echo "    init: true"
      if [ "$shape" = chain ] && [ "$i" -gt 1 ]; then echo "    depends_on: [s$((i - 1))]"; fi
    done
  } > "$dir/compose.yaml"
  echo "$dir/compose.yaml"
}

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure_stack() {
  local n=$1 shape=$2
  local file ups=() downs=() start
  file=$(blueprint "$n" "$shape")
  for _ in $(seq "$repeats"); do
    start=$(now_ms); "$berth" -f "$file" --progress quiet up -d; ups+=($(( $(now_ms) - start )))
    start=$(now_ms); "$berth" -f "$file" --progress quiet down -t 0; downs+=($(( $(now_ms) - start )))
  done
  printf '%-6s %3d services: up -d %5d ms   down %5d ms\n' "$shape" "$n" \
    "$(printf '%s\n' "${ups[@]}" | median)" "$(printf '%s\n' "${downs[@]}" | median)"
}

# Waits for the runc runs given by pid; a floor with a failed run would be a false figure.
all_ran() {
  local failed=0 pid
  for pid in "$@"; do wait "$pid" || failed=$((failed + 1)); done
  if [ "$failed" -gt 0 ]; then echo "$failed of $# runc runs failed: the floor is not measured" >&2; exit 1; fi
}

# The floor: runc's default config, the same rootfs, all containers started at once.
mkdir -p "$work/bare"
(cd "$work/bare" && runc spec)
sed -i -e "s|\"path\": \"rootfs\"|\"path\": \"$work/rootfs\"|" -e 's|"terminal": true|"terminal": false|' \
  -e 's|"sh"|"sleep", "100000"|' "$work/bare/config.json"
bare() {
  local n=$1 times=() start pids
  for r in $(seq "$repeats"); do
    start=$(now_ms)
    pids=()
    for i in $(seq "$n"); do runc --root "$work/runc-bare" run -d --bundle "$work/bare" "b-$r-$i" </dev/null >/dev/null 2>&1 & pids+=($!); done
    all_ran "${pids[@]}"
    times+=($(( $(now_ms) - start )))
    for i in $(seq "$n"); do runc --root "$work/runc-bare" delete -f "b-$r-$i" >/dev/null 2>&1; done
  done
  printf 'bare runc run -d, %2d at once: %5d ms\n' "$n" "$(printf '%s\n' "${times[@]}" | median)"
}

# A second floor: the same bare containers with the seccomp profile berth gives every container.
# runc compiles the profile into BPF at each start (Docker's containers pay the same), so this is
# the floor berth's own overhead is measured against.
with_seccomp() {
  local probe=$work/stack-probe
  mkdir -p "$probe"
  printf 'services:\n  p:\n    image: busybox\n    command: ["sleep", "1"]\n' > "$probe/compose.yaml"
  "$berth" -f "$probe/compose.yaml" --progress quiet create >/dev/null
  python3 - "$work/bare/config.json" "$BERTH_RUN_ROOT"/containers/*/config.json <<'PY'
import json, sys
bare = json.load(open(sys.argv[1]))
berth = json.load(open(sys.argv[2]))
bare["linux"]["seccomp"] = berth["linux"]["seccomp"]
json.dump(bare, open(sys.argv[1], "w"))
PY
  "$berth" -f "$probe/compose.yaml" --progress quiet down >/dev/null
}

# The third floor: runc running the very bundles berth writes for a flat stack (`berth create`,
# then `runc run -d` of each bundle, all at once, under a runc root of its own): what berth asks
# of runc (its mounts, capabilities, init, cgroup, seccomp) without berth itself.
berth_bundles() {
  local n=$1 file times=() start ids pids
  file=$(blueprint "$n" flat)
  "$berth" -f "$file" --progress quiet create
  ids=$(ls "$BERTH_RUN_ROOT/containers")
  for r in $(seq "$repeats"); do
    start=$(now_ms)
    pids=()
    for id in $ids; do
      runc --root "$work/runc-bare" run -d --bundle "$BERTH_RUN_ROOT/containers/$id" "o-$id" </dev/null >/dev/null 2>&1 &
      pids+=($!)
    done
    all_ran "${pids[@]}"
    times+=($(( $(now_ms) - start )))
    for id in $ids; do runc --root "$work/runc-bare" delete -f "o-$id" >/dev/null 2>&1; done
  done
  "$berth" -f "$file" --progress quiet down -t 0
  printf "runc run -d of berth's bundles, %2d at once: %5d ms\n" "$n" "$(printf '%s\n' "${times[@]}" | median)"
}

echo "== floor"
for n in 1 10 30; do bare "$n"; done
with_seccomp
echo "-- with berth's seccomp profile"
for n in 1 10 30; do bare "$n"; done
echo "-- berth's own bundles"
for n in 1 10 30; do berth_bundles "$n"; done
echo "== berth"
for n in 1 10 30; do measure_stack "$n" flat; done
for n in 10 30; do measure_stack "$n" chain; done

file=$(blueprint 30 flat)
"$berth" -f "$file" --progress quiet up -d
times=()
for _ in $(seq 20); do start=$(now_ms); "$berth" -f "$file" ps >/dev/null; times+=($(( $(now_ms) - start ))); done
printf 'ps on a running 30-service stack: %d ms (median of 20)\n' "$(printf '%s\n' "${times[@]}" | median)"
times=()
for _ in $(seq 20); do start=$(now_ms); "$berth" -f "$file" config >/dev/null; times+=($(( $(now_ms) - start ))); done
printf 'config of the 30-service stack: %d ms (median of 20)\n' "$(printf '%s\n' "${times[@]}" | median)"
start=$(now_ms); "$berth" -f "$file" --progress quiet up -d; printf 'up -d with nothing to do (30 services): %d ms\n' $(( $(now_ms) - start ))
"$berth" -f "$file" --progress quiet down -t 0
