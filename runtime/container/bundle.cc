#include "runtime/container/bundle.h"

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <utility>

#include "runtime/container/host.h"
#include "runtime/container/oci_config.h"
#include "runtime/container/record.h"
#include "runtime/supervisor/config.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/paths.h"

namespace berth::runtime {

bool host_cgroup_v2() { return host_cgroup_layout() == CgroupLayout::unified; }

Bundle::Bundle(Bundle&& other) noexcept
    : dir_(std::move(other.dir_)), committed_(std::exchange(other.committed_, true)) {}

Bundle::~Bundle() {
  if (committed_ || dir_.empty()) return;
  try {
    remove_tree_on_one_filesystem(dir_);
  } catch (const Error&) {
    // a destructor cannot report; what stays is named by the next removal
  }
}

namespace {
int remove_entry(const char* path, const struct stat*, int type, struct FTW*) {
  int rc = type == FTW_DP ? ::rmdir(path) : ::unlink(path);
  return rc == 0 || errno == ENOENT ? 0 : errno;
}
}  // namespace

// Mount points at or below `dir`, from /proc/self/mounts (whose paths escape space as \040).
std::vector<std::string> mounts_under(const std::filesystem::path& dir) {
  std::vector<std::string> found;
  std::string prefix = dir.lexically_normal().string();
  while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  std::string mounts = fs::read_file_if_exists("/proc/self/mounts").value_or("");
  size_t start = 0;
  while (start < mounts.size()) {
    size_t end = mounts.find('\n', start);
    if (end == std::string::npos) end = mounts.size();
    std::string line = mounts.substr(start, end - start);
    start = end + 1;
    size_t a = line.find(' ');
    if (a == std::string::npos) continue;
    size_t b = line.find(' ', a + 1);
    std::string escaped = line.substr(a + 1, b == std::string::npos ? b : b - a - 1);
    std::string point;
    for (size_t i = 0; i < escaped.size(); ++i) {
      if (escaped[i] == '\\' && i + 3 < escaped.size()) {
        point += static_cast<char>(std::stoi(escaped.substr(i + 1, 3), nullptr, 8));
        i += 3;
      } else {
        point += escaped[i];
      }
    }
    if (point == prefix || point.rfind(prefix + "/", 0) == 0) found.push_back(point);
  }
  return found;
}

void remove_tree_on_one_filesystem(const std::filesystem::path& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return;
  // Refuse before removing anything: a half-removed container is worse than none removed.
  auto mounted = mounts_under(dir);
  if (!mounted.empty())
    throw Error("cannot remove " + dir.string() + ": " + mounted.front() + " is still mounted",
                "unmount it (umount " + mounted.front() + "), then remove again");
  // Depth first, physical (links are removed, not followed), never into another mount.
  int rc = ::nftw(dir.c_str(), remove_entry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
  if (rc != 0 || ::lstat(dir.c_str(), &st) == 0)
    throw Error("cannot remove " + dir.string() + ": " +
                    (rc > 0 ? std::strerror(rc) : "something is still mounted inside"),
                "unmount what is mounted below it (see /proc/self/mounts), then remove again");
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
  context.host_capabilities = host_capability_bounding_set();
  std::filesystem::create_directories(context.etc_dir);
  // The run root is volatile by design: its files need atomic replacement, not fsync.
  auto write = [](const std::filesystem::path& path, const std::string& content) {
    fs::write_file_atomic(path, content, 0644, false);
  };
  if (spec.etc.hosts) write(context.etc_dir / "hosts", *spec.etc.hosts);
  if (spec.etc.hostname) write(context.etc_dir / "hostname", *spec.etc.hostname);
  if (spec.etc.resolv_conf) write(context.etc_dir / "resolv.conf", *spec.etc.resolv_conf);
  write(dir / "config.json", build_oci_config(spec, context, warnings));

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
  write(dir / "supervise.json", supervisor_config_to_json(supervise));
  return bundle;
}

}  // namespace berth::runtime
