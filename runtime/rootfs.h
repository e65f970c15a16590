// A container's root filesystem: an overlay mount with the image's unpacked layers as lower dirs
// (in order) and the container's own upper and work dirs.
//
// The mount options must fit in one page (4096 bytes), which absolute lower-dir paths in the image
// store (~90 bytes each) would overflow at about 40 layers. So each mount gets a directory of
// short symlinks, l/0 (top) ... l/N (bottom), and the mount call runs with that directory as its
// working directory and relative paths in the options: about 6 bytes per layer, enough for the
// 500 lower layers overlayfs allows. (A chdir affects the whole process; ours runs on a thread
// with its own filesystem context, see runtime/thread_cwd.h.) Short symlinks alone would still
// carry the long absolute path of the container dir in every entry; relative paths alone would
// still carry the 64-digit layer names; together they fit.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace berth::runtime {

class OverlayRootfs {
 public:
  // Mounts `layers` (bottom first, as an image lists them) at `target`; `state_dir` holds the
  // container's upper dir (its changes), work dir and the symlinks. Both dirs are created.
  OverlayRootfs(const std::vector<std::filesystem::path>& layers,
                const std::filesystem::path& state_dir, const std::filesystem::path& target);
  ~OverlayRootfs();
  OverlayRootfs(OverlayRootfs&& other) noexcept;
  OverlayRootfs& operator=(OverlayRootfs&&) = delete;
  OverlayRootfs(const OverlayRootfs&) = delete;

  const std::filesystem::path& target() const { return target_; }
  // Keeps the mount when this object goes (a running container's root); unmount_rootfs later.
  void release() { target_.clear(); }

 private:
  std::filesystem::path target_;
};

// Unmounts a root filesystem that an OverlayRootfs released.
void unmount_rootfs(const std::filesystem::path& target);

// The mount options for `layer_count` lower layers, relative to the state dir (for tests).
std::string overlay_options(size_t layer_count);
// The mount options naming every dir by its whole path (top layer first), or nullopt when they
// do not fit a page or a path holds a character overlayfs treats specially (',', ':', '\\').
std::optional<std::string> overlay_options_direct(const std::vector<std::filesystem::path>& lowers_top_first,
                                                  const std::filesystem::path& upper,
                                                  const std::filesystem::path& work);

}  // namespace berth::runtime
