// Small file helpers shared by every module.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace berth::fs {

// The whole file, or a berth::Error naming the path and the reason.
std::string read_file(const std::filesystem::path& path);
// The whole file, or nullopt when it does not exist (other failures still throw).
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path);
// Write to a temporary file beside `path`, fsync, rename: readers see the old or the new file.
void write_file_atomic(const std::filesystem::path& path, const std::string& content,
                       unsigned mode = 0644);

}  // namespace berth::fs
