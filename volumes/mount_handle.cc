#include "volumes/mount_handle.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <utility>

#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"

namespace berth::volumes {

MountHandle::~MountHandle() {
  if (!owns()) return;
  if (::umount2(target_.c_str(), MNT_DETACH) != 0)
    log::warn("cannot unmount " + target_.string() + ": " + std::strerror(errno));
}

MountHandle::MountHandle(MountHandle&& other) noexcept : target_(std::exchange(other.target_, {})) {}

MountHandle& MountHandle::operator=(MountHandle&& other) noexcept {
  if (this != &other) {
    MountHandle old(std::move(*this));
    target_ = std::exchange(other.target_, {});
  }
  return *this;
}

std::filesystem::path MountHandle::release() { return std::exchange(target_, {}); }

void MountHandle::unmount() {
  if (!owns()) return;
  if (::umount2(target_.c_str(), MNT_DETACH) != 0)
    throw Error("cannot unmount " + target_.string() + ": " + std::strerror(errno));
  target_.clear();
}

bool is_mount_point(const std::filesystem::path& path) {
  struct statx st {};
  if (::statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &st) != 0)
    return false;
  return (st.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
         (st.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

namespace {
// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_octal(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}
}  // namespace

bool has_mounts_at_or_below(const std::filesystem::path& path) {
  std::string prefix = path.lexically_normal().string();
  while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  std::istringstream in(fs::read_file("/proc/self/mountinfo"));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, mount_point;
    fields >> id >> parent >> dev >> root >> mount_point;
    mount_point = unescape_octal(mount_point);
    if (mount_point == prefix || mount_point.rfind(prefix + "/", 0) == 0) return true;
  }
  return false;
}

}  // namespace berth::volumes
