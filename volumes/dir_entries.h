// The names in an open directory, read through its fd (so that no path is resolved again).
#pragma once

#include <string>
#include <vector>

namespace berth::volumes {

// Sorted, without "." and "..". `shown` names the directory in errors.
std::vector<std::string> list_directory(int dir_fd, const std::string& shown);

}  // namespace berth::volumes
