#include "tests/support/tree.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/support/tar_builder.h"

namespace berth::test {

std::map<std::string, std::string> describe_tree(const std::filesystem::path& root) {
  std::map<std::string, std::string> out;
  for (auto it = std::filesystem::recursive_directory_iterator(root);
       it != std::filesystem::recursive_directory_iterator(); ++it) {
    const auto& p = it->path();
    struct stat st {};
    ::lstat(p.c_str(), &st);
    std::ostringstream d;
    d << std::oct << (st.st_mode & 07777) << std::dec << " " << st.st_uid << ":" << st.st_gid << " ";
    if (S_ISREG(st.st_mode)) {
      std::ifstream in(p, std::ios::binary);
      std::stringstream content;
      content << in.rdbuf();
      d << "file " << st.st_size << " " << sha256(content.str()) << " links=" << st.st_nlink;
    } else if (S_ISDIR(st.st_mode)) {
      d << "dir";
      char v[8] = {};
      if (::lgetxattr(p.c_str(), "trusted.overlay.opaque", v, sizeof v) > 0) d << " opaque=" << v;
    } else if (S_ISLNK(st.st_mode)) {
      d << "symlink -> " << std::filesystem::read_symlink(p).string();
    } else if (S_ISCHR(st.st_mode)) {
      d << "chardev " << major(st.st_rdev) << ":" << minor(st.st_rdev);
    } else if (S_ISFIFO(st.st_mode)) {
      d << "fifo";
    } else {
      d << "other";
    }
    out[p.lexically_relative(root).string()] = d.str();
  }
  return out;
}

}  // namespace berth::test
