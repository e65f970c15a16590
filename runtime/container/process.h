// Starting helper programs (runc, the supervisor) with posix_spawn: no shell, explicit stdio, a
// clean signal mask, and nothing else inherited (every berth descriptor is close-on-exec).
// posix_spawn is a vfork underneath: berth's page tables are not copied for each child, which a
// fork of the multi-threaded berth would do once per container.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace berth::runtime {

struct SpawnOptions {
  std::vector<std::string> argv;
  int stdin_fd = -1;  // -1: /dev/null
  int stdout_fd = -1;
  int stderr_fd = -1;
  // Descriptors the child gets as 3, 4, ... (in this order), whatever their numbers here.
  std::vector<int> pass_fds;
  bool new_session = false;  // setsid() in the child
  std::string cwd;           // "" keeps this process's
};

// Throws berth::Error when the program cannot be started.
pid_t spawn_process(const SpawnOptions& options);

// Waits for `pid` (retrying on EINTR). Returns the exit code, or 128 + signal when killed.
int wait_process(pid_t pid);
// The exit code of a wait status, as a shell reports it.
int exit_code_of(int wait_status);

struct Captured {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv to completion, capturing both streams; stdin is /dev/null.
Captured run_captured(const std::vector<std::string>& argv);

// The absolute path of `name` in $PATH, or "" when absent.
std::string find_in_path(const std::string& name);

}  // namespace berth::runtime
