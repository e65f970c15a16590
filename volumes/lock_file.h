// An exclusive flock(2) on a file, held for the life of the object: one writer of the volume
// records at a time, across berth processes.
#pragma once

#include <filesystem>

#include "volumes/unique_fd.h"

namespace berth::volumes {

class LockFile {
 public:
  // Creates `path` (and its directory) when missing, then blocks until the lock is ours.
  explicit LockFile(const std::filesystem::path& path);

 private:
  UniqueFd fd_;
};

}  // namespace berth::volumes
