// ContainerSpec -> the OCI runtime spec's config.json (runtime-spec 1.0.2, as runc 1.1 reads it).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/container/spec.h"

namespace berth::runtime {

struct OciContext {
  std::filesystem::path etc_dir;  // where berth wrote hosts, hostname, resolv.conf
  std::filesystem::path init_binary = "/usr/bin/catatonit";
  std::string cgroups_path;       // "/berth/<id>"
  bool cgroup_v2 = false;         // unified hierarchy: the container gets a cgroup namespace
  std::filesystem::path host_dev = "/dev";  // where a privileged container's devices come from
  uint64_t host_capabilities = ~0ULL;       // the bounding set berth runs with (bit n: cap n)
};

// The config.json text. Appends to `warnings` what was adjusted (ulimits clamped to the host's
// hard limits). Throws berth::Error on what cannot be honoured (an unknown capability, a missing
// seccomp profile or device).
std::string build_oci_config(const ContainerSpec& spec, const OciContext& context,
                             std::vector<std::string>& warnings);

// The capability set a spec asks for: Docker's default set, or all when privileged, with drop
// then add applied ("ALL" allowed in both). Names are normalised to "CAP_X". Throws on unknown.
std::vector<std::string> effective_capabilities(const CapabilitySpec& caps);

// The path inside the container where the init binary is mounted when spec.init is set.
inline constexpr const char* kInitPath = "/sbin/berth-init";

}  // namespace berth::runtime
