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
// write_file_atomic, unless the file holds `content` already; returns whether it wrote. For
// files others watch (inotify): a rewrite with nothing new would wake them for nothing.
bool write_file_if_changed(const std::filesystem::path& path, const std::string& content,
                           unsigned mode = 0644, bool durable = true);

// While a SyncBatch lives, durable writes skip their own fsync; when it ends, one syncfs() per
// file system written to makes them all durable at once. An `up` of 30 containers writes some 250
// small state files: 250 fsyncs cost seconds on a virtual disk, one syncfs a few milliseconds.
// A berth killed inside the batch loses nothing the kernel has (the page cache survives it); only
// a power cut inside the batch can, and the repair at the next command handles a torn state.
class SyncBatch {
 public:
  SyncBatch();
  ~SyncBatch();
  SyncBatch(const SyncBatch&) = delete;
  SyncBatch& operator=(const SyncBatch&) = delete;
};

}  // namespace berth::fs
