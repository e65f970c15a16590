// Unix socket paths are limited to 107 bytes, and a container's run directory
// (<run root>/containers/<64 hex digits>) comes close on its own. Sockets are therefore named
// through a descriptor of their directory: /proc/<pid>/fd/<n>/<name> is short wherever the
// directory lives.
#pragma once

#include <filesystem>
#include <string>

#include "runtime/container/fd.h"

namespace berth::runtime {

// An O_PATH descriptor of `dir`. Throws berth::Error.
Fd open_dir_path(const std::filesystem::path& dir);

// "/proc/<pid>/fd/<fd>/<name>": valid for any process while this one keeps `dir_fd` open.
std::string socket_path_via(const Fd& dir_fd, const std::string& name);

}  // namespace berth::runtime
