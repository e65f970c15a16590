#!/usr/bin/env bash
# Builds the loader's libFuzzer target with clang (ASan + UBSan) in build-fuzz/ and runs it for
# N seconds (default 300) over a corpus seeded from the conformance cases' compose files.
# Usage: scripts/fuzz.sh [seconds] [jobs]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
jobs=${2:-1}
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBERTH_FUZZ=ON -DBERTH_TESTS=OFF
fi
cmake --build build-fuzz --target loader_fuzz -j "$(nproc)"

corpus=build-fuzz/corpus/loader
mkdir -p "$corpus" build-fuzz/findings
if [ -d ../shared/conformance ] && [ -z "$(ls -A "$corpus")" ]; then
  n=0
  while IFS= read -r f; do
    cp "$f" "$corpus/seed-$n.yaml"
    n=$((n + 1))
  done < <(find ../shared/conformance -name '*.y*ml' ! -name 'expected*' ! -name case.yaml | sort)
  echo "seeded $n files from the conformance corpus"
fi
root=$(pwd)
parallel=()
# With -jobs, libFuzzer writes each job's log to fuzz-N.log in the working directory.
if ((jobs > 1)); then parallel=(-jobs="$jobs" -workers="$jobs"); fi
cd build-fuzz
"$root/build-fuzz/tests/fuzz/loader_fuzz" "$root/$corpus" -max_total_time="$seconds" "${parallel[@]}" \
  -max_len=65536 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$root/build-fuzz/findings/" \
  -print_final_stats=1
