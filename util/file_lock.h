// An flock(2) held for the life of the object: the lock per project and per shared resource.
#pragma once

#include <filesystem>
#include <string>

#include "util/unique_fd.h"

namespace berth {

class FileLock {
 public:
  enum class Mode { shared, exclusive };
  // Blocks until the lock is had; creates the file (and its directory) when missing. A symlink
  // in the file's place is refused, not followed.
  explicit FileLock(const std::filesystem::path& path, Mode mode = Mode::exclusive);
  // Does not block: nullptr-like (held() false) when another process holds it.
  static FileLock try_lock(const std::filesystem::path& path, Mode mode = Mode::exclusive);
  FileLock(FileLock&& other) noexcept = default;
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  bool held() const { return fd_.valid(); }

 private:
  FileLock() = default;
  UniqueFd fd_;
};

}  // namespace berth
