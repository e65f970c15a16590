#include "runtime/container/host_devices.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <system_error>

namespace berth::runtime {

namespace {
bool skipped_dir(const std::string& name) {
  for (const char* own : {"pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev"})
    if (name == own) return true;
  return false;
}
}  // namespace

std::vector<HostDevice> host_devices(const std::filesystem::path& dev_root) {
  std::vector<HostDevice> out;
  std::error_code ec;
  auto options = std::filesystem::directory_options::skip_permission_denied;
  for (auto it = std::filesystem::recursive_directory_iterator(dev_root, options, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const auto& entry = *it;
    std::string name = entry.path().filename().string();
    struct stat st {};
    if (::lstat(entry.path().c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      if (skipped_dir(name)) it.disable_recursion_pending();
      continue;
    }
    if ((!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) || name == "console") continue;
    HostDevice d;
    d.path = "/dev/" + entry.path().lexically_relative(dev_root).string();
    d.type = S_ISCHR(st.st_mode) ? 'c' : 'b';
    d.major = static_cast<int64_t>(::major(st.st_rdev));
    d.minor = static_cast<int64_t>(::minor(st.st_rdev));
    d.file_mode = st.st_mode & 07777;
    d.uid = st.st_uid;
    d.gid = st.st_gid;
    out.push_back(std::move(d));
  }
  std::sort(out.begin(), out.end(),
            [](const HostDevice& a, const HostDevice& b) { return a.path < b.path; });
  return out;
}

}  // namespace berth::runtime
