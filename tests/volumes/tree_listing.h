// A directory tree as text, one line per entry with everything a copy must keep: type, mode,
// owner, size, content, symlink target, xattrs, mtime, and which entries share an inode. Two trees
// are the same, byte for byte with their metadata, when their listings are equal.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace berth::test {

inline std::string xattr_text(const std::string& path) {
  char names[4096];
  ssize_t n = ::llistxattr(path.c_str(), names, sizeof names);
  if (n <= 0) return "";
  std::vector<std::string> list;
  for (ssize_t i = 0; i < n; i += static_cast<ssize_t>(std::strlen(names + i)) + 1)
    list.push_back(names + i);
  std::sort(list.begin(), list.end());
  std::string out;
  for (const auto& name : list) {
    char value[4096];
    ssize_t v = ::lgetxattr(path.c_str(), name.c_str(), value, sizeof value);
    out += " " + name + "=" + std::string(value, v > 0 ? static_cast<size_t>(v) : 0);
  }
  return out;
}

inline void list_entry(const std::filesystem::path& root, const std::string& rel,
                       std::map<ino_t, std::string>& inodes, std::ostringstream& out) {
  std::filesystem::path full = rel.empty() ? root : root / rel;
  struct stat st {};
  if (::lstat(full.c_str(), &st) != 0) {
    out << rel << " MISSING\n";
    return;
  }
  char mode[16];
  std::snprintf(mode, sizeof mode, "%06o", st.st_mode);
  out << (rel.empty() ? "." : rel) << " mode=" << mode << " uid=" << st.st_uid
      << " gid=" << st.st_gid << " mtime=" << st.st_mtim.tv_sec;
  if (S_ISREG(st.st_mode)) {
    std::ifstream in(full, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    // Long content is shown by its hash, so that a difference stays readable.
    std::string text = content.str();
    out << " size=" << st.st_size << " content="
        << (text.size() <= 64 ? text : "#" + std::to_string(std::hash<std::string>{}(text)));
    if (st.st_nlink > 1) {
      auto [it, first] = inodes.try_emplace(st.st_ino, rel);
      out << " links=" << st.st_nlink << (first ? "" : " same-as=" + it->second);
    }
  } else if (S_ISLNK(st.st_mode)) {
    out << " -> " << std::filesystem::read_symlink(full).string();
  } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
    out << " rdev=" << st.st_rdev;
  }
  out << xattr_text(full.string()) << "\n";
  if (S_ISDIR(st.st_mode)) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(full))
      names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    for (const auto& name : names) list_entry(root, rel.empty() ? name : rel + "/" + name, inodes, out);
  }
}

inline std::string tree_listing(const std::filesystem::path& root) {
  std::map<ino_t, std::string> inodes;
  std::ostringstream out;
  list_entry(root, "", inodes, out);
  return out.str();
}

// A tree with what a copy can get wrong: owners, odd modes (setuid, sticky, private), xattrs,
// a symlink (dangling too), a hardlink pair, a fifo, a character device, an empty directory.
inline void make_rich_tree(const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  fs::create_directories(root / "app/conf");
  fs::create_directories(root / "app/empty");
  std::ofstream(root / "app/conf/settings.ini") << "[main]\nkey=value\n";
  std::ofstream(root / "app/run.sh") << "#!/bin/sh\necho hi\n";
  std::ofstream(root / "app/secret.key") << std::string(100000, 'k');
  std::ofstream(root / "app/conf/shared") << "one inode, two names\n";
  ::link((root / "app/conf/shared").c_str(), (root / "app/shared-again").c_str());
  ::symlink("conf/settings.ini", (root / "app/settings").c_str());
  ::symlink("/nowhere/at/all", (root / "app/dangling").c_str());
  ::mkfifo((root / "app/pipe").c_str(), 0640);
  ::mknod((root / "app/null").c_str(), S_IFCHR | 0666, makedev(1, 3));
  ::chown((root / "app").c_str(), 1000, 1000);
  ::chown((root / "app/conf").c_str(), 1000, 100);
  ::chown((root / "app/conf/settings.ini").c_str(), 1000, 1000);
  ::chown((root / "app/secret.key").c_str(), 1234, 5678);
  ::lchown((root / "app/settings").c_str(), 1000, 1000);
  ::chmod((root / "app/run.sh").c_str(), 04755);
  ::chmod((root / "app/secret.key").c_str(), 0600);
  ::chmod((root / "app/conf").c_str(), 0750);
  ::chmod((root / "app/empty").c_str(), 01777);
  ::chmod((root / "app").c_str(), 0711);
  ::setxattr((root / "app/conf/settings.ini").c_str(), "user.origin", "image", 5, 0);
  ::setxattr((root / "app/conf").c_str(), "trusted.berth-test", "dir", 3, 0);
  // Times last: creating entries above changed the directories' times.
  timespec old[2] = {{1000000000, 0}, {1000000000, 0}};
  for (const char* p : {"app/conf/settings.ini", "app/secret.key", "app/conf", "app"})
    ::utimensat(AT_FDCWD, (root / p).c_str(), old, AT_SYMLINK_NOFOLLOW);
}

}  // namespace berth::test
