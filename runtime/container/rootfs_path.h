// Paths inside a container's root filesystem, resolved on the host without escaping it: an
// absolute symlink in an image (/etc/passwd -> /usr/lib/passwd) means the image's file, never the
// host's.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace berth::runtime {

// The host path of `path` (absolute, as the container sees it) with every symlink followed
// inside `rootfs`; nullopt when some component does not exist or the links loop.
std::optional<std::filesystem::path> resolve_in_rootfs(const std::filesystem::path& rootfs,
                                                       const std::string& path);

// Finds the program the container would run: argv0 with a slash is taken as is (relative to
// cwd), else searched in the PATH of `env`. Throws berth::Error when it is missing or not an
// executable file.
std::filesystem::path find_executable_in_rootfs(const std::filesystem::path& rootfs,
                                                const std::string& argv0, const std::string& cwd,
                                                const std::vector<std::string>& env);

}  // namespace berth::runtime
