#!/usr/bin/env bash
# The project verbs on a running stack of N busybox services (init: true): how long stop, start,
# restart, kill, pause/unpause, ps, ls, top, logs, exec and run --rm take, end to end through the
# berth binary. Usage: bench/verbs.sh [build dir] [N]   (as root)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
n=${2:-10}
berth=$PWD/$build/berth
work=$(mktemp -d /tmp/berth-bench-XXXXXX)
export BERTH_ROOT=$work/state BERTH_RUN_ROOT=$work/run
source bench/run_root.sh
cleanup() {
  "$berth" -f "$work/compose.yaml" -p bench --progress quiet down -v -t 0 >/dev/null 2>&1 || true
  bench_run_root_done "$BERTH_RUN_ROOT"
  rm -rf "$work"
}
trap cleanup EXIT
bench_run_root "$BERTH_RUN_ROOT"
scripts/make-busybox-rootfs.sh "$work/rootfs"
"$berth" image import "$work/rootfs" busybox --change 'CMD ["sh"]' >/dev/null
{
  echo "services:"
  for i in $(seq "$n"); do
    printf '  s%d:\n    image: busybox\n    command: sleep 1000\n    init: true\n    network_mode: none\n' "$i"
  done
} > "$work/compose.yaml"

now_ms() { date +%s%3N; }
b() { "$berth" -f "$work/compose.yaml" -p bench --progress quiet "$@"; }
timed() {
  local label=$1 start end
  shift
  start=$(now_ms)
  "$@" >/dev/null
  end=$(now_ms)
  printf '%-28s %6d ms\n' "$label" $((end - start))
}
echo "stack of $n services, $(nproc) cores"
timed "up -d" b up -d
timed "stop" b stop
timed "start" b start
timed "restart" b restart
timed "pause" b pause
timed "unpause" b unpause
timed "ps" b ps
timed "ls" "$berth" ls
timed "top" b top
timed "logs" b logs
timed "exec s1 true" b exec -T s1 true
timed "run --rm --no-deps s1 true" b run --rm --no-deps s1 true
timed "kill" b kill
timed "rm -f" b rm -f
timed "down" b down
