// berth-supervisor <run dir> <ready fd> [<attach fd>]: started by berth (double-forked, in its own
// session).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "runtime/supervisor/supervisor.h"

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: berth-supervisor RUN_DIR READY_FD [ATTACH_FD] (started by berth)\n");
    return 2;
  }
  return berth::runtime::run_supervisor(argv[1], std::atoi(argv[2]),
                                        argc == 4 ? std::atoi(argv[3]) : -1);
}
