#!/usr/bin/env bash
# Every test: installs what is missing, builds, runs the whole ctest suite (unit, end to end,
# conformance), then checks that the tests left nothing behind on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
status=0
ctest --test-dir build --output-on-failure -j "$(nproc)" || status=$?
scripts/check-leftovers.sh || status=1
exit $status
