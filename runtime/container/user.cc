#include "runtime/container/user.h"

#include <algorithm>
#include <optional>

#include "runtime/container/rootfs_path.h"
#include "util/error.h"
#include "util/fs.h"

namespace berth::runtime {

namespace {
// One line of /etc/passwd or /etc/group, split on ':'.
std::vector<std::vector<std::string>> parse_colon_file(const std::string& content) {
  std::vector<std::vector<std::string>> rows;
  size_t start = 0;
  while (start < content.size()) {
    size_t end = content.find('\n', start);
    if (end == std::string::npos) end = content.size();
    std::string line = content.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    size_t f = 0;
    while (true) {
      size_t colon = line.find(':', f);
      fields.push_back(line.substr(f, colon == std::string::npos ? std::string::npos : colon - f));
      if (colon == std::string::npos) break;
      f = colon + 1;
    }
    rows.push_back(std::move(fields));
  }
  return rows;
}

std::optional<uint32_t> as_number(const std::string& text) {
  if (text.empty() || text.size() > 10 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  unsigned long value = std::stoul(text);
  if (value > 0xffffffffUL) return std::nullopt;
  return static_cast<uint32_t>(value);
}

struct PasswdEntry {
  std::string name;
  uint32_t uid, gid;
  std::string home;
};

std::optional<PasswdEntry> find_passwd(const std::string& passwd, const std::string& who) {
  auto number = as_number(who);
  for (const auto& f : parse_colon_file(passwd)) {
    if (f.size() < 4) continue;
    auto uid = as_number(f[2]);
    auto gid = as_number(f[3]);
    if (!uid || !gid) continue;
    if ((number && *uid == *number) || (!number && f[0] == who))
      return PasswdEntry{f[0], *uid, *gid, f.size() > 5 ? f[5] : "/"};
  }
  return std::nullopt;
}

// A group by name or number: a number need not exist, a name must.
uint32_t resolve_group(const std::string& group_file, const std::string& group,
                       const std::string& what) {
  auto number = as_number(group);
  for (const auto& f : parse_colon_file(group_file)) {
    if (f.size() < 3) continue;
    auto gid = as_number(f[2]);
    if (gid && ((number && *gid == *number) || (!number && f[0] == group))) return *gid;
  }
  if (number) return *number;
  throw Error(what + ": no group named '" + group + "' in the image's /etc/group",
              "use a numeric gid, or a group the image defines");
}
}  // namespace

ResolvedUser resolve_user_from(const std::string& passwd, const std::string& group_file,
                               const std::string& user, const std::vector<std::string>& group_add) {
  ResolvedUser out{0, 0, {}, std::string(1, '/')};
  std::string user_part = user.substr(0, user.find(':'));
  std::optional<std::string> group_part;
  if (user.find(':') != std::string::npos) group_part = user.substr(user.find(':') + 1);
  if (user_part.empty() && !user.empty())
    throw Error("invalid user '" + user + "': the user part is empty",
                "write user as name, uid, name:group or uid:gid");

  std::string user_name;
  if (!user_part.empty()) {
    auto entry = find_passwd(passwd, user_part);
    if (entry) {
      out.uid = entry->uid;
      out.gid = entry->gid;
      out.home = entry->home.empty() ? "/" : entry->home;
      user_name = entry->name;
    } else if (auto number = as_number(user_part)) {
      out.uid = *number;
    } else {
      throw Error("user '" + user_part + "' does not exist in the image's /etc/passwd",
                  "use a numeric uid[:gid], or a user the image defines");
    }
  } else {
    if (auto root = find_passwd(passwd, "0")) {
      out.home = root->home.empty() ? "/" : root->home;
      user_name = root->name;
    }
  }

  if (group_part) {
    if (group_part->empty())
      throw Error("invalid user '" + user + "': the group part is empty",
                  "write user as name, uid, name:group or uid:gid");
    out.gid = resolve_group(group_file, *group_part, "user '" + user + "'");
  } else if (!user_name.empty()) {
    // The user's supplementary groups, as listed in /etc/group.
    for (const auto& f : parse_colon_file(group_file)) {
      if (f.size() < 4) continue;
      auto gid = as_number(f[2]);
      if (!gid || *gid == out.gid) continue;
      std::string members = f[3];
      size_t s = 0;
      while (s <= members.size()) {
        size_t e = members.find(',', s);
        if (e == std::string::npos) e = members.size();
        if (members.substr(s, e - s) == user_name) {
          out.additional_gids.push_back(*gid);
          break;
        }
        s = e + 1;
      }
    }
  }
  for (const auto& g : group_add) {
    uint32_t gid = resolve_group(group_file, g, "group_add");
    if (std::find(out.additional_gids.begin(), out.additional_gids.end(), gid) ==
        out.additional_gids.end())
      out.additional_gids.push_back(gid);
  }
  return out;
}

ResolvedUser resolve_user(const std::filesystem::path& rootfs, const std::string& user,
                          const std::vector<std::string>& group_add) {
  auto read = [&](const char* path) -> std::string {
    auto host = resolve_in_rootfs(rootfs, path);
    if (!host) return {};
    return fs::read_file_if_exists(*host).value_or("");
  };
  return resolve_user_from(read("/etc/passwd"), read("/etc/group"), user, group_add);
}

}  // namespace berth::runtime
