// Seccomp profiles in Docker's format (containers-common's /usr/share/containers/seccomp.json is
// one) translated to the OCI runtime spec's `linux.seccomp` section for one machine and one
// capability set, as Docker does when it builds a container's config.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace berth::runtime {

inline constexpr const char* kDefaultSeccompProfile = "/usr/share/containers/seccomp.json";

// profile: the JSON text of a Docker-format profile. caps: the container's capabilities
// ("CAP_SYS_ADMIN"). go_arch: "amd64", "arm64", ... (see host_go_arch). Returns the JSON text of
// the OCI section. Throws berth::Error (naming `source`) on a malformed profile.
std::string translate_seccomp_profile(const std::string& profile,
                                      const std::vector<std::string>& caps,
                                      const std::string& go_arch, const std::string& source);

// The machine's architecture as Go (and so seccomp profiles' "arches") names it.
std::string host_go_arch();

}  // namespace berth::runtime
