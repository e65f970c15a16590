#include "volumes/xattrs.h"

#include <sys/xattr.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <vector>

#include "util/error.h"
#include "util/log.h"

namespace berth::volumes {

namespace {
// Calls `get` with a growing buffer until the answer fits; the kernel may change it in between.
std::string read_sized(const std::function<ssize_t(char*, size_t)>& get, const std::string& shown) {
  for (;;) {
    ssize_t size = get(nullptr, 0);
    if (size < 0) {
      if (errno == ENOTSUP || errno == ENODATA) return {};
      throw Error("cannot read xattrs of " + shown + ": " + std::strerror(errno));
    }
    std::string buf(static_cast<size_t>(size), '\0');
    ssize_t got = get(buf.data(), buf.size());
    if (got >= 0) {
      buf.resize(static_cast<size_t>(got));
      return buf;
    }
    if (errno != ERANGE) throw Error("cannot read xattrs of " + shown + ": " + std::strerror(errno));
  }
}

Xattrs read_all(const std::function<ssize_t(char*, size_t)>& list,
                const std::function<ssize_t(const char*, char*, size_t)>& get,
                const std::string& shown) {
  Xattrs out;
  std::string names = read_sized(list, shown);
  for (size_t pos = 0; pos < names.size();) {
    std::string name(names.c_str() + pos);
    pos += name.size() + 1;
    // overlayfs' own bookkeeping describes a layer, not the file; it does not belong in a volume.
    if (name.rfind("trusted.overlay.", 0) == 0) continue;
    out[name] = read_sized([&](char* b, size_t n) { return get(name.c_str(), b, n); }, shown);
  }
  return out;
}

void check_set(int rc, const std::string& name, const std::string& shown) {
  if (rc == 0) return;
  if (errno == ENOTSUP) {
    log::warn("the file system of " + shown + " does not keep xattr " + name + "; skipped");
    return;
  }
  throw Error("cannot set xattr " + name + " on " + shown + ": " + std::strerror(errno));
}
}  // namespace

Xattrs read_xattrs_fd(int fd) {
  return read_all([fd](char* b, size_t n) { return ::flistxattr(fd, b, n); },
                  [fd](const char* name, char* b, size_t n) { return ::fgetxattr(fd, name, b, n); },
                  "fd " + std::to_string(fd));
}

Xattrs read_xattrs_link(const std::string& path) {
  return read_all(
      [&](char* b, size_t n) { return ::llistxattr(path.c_str(), b, n); },
      [&](const char* name, char* b, size_t n) { return ::lgetxattr(path.c_str(), name, b, n); },
      path);
}

void write_xattrs_fd(int fd, const Xattrs& xattrs, const std::string& shown) {
  for (const auto& [name, value] : xattrs)
    check_set(::fsetxattr(fd, name.c_str(), value.data(), value.size(), 0), name, shown);
}

void write_xattrs_link(const std::string& path, const Xattrs& xattrs) {
  for (const auto& [name, value] : xattrs)
    check_set(::lsetxattr(path.c_str(), name.c_str(), value.data(), value.size(), 0), name, path);
}

}  // namespace berth::volumes
