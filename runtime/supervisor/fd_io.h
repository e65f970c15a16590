// The supervisor's descriptor plumbing: timerfds, whole writes, draining reads, the unix socket
// it listens on, and the terminal runc hands over a console socket.
#pragma once

#include <string>

#include "runtime/container/fd.h"
#include "runtime/container/spec.h"

namespace berth::runtime {

// A monotonic, non-blocking timerfd, disarmed.
Fd make_timer();
// Fires once, `after` from now (at least 1 ms).
void arm(const Fd& timer, Duration after);
void disarm(const Fd& timer);
// Consumes the expiration count so that poll stops reporting it.
void drain_timer(const Fd& timer);

// Writes everything (best effort: a peer that went away loses the rest).
void write_all(int fd, const std::string& text);
// Reads until EOF or until nothing more is there.
std::string read_available(int fd);

// A listening unix stream socket at `path` (replacing a stale one). Throws berth::Error.
Fd listen_unix(const std::string& path);
// Accepts one connection on `listen_fd` and receives the descriptor sent with SCM_RIGHTS (the pty
// master that runc sends over --console-socket). Throws berth::Error.
Fd receive_fd(int listen_fd);

}  // namespace berth::runtime
