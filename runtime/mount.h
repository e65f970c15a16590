// A mount as the OCI runtime spec has it: what volumes/ hands to the container's bundle.
#pragma once

#include <string>
#include <vector>

namespace berth::runtime {

struct Mount {
  std::string destination;           // absolute path inside the container
  std::string type;                  // "bind", "tmpfs", "proc", ...
  std::string source;                // host path (bind) or a device name
  std::vector<std::string> options;  // "rbind", "ro", "nosuid", "size=65536k", "mode=1777", ...
};

}  // namespace berth::runtime
