#!/usr/bin/env bash
# Shakes out races: `up -d` and `down` of flat stacks of 1, 10 and 30 busybox services, three
# times each, on fresh state roots, round after round until the time is up. Core dumps are on;
# every failing command is printed with its exit code (139: a crash).
# Usage: bench/stress.sh [build dir] [seconds]   (as root)
set -uo pipefail
cd "$(dirname "$0")/.."
build=$(cd "${1:-build}" && pwd)
seconds=${2:-300}
cmake --build "$build" --target berth berth-supervisor >/dev/null || exit 1
ulimit -c unlimited
berth=$build/berth
rootfs=$(mktemp -d /tmp/berth-stress-rootfs-XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
scripts/make-busybox-rootfs.sh "$rootfs/busybox" >/dev/null
end=$(( $(date +%s) + seconds ))
rounds=0 failures=0
while [ "$(date +%s)" -lt "$end" ]; do
  rounds=$((rounds + 1))
  work=$(mktemp -d /tmp/berth-stress-XXXXXX)
  export BERTH_ROOT=$work/state BERTH_RUN_ROOT=$work/run
  "$berth" image import "$rootfs/busybox" busybox:latest --change 'CMD ["sh"]' >/dev/null
  for n in 1 10 30; do
    mkdir -p "$work/s$n"
    {
      echo "name: stress-$n"
      echo "services:"
      for i in $(seq "$n"); do printf '  s%d:\n    image: busybox\n    command: ["sleep", "100000"]\n    init: true\n' "$i"; done
    } > "$work/s$n/compose.yaml"
    for _ in 1 2 3; do
      for verb in "up -d" "down -t 0"; do
        # shellcheck disable=SC2086
        "$berth" -f "$work/s$n/compose.yaml" --progress quiet $verb 2>>"$work/errors"
        rc=$?
        if [ "$rc" -ne 0 ]; then
          failures=$((failures + 1))
          echo "round $rounds, $n services, $verb: exit $rc: $(tail -n 1 "$work/errors")"
        fi
      done
    done
  done
  "$berth" -f "$work/s30/compose.yaml" down -t 0 >/dev/null 2>&1
  rm -rf "$work"
done
echo "$rounds rounds, $((rounds * 18)) commands, $failures failed"
[ "$failures" -eq 0 ]
