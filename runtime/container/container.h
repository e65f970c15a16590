// A container's lifecycle, as the rest of berth sees it. Every function works from the records on
// disk and the container's supervisor, so any berth process can act on any container.
//
//   create_container  bundle + record ("created"); nothing runs
//   prepare_container starts the supervisor, which makes it under runc; it waits to be started
//   start_container   starts it: through the waiting supervisor, or a new one (create + start)
//   stop_container    stop signal, grace period, SIGKILL; returns the exit code
//   remove_container  runc state, bundle, record and log gone
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/container/fd.h"
#include "runtime/container/record.h"
#include "runtime/container/spec.h"

namespace berth::runtime {

// Validates the spec against its root filesystem (the command exists and is executable, the
// user exists, runc is there), then writes the bundle and the record. Returns warnings (ulimits
// lowered, ...). Throws berth::Error and leaves nothing behind on bad input.
std::vector<std::string> create_container(const ContainerSpec& spec);

// Starts the container's supervisor and returns once the container runs. Throws berth::Error
// with runc's explanation when it cannot start; the container stays "created". A prepared
// container is started by its supervisor: a `runc start`, the rest was done.
void start_container(const std::string& id);

// Starts the supervisor and makes the container under runc (namespaces, mounts, seccomp: the
// costly part), leaving its command waiting for start_container. Still "created" meanwhile;
// stop_container ends it without its command having run.
void prepare_container(const std::string& id);

// Starts it as start_container does, with a client attached from its first byte of output: the
// returned stream speaks attach_protocol.h (see attach.h for the client side).
Fd start_container_attached(const std::string& id);

struct TerminalSettings {
  bool tty = false;
  bool stdin_open = false;
};
// What the container was created with (its supervisor keeps its stdin, and a terminal).
TerminalSettings container_terminal(const std::string& id);

// Whether a supervisor is looking after the container now.
bool supervisor_alive(const std::string& id);

// The container's record, repaired when it claims a supervisor that is gone (killed, or the
// machine rebooted): "running" stays only while runc still runs the container (with `error`
// saying it is unsupervised); otherwise it becomes "exited".
ContainerRecord inspect_container(const std::string& id);

// Stops a running container: its stop signal (or `signal`), then SIGKILL after the grace period
// (or `grace`). Returns the exit code. A container that is not running is left as it is. Without
// a supervisor (see inspect_container), berth stops it through runc and waits on a pidfd.
int stop_container(const std::string& id, std::optional<std::string> signal = std::nullopt,
                   std::optional<Duration> grace = std::nullopt);

// Sends a signal to the container's process.
void kill_container(const std::string& id, const std::string& signal);
void pause_container(const std::string& id);
void resume_container(const std::string& id);

// Blocks until the container is down for good (no restart pending); returns its exit code.
int wait_container(const std::string& id);

// Removes everything berth holds for the container: runc's state, bundle, record and log. A
// running container needs force (it is killed first). Filesystems mounted inside the container's
// directories (its rootfs) are never entered: unmount them first, or this throws naming them.
void remove_container(const std::string& id, bool force);

struct ExecRequest {
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::string cwd;   // "" keeps the container's
  std::string user;  // name, uid, name:group, uid:gid, resolved in the container's rootfs
  bool tty = false;
  std::vector<std::string> group_add;  // the service's: added to a `user`'s own groups
};

struct ExecResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a process in a running container and captures its output.
ExecResult exec_captured(const std::string& id, const ExecRequest& request);
// Runs a process in a running container with this process's stdio; returns its exit code.
int exec_attached(const std::string& id, const ExecRequest& request);

// The supervisor executable: $BERTH_SUPERVISOR, else berth-supervisor beside this program.
std::string supervisor_binary();

}  // namespace berth::runtime
