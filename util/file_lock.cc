#include "util/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <cstring>

#include "util/error.h"

namespace berth {

namespace {
UniqueFd open_lock_file(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) throw Error("cannot create " + path.parent_path().string() + ": " + ec.message());
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd.valid()) throw Error("cannot open lock " + path.string() + ": " + std::strerror(errno));
  return fd;
}

int flock_op(FileLock::Mode mode) { return mode == FileLock::Mode::shared ? LOCK_SH : LOCK_EX; }
}  // namespace

FileLock::FileLock(const std::filesystem::path& path, Mode mode) : fd_(open_lock_file(path)) {
  while (::flock(fd_.get(), flock_op(mode)) != 0) {
    if (errno == EINTR) continue;
    throw Error("cannot lock " + path.string() + ": " + std::strerror(errno));
  }
}

FileLock FileLock::try_lock(const std::filesystem::path& path, Mode mode) {
  FileLock lock;
  UniqueFd fd = open_lock_file(path);
  if (::flock(fd.get(), flock_op(mode) | LOCK_NB) == 0) lock.fd_ = std::move(fd);
  return lock;
}

}  // namespace berth
