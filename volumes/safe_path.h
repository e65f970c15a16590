// Paths inside a root that cannot lead out of it: a volume's data, an image's root filesystem.
// Symlinks and ".." are resolved as if the root were "/" (openat2 RESOLVE_IN_ROOT), so a link
// planted inside a volume cannot make berth read or write outside that volume.
#pragma once

#include <filesystem>
#include <string>

#include "util/unique_fd.h"

namespace berth::volumes {

// Opens `root` itself (a directory), following no symlink in its last component.
UniqueFd open_root(const std::filesystem::path& root);

// Opens `relative` below the directory `root_fd`, resolving every symlink and ".." inside the
// root. flags are openat(2) flags (O_PATH, O_RDONLY | O_DIRECTORY, ...). Throws berth::Error on
// failure, naming `shown` (what the user wrote) and the reason.
UniqueFd open_in_root(int root_fd, const std::string& relative, int flags,
                      const std::string& shown);
// The same, but an fd that is not valid() when nothing is there (ENOENT).
UniqueFd open_in_root_if_exists(int root_fd, const std::string& relative, int flags,
                                const std::string& shown);

// The path the kernel knows for an open fd (readlink of /proc/self/fd/N).
std::filesystem::path fd_path(int fd);

// True when `relative`, read lexically, stays below its root: not absolute and no ".." that climbs
// above the start ("a/../b" is fine, "../b" and "a/../../b" are not).
bool stays_inside(const std::string& relative);

}  // namespace berth::volumes
