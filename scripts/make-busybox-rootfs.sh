#!/usr/bin/env bash
# Makes a minimal root filesystem from Debian's busybox-static, offline: the base of every test
# image. Usage: make-busybox-rootfs.sh DIR
set -euo pipefail
dir=${1:?usage: make-busybox-rootfs.sh DIR}
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "busybox-static is not installed (apt-get install busybox-static)" >&2; exit 1; }
mkdir -p "$dir"/{bin,sbin,etc,proc,sys,dev,tmp,root,var/log,usr/bin,usr/sbin,run,home}
chmod 1777 "$dir/tmp"
cp "$busybox" "$dir/bin/busybox"
for applet in $("$busybox" --list); do
  [ -e "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"
done
cat > "$dir/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
app:x:1000:1000:app:/home/app:/bin/sh
P
cat > "$dir/etc/group" <<'G'
root:x:0:
daemon:x:1:
users:x:100:app
nogroup:x:65534:
app:x:1000:
G
mkdir -p "$dir/home/app" && chown 1000:1000 "$dir/home/app"
: > "$dir/etc/hosts"
: > "$dir/etc/resolv.conf"
echo busybox > "$dir/etc/hostname"
