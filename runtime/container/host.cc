#include "runtime/container/host.h"

#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "runtime/container/process.h"
#include "runtime/container/seccomp.h"
#include "util/fs.h"

namespace berth::runtime {

CgroupLayout cgroup_layout_from_mounts(const std::string& mounts) {
  bool v1 = false, v2 = false, unified_root = false;
  size_t start = 0;
  while (start < mounts.size()) {
    size_t end = mounts.find('\n', start);
    if (end == std::string::npos) end = mounts.size();
    std::string line = mounts.substr(start, end - start);
    start = end + 1;
    // device mountpoint type options ...
    size_t a = line.find(' ');
    size_t b = a == std::string::npos ? a : line.find(' ', a + 1);
    size_t c = b == std::string::npos ? b : line.find(' ', b + 1);
    if (c == std::string::npos) continue;
    std::string mountpoint = line.substr(a + 1, b - a - 1);
    std::string type = line.substr(b + 1, c - b - 1);
    if (type == "cgroup") v1 = true;
    if (type == "cgroup2") {
      v2 = true;
      if (mountpoint == "/sys/fs/cgroup") unified_root = true;
    }
  }
  if (unified_root) return CgroupLayout::unified;
  if (v1 && v2) return CgroupLayout::hybrid;
  return v1 ? CgroupLayout::v1 : (v2 ? CgroupLayout::hybrid : CgroupLayout::v1);
}

CgroupLayout host_cgroup_layout() {
  // runc's own test (libcontainer/cgroups.IsCgroup2UnifiedMode): what /sys/fs/cgroup is.
  struct statfs fs_info {};
  if (::statfs("/sys/fs/cgroup", &fs_info) == 0 && fs_info.f_type == CGROUP2_SUPER_MAGIC)
    return CgroupLayout::unified;
  CgroupLayout layout =
      cgroup_layout_from_mounts(fs::read_file_if_exists("/proc/self/mounts").value_or(""));
  // The mounts may say unified for a /sys/fs/cgroup this process does not see as cgroup2.
  return layout == CgroupLayout::unified ? CgroupLayout::hybrid : layout;
}

const char* to_string(CgroupLayout layout) {
  switch (layout) {
    case CgroupLayout::v1: return "v1";
    case CgroupLayout::hybrid: return "hybrid (v1 controllers, cgroup2 beside them)";
    case CgroupLayout::unified: return "v2 (unified)";
  }
  return "unknown";
}

uint64_t bounding_set_from_status(const std::string& status) {
  auto at = status.find("\nCapBnd:");
  if (at == std::string::npos) return ~0ULL;
  try {
    return std::stoull(status.substr(at + 8, status.find('\n', at + 1) - at - 8), nullptr, 16);
  } catch (const std::exception&) {
    return ~0ULL;
  }
}

uint64_t host_capability_bounding_set() {
  return bounding_set_from_status(fs::read_file_if_exists("/proc/self/status").value_or(""));
}

HostFacts detect_host() {
  HostFacts facts;
  facts.cgroups = host_cgroup_layout();
  facts.runc = find_in_path("runc");
  facts.crun = find_in_path("crun");
  // crun refuses hybrid hosts ("cgroups in hybrid mode not supported"); runc runs everywhere.
  if (!facts.runc.empty())
    facts.runtime = facts.runc;
  else if (!facts.crun.empty() && facts.cgroups == CgroupLayout::unified)
    facts.runtime = facts.crun;
  facts.catatonit = ::access("/usr/bin/catatonit", X_OK) == 0;
  facts.seccomp_profile = ::access(kDefaultSeccompProfile, R_OK) == 0;
  return facts;
}

}  // namespace berth::runtime
