// Resolving a container's `user` (and group_add) against the root filesystem's /etc/passwd and
// /etc/group, as Docker does: the process never sees a name, only numbers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace berth::runtime {

struct ResolvedUser {
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::vector<uint32_t> additional_gids;  // the user's groups in /etc/group, then group_add
  std::string home;                       // from /etc/passwd; "/" when unknown
};

// user: "", "name", "uid", "name:group", "uid:gid" (either side a name or a number). A name must
// exist in the rootfs; a number need not. Throws berth::Error naming what is missing.
ResolvedUser resolve_user(const std::filesystem::path& rootfs, const std::string& user,
                          const std::vector<std::string>& group_add = {});

// The same from file contents (what resolve_user reads), for tests and for images not unpacked.
ResolvedUser resolve_user_from(const std::string& passwd, const std::string& group,
                               const std::string& user,
                               const std::vector<std::string>& group_add = {});

}  // namespace berth::runtime
