// mount(8)-style option strings ("ro,nosuid,size=64m,addr=10.0.0.1") split into the flags that
// mount(2) takes and the file-system data it passes on unchanged.
#pragma once

#include <string>

namespace berth::volumes {

struct MountOptions {
  unsigned long flags = 0;  // MS_RDONLY, MS_NOSUID, MS_BIND, ...
  std::string data;         // everything else, comma-separated, for the file system
};

MountOptions parse_mount_options(const std::string& options);

}  // namespace berth::volumes
