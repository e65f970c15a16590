#!/usr/bin/env bash
# Installs every Debian package that berth's build, tests, examples and benchmarks need.
# Debian 12, as root. Safe to run again: it installs only what is missing.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config
  libyaml-cpp-dev libyaml-dev libboost-dev libnl-3-dev libnl-route-3-dev libnl-nf-3-dev libnftables-dev libspdlog-dev libfmt-dev
  libcli11-dev nlohmann-json3-dev libcurl4-openssl-dev libarchive-dev libssl-dev libseccomp-dev
  # run time
  runc catatonit nftables iproute2 golang-github-containers-common
  # tests, fuzzing and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev clang python3 python3-yaml
  busybox-static docker-registry apache2-utils curl hyperfine redis-server redis-tools skopeo
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
