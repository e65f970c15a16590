// volumes/ uses util's UniqueFd. This name stays until cli/volume.cc (outside volumes/) includes
// util/unique_fd.h itself; then this file goes.
#pragma once

#include "util/unique_fd.h"

namespace berth::volumes {
using UniqueFd = berth::UniqueFd;
}  // namespace berth::volumes
