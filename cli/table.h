// Column-aligned text tables, as `docker compose ps`, `images` and `top` print them.
#pragma once

#include <string>
#include <vector>

namespace berth::cli {

// Each row on a line; every column but the last padded to its widest cell plus three spaces.
std::string format_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace berth::cli
