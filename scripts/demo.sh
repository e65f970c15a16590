#!/usr/bin/env bash
# Installs what is missing, builds berth, makes the example images offline, brings up the web app
# example (web server, API, Redis) and shows it answering through its published port.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh berth berth-supervisor
scripts/make-images.sh build/berth
build/berth -f examples/webapp/compose.yaml up -d --wait
build/berth -f examples/webapp/compose.yaml ps
echo
echo "--- curl http://127.0.0.1:8080/"
curl -fsS http://127.0.0.1:8080/
echo "--- curl http://127.0.0.1:8080/cgi-bin/visits (twice)"
curl -fsS http://127.0.0.1:8080/cgi-bin/visits
curl -fsS http://127.0.0.1:8080/cgi-bin/visits
echo
echo "The stack is up. Take it down with: build/berth -f examples/webapp/compose.yaml down"
