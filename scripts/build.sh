#!/usr/bin/env bash
# Configures and builds berth into build/ (build/berth is the binary).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBERTH_WERROR=ON
fi
cmake --build build -j "$(nproc)"
