#!/usr/bin/env bash
# Installs, builds, and shows the example stack. Until containers land, this shows the resolved
# blueprint and its dependency graph.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build/berth -f examples/webapp/compose.yaml config
build/berth -f examples/webapp/compose.yaml graph
