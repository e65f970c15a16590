#include "volumes/host_path.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "util/error.h"

namespace berth::volumes {

namespace {
std::filesystem::path home_of(const std::string& user, const std::string& where) {
  if (user.empty()) {
    const char* home = std::getenv("HOME");
    if (home && *home) return home;
  }
  passwd pw{};
  passwd* found = nullptr;
  std::string buf(16384, '\0');
  int rc = user.empty() ? ::getpwuid_r(::getuid(), &pw, buf.data(), buf.size(), &found)
                        : ::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found);
  if (rc != 0 || !found)
    throw Error("cannot expand '~" + user + "': no such user's home directory",
                "write the host path in full", {}, where);
  return found->pw_dir;
}
}  // namespace

std::filesystem::path expand_host_path(const std::string& source,
                                       const std::filesystem::path& project_dir,
                                       const std::string& where) {
  if (source.empty()) throw Error("a bind mount needs a host path", {}, {}, where);
  std::filesystem::path path;
  if (source[0] == '~') {
    size_t slash = source.find('/');
    std::string user = source.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
    path = home_of(user, where);
    if (slash != std::string::npos) path /= source.substr(slash + 1);
  } else {
    path = source;
  }
  if (path.is_relative()) path = project_dir / path;
  if (path.is_relative()) path = std::filesystem::absolute(path);
  path = path.lexically_normal();
  std::string text = path.string();
  if (text.size() > 1 && text.back() == '/') path = text.substr(0, text.size() - 1);
  return path;
}

HostPathState check_bind_source(const std::filesystem::path& path, const std::string& where) {
  struct stat link {};
  if (::lstat(path.c_str(), &link) != 0) {
    if (errno == ENOENT) return HostPathState::missing;
    throw Error("cannot use bind source " + path.string() + ": " + std::strerror(errno), {}, {},
                where);
  }
  struct stat target {};
  if (::stat(path.c_str(), &target) != 0) {
    int err = errno;
    std::error_code ec;
    auto points_to = std::filesystem::read_symlink(path, ec);
    std::string what = S_ISLNK(link.st_mode)
                           ? "bind source " + path.string() + " is a symlink to '" +
                                 points_to.string() + "', which " +
                                 (err == ELOOP ? "loops" : "does not exist")
                           : "cannot use bind source " + path.string() + ": " + std::strerror(err);
    throw Error(what, "point the symlink at an existing file or directory, or name another path",
                {}, where);
  }
  return HostPathState::exists;
}

std::vector<std::filesystem::path> create_directories_tracked(const std::filesystem::path& path) {
  std::vector<std::filesystem::path> missing;
  for (auto p = path; !p.empty() && p != p.root_path(); p = p.parent_path()) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) == 0) break;
    if (errno != ENOENT) throw Error("cannot create " + p.string() + ": " + std::strerror(errno));
    missing.push_back(p);
  }
  std::vector<std::filesystem::path> created;
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0755) != 0) {
      int err = errno;
      for (auto undo = created.rbegin(); undo != created.rend(); ++undo) ::rmdir(undo->c_str());
      throw Error("cannot create " + it->string() + ": " + std::strerror(err));
    }
    created.push_back(*it);
  }
  return created;
}

}  // namespace berth::volumes
