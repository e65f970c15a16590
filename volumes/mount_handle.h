// A mount berth made, undone (lazily, MNT_DETACH) when the handle goes away unless released.
#pragma once

#include <filesystem>

namespace berth::volumes {

class MountHandle {
 public:
  MountHandle() = default;  // owns nothing
  explicit MountHandle(std::filesystem::path target) : target_(std::move(target)) {}
  ~MountHandle();
  MountHandle(MountHandle&& other) noexcept;
  MountHandle& operator=(MountHandle&& other) noexcept;
  MountHandle(const MountHandle&) = delete;
  MountHandle& operator=(const MountHandle&) = delete;

  bool owns() const { return !target_.empty(); }
  const std::filesystem::path& target() const { return target_; }
  // Keeps the mount: someone else (a record, a later `berth` run) will unmount it.
  std::filesystem::path release();
  // Unmounts now; a berth::Error if the kernel refuses.
  void unmount();

 private:
  std::filesystem::path target_;
};

// True when `path` is the root of a mount (statx STATX_ATTR_MOUNT_ROOT).
bool is_mount_point(const std::filesystem::path& path);
// True when something is mounted at `path` or anywhere below it (from /proc/self/mountinfo).
bool has_mounts_at_or_below(const std::filesystem::path& path);

}  // namespace berth::volumes
