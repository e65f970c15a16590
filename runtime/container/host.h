// What the machine offers containers: the cgroup layout, the OCI runtimes, catatonit and the
// default seccomp profile. `berth info` prints it; the runtime chooses by it.
#pragma once

#include <cstdint>
#include <string>

namespace berth::runtime {

enum class CgroupLayout { v1, hybrid, unified };

// From the text of /proc/self/mounts: unified when cgroup2 is mounted at /sys/fs/cgroup, hybrid
// when v1 controllers sit beside a cgroup2 mount, v1 otherwise.
CgroupLayout cgroup_layout_from_mounts(const std::string& mounts);
CgroupLayout host_cgroup_layout();
const char* to_string(CgroupLayout layout);

// The capability bounding set in the text of /proc/<pid>/status (CapBnd), bit n for capability
// n; all bits when the line is missing.
uint64_t bounding_set_from_status(const std::string& status);
// This process's: what runc, started by berth, can give a container.
uint64_t host_capability_bounding_set();

struct HostFacts {
  CgroupLayout cgroups = CgroupLayout::v1;
  std::string runc;     // path, or "" when missing
  std::string crun;     // path, or "" when missing
  std::string runtime;  // the one berth uses: crun needs the unified layout, runc works on all
  bool catatonit = false;
  bool seccomp_profile = false;
};

HostFacts detect_host();

}  // namespace berth::runtime
