#!/usr/bin/env bash
# Volume figures: copy-up (copy_tree vs cp -a) and `berth volume export | import` of a tree of
# many small files. Usage: bench/volumes.sh [FILES] [KIB_PER_FILE]  (needs root and a build).
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-10000}
kib=${2:-4}
cmake --build build --target berth copy_tree_bench >/dev/null
work=$(mktemp -d /tmp/berth-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
build/bench/copy_tree_bench "$work/copy" "$files" "$kib"

export BERTH_ROOT=$work/state BERTH_RUN_ROOT=$work/run
build/berth volume create src >/dev/null
cp -a "$work/copy/src/." "$BERTH_ROOT/volumes/src/_data/"
sync
t0=$(date +%s.%N)
build/berth volume export src -o "$work/src.tar"
t1=$(date +%s.%N)
build/berth volume import dst -i "$work/src.tar"
t2=$(date +%s.%N)
size=$(stat -c %s "$work/src.tar")
awk -v f="$files" -v s="$size" -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
  printf "export of %d files: %.3f s (%.0f MiB/s of tar)\n", f, b - a, s / 1048576 / (b - a);
  printf "import of %d files: %.3f s (%.0f MiB/s of tar)\n", f, c - b, s / 1048576 / (c - b) }'
