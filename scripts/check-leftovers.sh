#!/usr/bin/env bash
# Fails when something berth's tests made is still on the machine: a resource left behind is a bug.
set -u
left=0
report() { echo "left behind: $*"; left=1; }
links=$(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | grep -E '^(berth|bt-|vb-)' || true)
[ -n "$links" ] && report "interfaces: $links"
mounts=$(grep -E '/berth-test-|berth' /proc/self/mounts | awk '{print $2}' || true)
[ -n "$mounts" ] && report "mounts: $mounts"
tables=$(nft list tables 2>/dev/null | grep -E 'berth' || true)
[ -n "$tables" ] && report "nftables: $tables"
procs=$(pgrep -af '(^|/)berth ' | grep -v check-leftovers || true)
[ -n "$procs" ] && report "processes: $procs"
supervisors=$(pgrep -af '^[^ ]*berth-supervisor ' || true)
[ -n "$supervisors" ] && report "container supervisors: $supervisors"
cgroups=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 3 -type d -path '*/berth/*' 2>/dev/null || true)
[ -n "$cgroups" ] && report "cgroups: $cgroups"
tmp=$(ls -d /tmp/berth-test-* 2>/dev/null || true)
[ -n "$tmp" ] && report "temporary files: $tmp"
exit $left
