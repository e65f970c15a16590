// The host's device nodes, for privileged containers: as docker does, every character and block
// device under /dev goes into the container (pseudo-terminals, shared memory, mqueue, fd and
// the console excepted: the container has its own).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace berth::runtime {

struct HostDevice {
  std::string path;  // as in the container: /dev/...
  char type = 'c';   // 'c' or 'b'
  int64_t major = 0;
  int64_t minor = 0;
  uint32_t file_mode = 0;  // permission bits
  uint32_t uid = 0;
  uint32_t gid = 0;
};

// The devices under `dev_root` (the host's /dev; another directory in tests), named as if
// `dev_root` were /dev, sorted by path. Symbolic links and unreadable entries are skipped.
std::vector<HostDevice> host_devices(const std::filesystem::path& dev_root = "/dev");

}  // namespace berth::runtime
