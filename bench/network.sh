#!/usr/bin/env bash
# Network figures: setup per container (namespace, veth, addresses, rules, DNS records), DNS
# query latency against berth's responder and how soon its answers follow a container's record,
# and TCP throughput between two namespaces on a berth network beside two on a bridge made by
# hand. As root.
# Usage: bench/network.sh [setups=50] [dns-queries=2000] [tcp-seconds=3]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja >/dev/null
cmake --build build --target network_bench >/dev/null
tmp=$(mktemp -d /tmp/berth-test-bench-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
BERTH_ROOT="$tmp/state" BERTH_RUN_ROOT="$tmp/run" build/bench/network_bench "${1:-50}" "${2:-2000}" "${3:-3}"
