#include "runtime/container/socket_path.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.h"

namespace berth::runtime {

Fd open_dir_path(const std::filesystem::path& dir) {
  Fd fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) throw Error("cannot open " + dir.string() + ": " + std::strerror(errno));
  return fd;
}

std::string socket_path_via(const Fd& dir_fd, const std::string& name) {
  return "/proc/" + std::to_string(::getpid()) + "/fd/" + std::to_string(dir_fd.get()) + "/" +
         name;
}

}  // namespace berth::runtime
