// The supervisor of one container: a small process that outlives the berth command. It holds the
// container's stdio and writes its log, reaps it (as a child subreaper), records its exit, restarts
// it by policy, runs its healthcheck, and stops it on request. Idle, it sleeps in poll(2): every
// wake-up is a signal (signalfd), a timer (timerfd), output, or a request on its unix socket.
//
// Requests, one line each, on <run dir>/supervisor.sock:
//   stop <signal> <grace ms>  -> "exited <code>" once the container is down for good
//   wait                      -> "exited <code>" likewise
//   kill <signal>             -> "ok" or "error <message>"
//   pause | resume            -> "ok" or "error <message>"
//   start                     -> "ok" or "error <message>": starts a container made with hold
//                                (and says "ok" when it runs already)
// Attached clients (input, output, terminal size) use attach.sock; see attach_protocol.h.
#pragma once

#include <string>

namespace berth::runtime {

// Runs the supervisor of the container whose bundle is `run_dir` (supervise.json inside). Reports
// "ok <pid>" or "error <message>" on ready_fd once the first start succeeded or failed. Returns
// the process exit code. attach_fd (-1: none) is a client attached before the start (berth run).
// With hold, the container is only made (runc create; its command waits) and "ok" reported; it
// starts on a "start" request. `up` makes the dependents of a chain early this way, so that each
// link costs a `runc start` rather than a whole `runc run`. Stopped before its start, it stays
// "created", as in docker.
int run_supervisor(const std::string& run_dir, int ready_fd, int attach_fd = -1, bool hold = false);

inline constexpr const char* kSupervisorSocket = "supervisor.sock";

}  // namespace berth::runtime
