// berth's long-lived helper processes (the DNS responder, the loopback port proxy): one per run
// root, started on demand by whichever command needs it, detached from it, holding a lock file
// while they serve so that a second one gives way at once.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace berth::network {

// Whether a process holds the (flock) lock at `lock`.
bool helper_running(const std::filesystem::path& lock);

// Starts `argv` detached (setsid, double fork, stdio on /dev/null) unless a process holds
// `lock`, and waits up to two seconds for it to report ready: it gets a pipe's write end as fd 3,
// named in the environment variable `ready_env`, and writes a byte there once it serves (or
// closes it when another one serves). `what` names it in messages. One caller at a time starts
// it (the others wait, then find it running); one that did not report ready is not started
// again by this process.
void start_helper(const std::vector<std::string>& argv, const std::filesystem::path& lock,
                  const char* ready_env, const std::string& what);

// For the helper: takes `lock` (creating it); -1 when another process holds it.
int take_helper_lock(const std::filesystem::path& lock);
// For the helper: the ready fd named by `ready_env` (and forgets the variable); -1 when none.
int ready_fd_from_env(const char* ready_env);

}  // namespace berth::network
