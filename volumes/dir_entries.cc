#include "volumes/dir_entries.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "util/error.h"

namespace berth::volumes {

std::vector<std::string> list_directory(int dir_fd, const std::string& shown) {
  // fdopendir takes the fd over: give it a copy opened for reading.
  int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot read directory " + shown + ": " + std::strerror(errno));
  DIR* dir = ::fdopendir(fd);
  if (!dir) {
    int err = errno;
    ::close(fd);
    throw Error("cannot read directory " + shown + ": " + std::strerror(err));
  }
  std::vector<std::string> names;
  errno = 0;
  while (dirent* e = ::readdir(dir)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) throw Error("cannot read directory " + shown + ": " + std::strerror(err));
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace berth::volumes
