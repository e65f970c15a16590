#!/usr/bin/env bash
# The loader against ../shared/conformance: every case must pass except those listed, with the
# reason, in known-failures.txt. Exit 77 (skip) where the corpus is absent, as on a user's machine.
set -uo pipefail
berth=${1:?usage: run.sh path/to/berth}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus="$root/../shared/conformance"
tool="$root/../shared/tools/conformance.py"
if [ ! -d "$corpus" ] || [ ! -f "$tool" ]; then
  echo "conformance corpus not found at $corpus: skipped"
  exit 77
fi
report=$(mktemp /tmp/berth-conformance-XXXXXX.json)
trap 'rm -f "$report"' EXIT
/usr/bin/python3 "$tool" --cmd "$berth -p {project} {files} config --format json" \
  --cmd-full-example "$berth -p {project} {files} config --format json --no-normalize --no-consistency" \
  --json-report "$report" --jobs 4 "$corpus" | tail -n 12
/usr/bin/python3 "$here/check_report.py" "$report" "$here/known-failures.txt"
