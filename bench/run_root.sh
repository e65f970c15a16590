# Sourced by the benches: berth's run root is /run/berth, a tmpfs on any systemd host. Where /run
# is on disk (container machines like the CI's), the bench mounts a tmpfs for the run root, so
# that it measures what a host would see. Usage: bench_run_root DIR; bench_run_root_done DIR.
bench_run_root() {
  mkdir -p "$1"
  if [ "$(stat -f -c %T /run)" = tmpfs ]; then return; fi
  mount -t tmpfs -o mode=0755 berth-bench-run "$1"
  echo "(the run root is a tmpfs, as /run/berth is on a host; /run here is $(stat -f -c %T /run))"
}
bench_run_root_done() {
  if mountpoint -q "$1"; then umount "$1" || umount -l "$1"; fi
}
