#include "runtime/rootfs.h"

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/thread_cwd.h"
#include "util/error.h"

namespace berth::runtime {

namespace stdfs = std::filesystem;

namespace {
constexpr size_t kMaxOptions = 4095;  // one page, less the terminating NUL
constexpr size_t kMaxLayers = 500;    // overlayfs' own limit on lower layers
}  // namespace

std::string overlay_options(size_t layer_count) {
  std::string lower;
  for (size_t i = 0; i < layer_count; ++i) lower += (i ? ":l/" : "l/") + std::to_string(i);
  return "lowerdir=" + lower + ",upperdir=upper,workdir=work";
}

OverlayRootfs::OverlayRootfs(const std::vector<stdfs::path>& layers, const stdfs::path& state_dir,
                             const stdfs::path& target) {
  if (layers.size() > kMaxLayers)
    throw Error("the image has " + std::to_string(layers.size()) + " layers; overlayfs mounts at most " +
                    std::to_string(kMaxLayers),
                "squash the image into fewer layers");
  std::error_code ec;
  stdfs::create_directories(state_dir / "upper", ec);
  if (!ec) stdfs::create_directories(state_dir / "work", ec);
  if (!ec) stdfs::create_directories(target, ec);
  if (ec) throw Error("cannot create the root filesystem dirs in " + state_dir.string() + ": " + ec.message());
  stdfs::remove_all(state_dir / "l", ec);
  stdfs::create_directory(state_dir / "l");
  std::vector<stdfs::path> lowers = layers;
  if (lowers.empty()) {  // an image without layers: overlayfs needs one lower dir
    stdfs::create_directories(state_dir / "empty");
    lowers.push_back(state_dir / "empty");
  }
  // l/0 is the top layer: overlayfs lists lower dirs top first, images list layers bottom first.
  for (size_t i = 0; i < lowers.size(); ++i)
    stdfs::create_symlink(stdfs::absolute(lowers[lowers.size() - 1 - i]),
                          state_dir / "l" / std::to_string(i));
  std::string options = overlay_options(lowers.size());
  if (options.size() > kMaxOptions)
    throw Error("overlay mount options for " + std::to_string(lowers.size()) + " layers exceed a page");
  stdfs::path abs_target = stdfs::absolute(target);
  run_in_directory(state_dir, [&] {
    if (::mount("overlay", abs_target.c_str(), "overlay", 0, options.c_str()) != 0)
      throw Error("cannot mount the root filesystem at " + abs_target.string() + ": " +
                      std::strerror(errno),
                  "overlayfs needs root and a kernel with overlay support");
  });
  target_ = abs_target;
}

OverlayRootfs::OverlayRootfs(OverlayRootfs&& other) noexcept : target_(std::move(other.target_)) {
  other.target_.clear();
}

OverlayRootfs::~OverlayRootfs() {
  if (target_.empty()) return;
  if (::umount2(target_.c_str(), 0) != 0) ::umount2(target_.c_str(), MNT_DETACH);
}

void unmount_rootfs(const stdfs::path& target) {
  if (::umount2(target.c_str(), 0) == 0 || errno == EINVAL || errno == ENOENT) return;
  if (::umount2(target.c_str(), MNT_DETACH) != 0)
    throw Error("cannot unmount " + target.string() + ": " + std::strerror(errno));
}

}  // namespace berth::runtime
