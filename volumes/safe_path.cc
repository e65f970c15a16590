#include "volumes/safe_path.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.h"

namespace berth::volumes {

UniqueFd open_root(const std::filesystem::path& root) {
  int fd = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) throw Error("cannot open " + root.string() + ": " + std::strerror(errno));
  return UniqueFd(fd);
}

namespace {
long openat2_in_root(int root_fd, const std::string& relative, int flags) {
  open_how how{};
  how.flags = static_cast<__u64>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
  std::string rel = relative.empty() ? "." : relative;
  long fd;
  do {
    fd = ::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof how);
  } while (fd < 0 && (errno == EAGAIN || errno == EINTR));
  return fd;
}

[[noreturn]] void open_failed(const std::string& shown) {
  int err = errno;
  if (err == EXDEV)
    throw Error("cannot open '" + shown + "': it crosses into another mount",
                "a path inside a volume or image must stay on that volume's file system");
  throw Error("cannot open '" + shown + "': " + std::strerror(err));
}
}  // namespace

UniqueFd open_in_root_if_exists(int root_fd, const std::string& relative, int flags,
                                const std::string& shown) {
  long fd = openat2_in_root(root_fd, relative, flags);
  if (fd < 0 && errno == ENOENT) return {};
  if (fd < 0) open_failed(shown);
  return UniqueFd(static_cast<int>(fd));
}

UniqueFd open_in_root(int root_fd, const std::string& relative, int flags,
                      const std::string& shown) {
  long fd = openat2_in_root(root_fd, relative, flags);
  if (fd < 0) open_failed(shown);
  return UniqueFd(static_cast<int>(fd));
}

std::filesystem::path fd_path(int fd) {
  std::string link = "/proc/self/fd/" + std::to_string(fd);
  std::error_code ec;
  auto target = std::filesystem::read_symlink(link, ec);
  if (ec) throw Error("cannot read " + link + ": " + ec.message());
  return target;
}

bool stays_inside(const std::string& relative) {
  std::filesystem::path p(relative);
  if (p.is_absolute()) return false;
  int depth = 0;
  for (const auto& part : p) {
    if (part == "..") {
      if (--depth < 0) return false;
    } else if (part != "." && !part.empty()) {
      ++depth;
    }
  }
  return true;
}

}  // namespace berth::volumes
