#!/usr/bin/env bash
# Pull and unpack figures from a local docker-registry: one image with a single 200 MB layer and
# one with 30 small layers (gzip). Prints wall times and throughput next to `tar -x` of the same
# layers as a disk-speed baseline. Usage: bench/images.sh [path/to/berth]
set -euo pipefail
berth=$(realpath "${1:-$(dirname "$0")/../build/berth}")
[ -x "$berth" ] || { echo "build berth first (scripts/build.sh)" >&2; exit 1; }
work=$(mktemp -d /tmp/berth-bench-XXXXXX)
registry_pid=
cleanup() {
  [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null && wait "$registry_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/registry.yml" <<YML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: 127.0.0.1:$port}
YML
/usr/bin/docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done

# An OCI archive of gzip layers made from directories: make_image OUT REF DIR...
make_image() {
  python3 - "$@" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
out, ref, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
blobs, layers, diff_ids = {}, [], []
def add(data):
    d = "sha256:" + hashlib.sha256(data).hexdigest(); blobs[d] = data; return d
for d in dirs:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name in sorted(os.listdir(d)): t.add(os.path.join(d, name), arcname=name)
    raw = raw.getvalue(); diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
    gz = gzip.compress(raw, compresslevel=1, mtime=0)
    layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": add(gz), "size": len(gz)})
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                     "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": add(config), "size": len(config)},
    "layers": layers}).encode()
md = add(manifest)
index = json.dumps({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": md, "size": len(manifest), "annotations": {"org.opencontainers.image.ref.name": ref}}]}).encode()
with tarfile.open(out, "w") as t:
    def put(name, data):
        info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
    put("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'); put("index.json", index)
    for d, data in blobs.items(): put("blobs/sha256/" + d[7:], data)
PY
}

now() { date +%s.%N; }
mb() { du -sm --apparent-size "$1" | cut -f1; }

# One 200 MB layer: 200 files of 1 MB, half random and half text (so gzip has work to do).
mkdir -p "$work/big"
for i in $(seq 100); do head -c 1048576 /dev/urandom > "$work/big/r$i"; done
for i in $(seq 100); do head -c 786432 /dev/urandom | base64 -w 0 > "$work/big/t$i"; done
# 30 small layers of 50 files of 16 kB each.
small_dirs=()
for l in $(seq 30); do
  mkdir -p "$work/small/$l/etc/layer$l"
  for f in $(seq 50); do head -c 12288 /dev/urandom | base64 -w 0 > "$work/small/$l/etc/layer$l/f$f"; done
  small_dirs+=("$work/small/$l")
done
make_image "$work/big.tar" "127.0.0.1:$port/bench/big:1" "$work/big"
make_image "$work/small.tar" "127.0.0.1:$port/bench/small:1" "${small_dirs[@]}"

export BERTH_ROOT=$work/pusher BERTH_RUN_ROOT=$work/run DOCKER_CONFIG=$work/docker
"$berth" image load -q -i "$work/big.tar"
"$berth" image load -q -i "$work/small.tar"
"$berth" image push -q "127.0.0.1:$port/bench/big:1" >/dev/null
"$berth" image push -q "127.0.0.1:$port/bench/small:1" >/dev/null

report() {  # name seconds megabytes
  python3 -c "import sys; n,s,m=sys.argv[1],float(sys.argv[2]),float(sys.argv[3]); print(f'{n:<44} {s:7.2f} s  {m/s:8.1f} MB/s')" "$@"
}
echo "berth image pull from 127.0.0.1:$port (uncompressed sizes; $(nproc) cores)"
for image in big small; do
  for run in 1 2 3; do
    export BERTH_ROOT=$work/puller-$image-$run
    sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
    t0=$(now)
    "$berth" --progress quiet image pull -q "127.0.0.1:$port/bench/$image:1" >/dev/null
    t1=$(now)
    size=$(mb "$BERTH_ROOT/images/layers")
    report "pull+unpack $image (run $run, ${size} MB)" "$(echo "$t1 - $t0" | bc)" "$size"
    rm -rf "$BERTH_ROOT"
  done
done
# Baseline: GNU tar extracting the same layers from local disk.
export BERTH_ROOT=$work/pusher
for image in big small; do
  mkdir -p "$work/tar-$image"
  sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
  layers=$(python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(' '.join(l['digest'][7:] for l in m['layers']))" \
    "$BERTH_ROOT/images/blobs/sha256/$("$berth" image inspect "127.0.0.1:$port/bench/$image:1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Manifest"]["Digest"][7:])')")
  t0=$(now)
  for l in $layers; do tar -xzf "$BERTH_ROOT/images/blobs/sha256/$l" -C "$work/tar-$image"; done
  t1=$(now)
  report "baseline: tar -xzf of the $image layers" "$(echo "$t1 - $t0" | bc)" "$(mb "$work/tar-$image")"
done
