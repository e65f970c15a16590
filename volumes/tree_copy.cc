#include "volumes/tree_copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "util/error.h"
#include "volumes/dir_entries.h"
#include "util/unique_fd.h"
#include "volumes/xattrs.h"

namespace berth::volumes {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw Error("copy-up: cannot " + what + " " + path + ": " + std::strerror(errno));
}

std::string proc_path(int dir_fd, const std::string& name) {
  return "/proc/self/fd/" + std::to_string(dir_fd) + "/" + name;
}

void copy_bytes(int from, int to, const std::string& shown) {
  for (;;) {
    ssize_t n = ::copy_file_range(from, nullptr, to, nullptr, 1 << 30, 0);
    if (n == 0) return;
    if (n > 0) continue;
    if (errno == EINTR) continue;
    if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
      fail("copy", shown);
    break;  // no in-kernel copy between these file systems: plain reads and writes
  }
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(from, buf, sizeof buf);
    if (n == 0) return;
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("read", shown);
    }
    for (ssize_t off = 0; off < n;) {
      ssize_t w = ::write(to, buf + off, static_cast<size_t>(n - off));
      if (w < 0) {
        if (errno == EINTR) continue;
        fail("write", shown);
      }
      off += w;
    }
  }
}

// Owner, then mode (chown clears set-id bits), then xattrs, of an open file or directory.
void apply_metadata_fd(int fd, const struct stat& st, const Xattrs& xattrs,
                       const std::string& shown) {
  if (::fchown(fd, st.st_uid, st.st_gid) != 0) fail("chown", shown);
  if (::fchmod(fd, st.st_mode & 07777) != 0) fail("chmod", shown);
  write_xattrs_fd(fd, xattrs, shown);
}

void apply_times(int dir_fd, const std::string& name, const struct stat& st,
                 const std::string& shown) {
  timespec times[2] = {st.st_atim, st.st_mtim};
  if (::utimensat(dir_fd, name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) fail("set times of", shown);
}

class Copier {
 public:
  // `dst_root` is the directory hardlinks are resolved against: the top of the copy.
  explicit Copier(int dst_root) : dst_root_(::fcntl(dst_root, F_DUPFD_CLOEXEC, 0)) {
    if (!dst_root_.valid()) fail("open", "destination");
  }

  void copy_dir(int src, int dst, const std::string& rel) {
    for (const std::string& name : list_directory(src, rel.empty() ? "." : rel))
      copy_entry(src, dst, name, rel.empty() ? name : rel + "/" + name);
  }

 private:
  void copy_entry(int src, int dst, const std::string& name, const std::string& rel) {
    struct stat st {};
    if (::fstatat(src, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) fail("stat", rel);
    switch (st.st_mode & S_IFMT) {
      case S_IFDIR: return copy_subdir(src, dst, name, rel, st);
      case S_IFREG: return copy_file(src, dst, name, rel, st);
      case S_IFLNK: return copy_symlink(src, dst, name, rel, st);
      case S_IFCHR:
      case S_IFBLK:
      case S_IFIFO: return copy_special(src, dst, name, rel, st);
      default: return;  // sockets belong to a running process, not to content
    }
  }

  void copy_subdir(int src, int dst, const std::string& name, const std::string& rel,
                   const struct stat& st) {
    UniqueFd from(::openat(src, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!from.valid()) fail("open", rel);
    if (::mkdirat(dst, name.c_str(), 0700) != 0) fail("create directory", rel);
    UniqueFd to(::openat(dst, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!to.valid()) fail("open", rel);
    copy_dir(from.get(), to.get(), rel);
    apply_metadata_fd(to.get(), st, read_xattrs_fd(from.get()), rel);
    apply_times(dst, name, st, rel);
  }

  void copy_file(int src, int dst, const std::string& name, const std::string& rel,
                 const struct stat& st) {
    if (st.st_nlink > 1) {
      auto [it, first] = links_.try_emplace({st.st_dev, st.st_ino}, rel);
      if (!first) {
        if (::linkat(dst_root_.get(), it->second.c_str(), dst, name.c_str(), 0) != 0)
          fail("link", rel);
        return;
      }
    }
    UniqueFd from(::openat(src, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!from.valid()) fail("open", rel);
    UniqueFd to(::openat(dst, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                         0600));
    if (!to.valid()) fail("create", rel);
    copy_bytes(from.get(), to.get(), rel);
    apply_metadata_fd(to.get(), st, read_xattrs_fd(from.get()), rel);
    apply_times(dst, name, st, rel);
  }

  void copy_symlink(int src, int dst, const std::string& name, const std::string& rel,
                    const struct stat& st) {
    std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
    ssize_t n = ::readlinkat(src, name.c_str(), target.data(), target.size());
    if (n < 0) fail("read link", rel);
    target.resize(static_cast<size_t>(n));
    if (::symlinkat(target.c_str(), dst, name.c_str()) != 0) fail("create link", rel);
    if (::fchownat(dst, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) != 0)
      fail("chown", rel);
    write_xattrs_link(proc_path(dst, name), read_xattrs_link(proc_path(src, name)));
    apply_times(dst, name, st, rel);
  }

  void copy_special(int src, int dst, const std::string& name, const std::string& rel,
                    const struct stat& st) {
    if (::mknodat(dst, name.c_str(), (st.st_mode & S_IFMT) | 0600, st.st_rdev) != 0)
      fail("create node", rel);
    if (::fchownat(dst, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) != 0)
      fail("chown", rel);
    if (::fchmodat(dst, name.c_str(), st.st_mode & 07777, 0) != 0) fail("chmod", rel);
    write_xattrs_link(proc_path(dst, name), read_xattrs_link(proc_path(src, name)));
    apply_times(dst, name, st, rel);
  }

  // Files with more than one link, by (device, inode) in the source: where their first copy is.
  std::map<std::pair<dev_t, ino_t>, std::string> links_;
  UniqueFd dst_root_;
};

}  // namespace

void copy_tree(int src_dir_fd, int dst_dir_fd) {
  // O_PATH fds cannot be read as directories: open both again for reading.
  UniqueFd src(::openat(src_dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!src.valid()) fail("open", "source directory");
  UniqueFd dst(::openat(dst_dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dst.valid()) fail("open", "destination directory");
  struct stat st {};
  if (::fstat(src.get(), &st) != 0) fail("stat", "source directory");
  Copier copier(dst.get());
  copier.copy_dir(src.get(), dst.get(), "");
  apply_metadata_fd(dst.get(), st, read_xattrs_fd(src.get()), "the volume's root");
  timespec times[2] = {st.st_atim, st.st_mtim};
  if (::futimens(dst.get(), times) != 0) fail("set times of", "the volume's root");
}

bool directory_is_empty(int dir_fd) {
  UniqueFd dir(::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) fail("open", "directory");
  return list_directory(dir.get(), "directory").empty();
}

}  // namespace berth::volumes
