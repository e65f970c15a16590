// Descriptors of the container runtime: the owner type, and a pipe of two.
#pragma once

#include "util/unique_fd.h"

namespace berth::runtime {

// The project's one owner type for descriptors (util/unique_fd.h), under the name this module uses.
using Fd = UniqueFd;

// A pipe, both ends close-on-exec. Throws berth::Error.
struct Pipe {
  Fd read;
  Fd write;
  static Pipe make();
};

}  // namespace berth::runtime
