#!/usr/bin/env bash
# Makes the images the examples and tests use, offline, from Debian packages, into berth's store
# ($BERTH_ROOT, default /var/lib/berth):
#   busybox:latest   busybox-static
#   redis:7          redis-server and redis-cli with their libraries, over busybox
# Usage: make-images.sh [BERTH_BINARY]   (default build/berth). Images already there are kept.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
berth=${1:-$here/../build/berth}
work=$(mktemp -d /tmp/berth-images-XXXXXX)
trap 'rm -rf "$work"' EXIT

have() { "$berth" image inspect "$1" >/dev/null 2>&1; }

# Copies a program and every shared library it loads, at their own paths.
add_program() {
  local rootfs=$1 program=$2 dest=$3
  install -D -m 0755 "$(readlink -f "$program")" "$rootfs$dest"
  ldd "$program" | awk '/=>/ {print $3} /^[ \t]*\/lib/ {print $1}' | while read -r lib; do
    [ -n "$lib" ] && [ -e "$lib" ] || continue
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
}

if ! have busybox:latest; then
  "$here/make-busybox-rootfs.sh" "$work/busybox"
  "$berth" image import "$work/busybox" busybox:latest --change 'CMD ["sh"]' >/dev/null
  echo "made busybox:latest"
fi

if ! have redis:7; then
  command -v redis-server >/dev/null || { echo "redis-server is not installed (scripts/install-deps.sh)" >&2; exit 1; }
  "$here/make-busybox-rootfs.sh" "$work/redis"
  add_program "$work/redis" /usr/bin/redis-server /usr/bin/redis-server
  add_program "$work/redis" /usr/bin/redis-cli /usr/bin/redis-cli
  mkdir -p "$work/redis/data"
  "$berth" image import "$work/redis" redis:7 \
    --change 'CMD ["redis-server", "--protected-mode", "no", "--dir", "/data"]' \
    --change 'EXPOSE 6379' --change 'WORKDIR /data' >/dev/null
  echo "made redis:7"
fi
