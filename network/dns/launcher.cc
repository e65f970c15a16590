// Starting the DNS responder as a process of its own, once per run root, and waiting until it
// listens.
#include "network/dns/responder.h"
#include "network/helper_process.h"
#include "util/paths.h"

namespace berth::network::dns {

namespace {
std::vector<std::string>& command() {
  static std::vector<std::string> argv;
  return argv;
}
}  // namespace

std::filesystem::path responder_lock_path() { return paths::run_root() / "dns" / "responder.lock"; }

void set_responder_command(std::vector<std::string> argv) { command() = std::move(argv); }

bool responder_running() { return helper_running(responder_lock_path()); }

void ensure_responder() {
  start_helper(command(), responder_lock_path(), "BERTH_DNS_READY_FD", "the DNS responder");
}

}  // namespace berth::network::dns
