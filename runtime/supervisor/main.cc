// berth-supervisor [--hold] <run dir> <ready fd> [<attach fd>]: started by berth in a session of
// its own. It forks once at the start and the parent exits, so that berth's child is gone at once
// and the supervisor proper is an orphan that outlives berth. --hold: make the container, start
// it on request (see supervisor.h).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "runtime/supervisor/supervisor.h"

int main(int argc, char** argv) {
  bool hold = argc > 1 && std::strcmp(argv[1], "--hold") == 0;
  if (hold) {
    --argc;
    ++argv;
  }
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: berth-supervisor [--hold] RUN_DIR READY_FD [ATTACH_FD] (started by berth)\n");
    return 2;
  }
  pid_t supervisor = ::fork();
  if (supervisor < 0) {
    std::perror("berth-supervisor: fork");
    return 1;
  }
  if (supervisor > 0) ::_exit(0);
  return berth::runtime::run_supervisor(argv[1], std::atoi(argv[2]), argc == 4 ? std::atoi(argv[3]) : -1,
                                        hold);
}
