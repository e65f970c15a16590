// Runs a check in a forked child inside a private mount namespace, so that the mounts it makes
// vanish with it and never touch the host's mount table. The child's exit code is the result.
#pragma once

#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <sstream>
#include <string>

#include "runtime/mount.h"
#include "volumes/mount_options.h"

namespace berth::test {

inline int in_private_mount_namespace(const std::function<int()>& check) {
  pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (::unshare(CLONE_NEWNS) != 0) ::_exit(100);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) ::_exit(101);
    int rc = 102;
    try {
      rc = check();
    } catch (...) {
    }
    ::_exit(rc);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Applies an OCI bind mount the way a runtime does: bind, then remount with its flags.
inline bool apply_bind(const runtime::Mount& m, const std::string& target) {
  std::string joined;
  for (const auto& o : m.options) joined += o + ",";
  auto opts = volumes::parse_mount_options(joined);
  if (::mount(m.source.c_str(), target.c_str(), nullptr, MS_BIND | (opts.flags & MS_REC),
              nullptr) != 0)
    return false;
  unsigned long extra = opts.flags & ~(MS_BIND | MS_REC);
  return ::mount(nullptr, target.c_str(), nullptr, MS_REMOUNT | MS_BIND | extra, nullptr) == 0;
}

// Applies any OCI mount of the kinds the planner makes (bind, tmpfs) at `target`.
inline bool apply_mount(const runtime::Mount& m, const std::string& target) {
  if (m.type == "bind") return apply_bind(m, target);
  std::string joined;
  for (const auto& o : m.options) joined += o + ",";
  auto opts = volumes::parse_mount_options(joined);
  return ::mount(m.source.c_str(), target.c_str(), m.type.c_str(), opts.flags,
                 opts.data.empty() ? nullptr : opts.data.c_str()) == 0;
}

}  // namespace berth::test
