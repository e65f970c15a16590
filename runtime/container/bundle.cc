#include "runtime/container/bundle.h"

#include <sys/stat.h>

#include <utility>

#include "runtime/container/oci_config.h"
#include "runtime/container/record.h"
#include "runtime/supervisor/config.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/paths.h"

namespace berth::runtime {

bool host_cgroup_v2() {
  struct stat st {};
  return ::stat("/sys/fs/cgroup/cgroup.controllers", &st) == 0;
}

Bundle::Bundle(Bundle&& other) noexcept
    : dir_(std::move(other.dir_)), committed_(std::exchange(other.committed_, true)) {}

Bundle::~Bundle() {
  if (committed_ || dir_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

Bundle Bundle::write(const ContainerSpec& spec, const Runc& runc,
                     std::vector<std::string>& warnings) {
  auto dir = container_run_dir(spec.id);
  std::error_code ec;
  if (std::filesystem::exists(dir, ec))
    throw Error("a bundle for container " + spec.id + " already exists at " + dir.string(),
                "remove the container first");
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error("cannot create " + dir.string() + ": " + ec.message());
  Bundle bundle(dir);  // from here on, a throw removes the directory

  OciContext context;
  context.etc_dir = dir / "etc";
  context.cgroups_path = "/berth/" + spec.id;
  context.cgroup_v2 = host_cgroup_v2();
  std::filesystem::create_directories(context.etc_dir);
  if (spec.etc.hosts) fs::write_file_atomic(context.etc_dir / "hosts", *spec.etc.hosts);
  if (spec.etc.hostname) fs::write_file_atomic(context.etc_dir / "hostname", *spec.etc.hostname);
  if (spec.etc.resolv_conf)
    fs::write_file_atomic(context.etc_dir / "resolv.conf", *spec.etc.resolv_conf);
  fs::write_file_atomic(dir / "config.json", build_oci_config(spec, context, warnings));

  SupervisorConfig supervise;
  supervise.id = spec.id;
  supervise.runc_binary = runc.binary().string();
  supervise.runc_root = runc.root().string();
  supervise.state_root = paths::state_root().string();
  supervise.run_root = paths::run_root().string();
  supervise.tty = spec.process.tty;
  supervise.stdin_open = spec.process.stdin_open;
  supervise.restart = spec.restart;
  supervise.healthcheck = spec.healthcheck;
  supervise.log = spec.log;
  supervise.stop_signal = spec.stop_signal.empty() ? "SIGTERM" : spec.stop_signal;
  supervise.stop_grace_period = spec.stop_grace_period;
  fs::write_file_atomic(dir / "supervise.json", supervisor_config_to_json(supervise));
  return bundle;
}

}  // namespace berth::runtime
