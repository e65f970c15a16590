#include "runtime/container/rootfs_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "runtime/container/command.h"
#include "util/error.h"

namespace berth::runtime {

namespace {
std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string::npos) end = text.size();
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}
}  // namespace

std::optional<std::filesystem::path> resolve_in_rootfs(const std::filesystem::path& rootfs,
                                                       const std::string& path) {
  // Components still to walk, front first; `resolved` is the container path walked so far.
  std::vector<std::string> pending;
  for (auto& part : split(path, '/'))
    if (!part.empty() && part != ".") pending.push_back(part);
  std::reverse(pending.begin(), pending.end());
  std::vector<std::string> resolved;
  int links = 0;
  while (!pending.empty()) {
    std::string part = pending.back();
    pending.pop_back();
    if (part == "..") {
      if (!resolved.empty()) resolved.pop_back();
      continue;
    }
    std::filesystem::path host = rootfs;
    for (const auto& r : resolved) host /= r;
    host /= part;
    struct stat st {};
    if (::lstat(host.c_str(), &st) != 0) return std::nullopt;
    if (!S_ISLNK(st.st_mode)) {
      resolved.push_back(part);
      continue;
    }
    if (++links > 40) return std::nullopt;
    std::error_code ec;
    std::string target = std::filesystem::read_symlink(host, ec).string();
    if (ec) return std::nullopt;
    if (!target.empty() && target[0] == '/') resolved.clear();
    auto target_parts = split(target, '/');
    for (auto it = target_parts.rbegin(); it != target_parts.rend(); ++it)
      if (!it->empty() && *it != ".") pending.push_back(*it);
  }
  std::filesystem::path host = rootfs;
  for (const auto& r : resolved) host /= r;
  return host;
}

std::filesystem::path find_executable_in_rootfs(const std::filesystem::path& rootfs,
                                                const std::string& argv0, const std::string& cwd,
                                                const std::vector<std::string>& env) {
  auto is_executable_file = [](const std::filesystem::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111) != 0;
  };
  auto check = [&](const std::string& container_path) -> std::optional<std::filesystem::path> {
    auto host = resolve_in_rootfs(rootfs, container_path);
    if (host && is_executable_file(*host)) return host;
    return std::nullopt;
  };
  if (argv0.find('/') != std::string::npos) {
    std::string full = argv0[0] == '/' ? argv0 : cwd + "/" + argv0;
    if (auto found = check(full)) return *found;
    auto host = resolve_in_rootfs(rootfs, full);
    if (host)
      throw Error("the command '" + argv0 + "' is not an executable file in the container",
                  "make it executable in the image (chmod +x) or run it through a shell");
    throw Error("the command '" + argv0 + "' does not exist in the container",
                "check the entrypoint/command and the image");
  }
  std::string path_var = kDefaultPath;
  for (const auto& entry : env)
    if (entry.rfind("PATH=", 0) == 0) path_var = entry.substr(5);
  for (const auto& dir : split(path_var, ':')) {
    if (dir.empty()) continue;
    if (auto found = check(dir + "/" + argv0)) return *found;
  }
  throw Error("the command '" + argv0 + "' was not found in the container's PATH (" + path_var +
                  ")",
              "check the entrypoint/command, or give the program's full path");
}

}  // namespace berth::runtime
