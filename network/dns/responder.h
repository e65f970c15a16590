// The service DNS responder: one per host (per run root), listening on every bridge's gateway
// address, port 53, UDP and TCP. It answers the names of berth's table (table.h) and forwards the
// rest to the host's resolvers. It re-reads the table when inotify says the file changed, and
// answers only for the containers that run (running_containers.h), following their records.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "network/ip.h"

namespace berth::network::dns {

struct ResponderOptions {
  std::filesystem::path table = {};           // default: table_path()
  std::filesystem::path containers = {};      // the container records; default: state_root()/containers
  std::vector<IpAddress> upstream = {};       // default: the host's /etc/resolv.conf
  uint16_t port = 53;
  uint16_t upstream_port = 53;
  int stop_fd = -1;                           // readable: stop (for running on a thread)
  bool exit_when_empty = true;                // stop when no network is left in the table
  // Written to and closed once the responder listens (default: $BERTH_DNS_READY_FD, which
  // ensure_responder() sets for the process it starts).
  int ready_fd = -1;
};

// Serves until stopped. Holds the run root's responder lock while it serves, so that a second
// responder returns at once.
void serve(ResponderOptions options);

// The nameservers of a resolv.conf text (pure).
std::vector<IpAddress> nameservers(const std::string& resolv_conf);

// The lock a running responder holds: paths::run_root()/dns/responder.lock.
std::filesystem::path responder_lock_path();

// Starting the responder process (launcher.cc).
// How to start the responder as a process (the berth binary's hidden `__dns` mode). Until it is
// set, ensure_responder() does nothing: a library user runs serve() itself.
void set_responder_command(std::vector<std::string> argv);
// Starts the responder process unless one is running for this run root, and waits (up to two
// seconds) until it listens.
void ensure_responder();
// Whether a responder holds the lock of this run root.
bool responder_running();

}  // namespace berth::network::dns
