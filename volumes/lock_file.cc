#include "volumes/lock_file.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <cstring>

#include "util/error.h"

namespace berth::volumes {

LockFile::LockFile(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) throw Error("cannot create " + path.parent_path().string() + ": " + ec.message());
  fd_ = UniqueFd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd_.valid()) throw Error("cannot open lock " + path.string() + ": " + std::strerror(errno));
  int rc;
  do {
    rc = ::flock(fd_.get(), LOCK_EX);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) throw Error("cannot lock " + path.string() + ": " + std::strerror(errno));
}

}  // namespace berth::volumes
