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
// durable = false skips the fsync, for files under the volatile run root (bundles), which a crash
// loses anyway: the rename still makes the change atomic.
void write_file_atomic(const std::filesystem::path& path, const std::string& content,
                       unsigned mode = 0644, bool durable = true);

}  // namespace berth::fs
