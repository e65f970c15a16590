// The OCI process of an exec (runc exec --process): the container's own process (capabilities,
// rlimits, no_new_privileges, environment) with the request's command, environment, directory,
// terminal and user applied. A user given to exec gets exactly its own supplementary groups
// (from the image's /etc/group) and the service's group_add, as docker exec does; runc's
// --user/--additional-gids flags would keep the container user's groups instead.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/container/user.h"

namespace berth::runtime {

struct ExecProcessRequest {
  std::vector<std::string> args;
  std::vector<std::string> env;  // KEY=VAL, over the container's
  std::string cwd;               // "" keeps the container's
  bool tty = false;
  std::optional<ResolvedUser> user;  // nullopt keeps the container's (with its groups)
};

// container_process: the "process" object of the bundle's config.json, as JSON text. Returns
// the exec's process as JSON text. Throws berth::Error when it is not a process object.
std::string exec_process_json(const std::string& container_process, const ExecProcessRequest& request);

}  // namespace berth::runtime
