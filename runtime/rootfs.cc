#include "runtime/rootfs.h"

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

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

std::optional<std::string> overlay_options_direct(const std::vector<stdfs::path>& lowers_top_first,
                                                  const stdfs::path& upper, const stdfs::path& work) {
  // overlayfs splits its options at ',' and lower dirs at ':'; a backslash escapes.
  auto plain = [](const stdfs::path& p) { return p.string().find_first_of(",:\\") == std::string::npos; };
  std::string lower;
  for (const auto& dir : lowers_top_first) {
    if (!plain(dir)) return std::nullopt;
    lower += (lower.empty() ? "" : ":") + dir.string();
  }
  if (!plain(upper) || !plain(work)) return std::nullopt;
  std::string options = "lowerdir=" + lower + ",upperdir=" + upper.string() + ",workdir=" + work.string();
  if (options.size() > kMaxOptions) return std::nullopt;
  return options;
}

namespace {

void mount_overlay(const stdfs::path& target, const std::string& options) {
  if (::mount("overlay", target.c_str(), "overlay", 0, options.c_str()) != 0)
    throw Error("cannot mount the root filesystem at " + target.string() + ": " + std::strerror(errno),
                "overlayfs needs root and a kernel with overlay support");
}

// The layers by short relative names (l/0, l/1, ...: symlinks in state_dir), mounted from
// inside state_dir: for images whose layer paths do not fit a page of mount options.
void mount_through_links(const std::vector<stdfs::path>& lowers_top_first, const stdfs::path& state_dir,
                         const stdfs::path& target) {
  std::error_code ec;
  stdfs::remove_all(state_dir / "l", ec);
  stdfs::create_directory(state_dir / "l");
  for (size_t i = 0; i < lowers_top_first.size(); ++i)
    stdfs::create_symlink(lowers_top_first[i], state_dir / "l" / std::to_string(i));
  std::string options = overlay_options(lowers_top_first.size());
  if (options.size() > kMaxOptions)
    throw Error("overlay mount options for " + std::to_string(lowers_top_first.size()) + " layers exceed a page");
  run_in_directory(state_dir, [&] { mount_overlay(target, options); });
}

}  // namespace

OverlayRootfs::OverlayRootfs(const std::vector<stdfs::path>& layers, const stdfs::path& state_dir,
                             const stdfs::path& target) {
  if (layers.size() > kMaxLayers)
    throw Error("the image has " + std::to_string(layers.size()) + " layers; overlayfs mounts at most " +
                    std::to_string(kMaxLayers),
                "squash the image into fewer layers");
  stdfs::path dir = stdfs::absolute(state_dir);
  std::error_code ec;
  stdfs::create_directories(dir / "upper", ec);
  if (!ec) stdfs::create_directories(dir / "work", ec);
  if (!ec) stdfs::create_directories(target, ec);
  if (ec) throw Error("cannot create the root filesystem dirs in " + dir.string() + ": " + ec.message());
  // Overlayfs lists lower dirs top first; images list layers bottom first.
  std::vector<stdfs::path> lowers;
  for (auto it = layers.rbegin(); it != layers.rend(); ++it) lowers.push_back(stdfs::absolute(*it));
  if (lowers.empty()) {  // an image without layers: overlayfs needs one lower dir
    stdfs::create_directories(dir / "empty");
    lowers.push_back(dir / "empty");
  }
  stdfs::path abs_target = stdfs::absolute(target);
  // Whole paths when they fit (most images): no symlinks to make, no thread to mount from.
  if (auto options = overlay_options_direct(lowers, dir / "upper", dir / "work"))
    mount_overlay(abs_target, *options);
  else
    mount_through_links(lowers, dir, abs_target);
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
