#include "util/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.h"

namespace berth {

namespace {
int open_lock_file(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw Error("cannot open lock " + path.string() + ": " + std::strerror(errno));
  return fd;
}
}  // namespace

FileLock::FileLock(const std::filesystem::path& path, Mode mode) : fd_(open_lock_file(path)) {
  int op = mode == Mode::shared ? LOCK_SH : LOCK_EX;
  while (::flock(fd_, op) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    ::close(fd_);
    fd_ = -1;
    throw Error("cannot lock " + path.string() + ": " + std::strerror(err));
  }
}

FileLock FileLock::try_lock(const std::filesystem::path& path, Mode mode) {
  FileLock lock;
  int fd = open_lock_file(path);
  int op = (mode == Mode::shared ? LOCK_SH : LOCK_EX) | LOCK_NB;
  if (::flock(fd, op) != 0) {
    ::close(fd);
    return lock;
  }
  lock.fd_ = fd;
  return lock;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

}  // namespace berth
