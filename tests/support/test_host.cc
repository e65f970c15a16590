#include "tests/support/test_host.h"

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "tests/support/host_network_state.h"

namespace berth::test {

namespace {
void must(const std::string& command) {
  if (std::system((command + " >/dev/null 2>&1").c_str()) != 0)
    throw std::runtime_error("test host setup failed: " + command);
}
}  // namespace

TestHost::TestHost() {
  std::string pid = std::to_string(::getpid());
  std::string third = std::to_string(::getpid() % 250);
  netns_ = "berth-th" + pid;
  veth_ = "vb-th" + pid;  // vb-: scripts/check-leftovers.sh reports it if it stays
  host_ip_ = "10.250." + third + ".1";
  peer_ip_ = "10.250." + third + ".2";
  must("ip netns add " + netns_);
  try {
    must("ip link add " + veth_ + " type veth peer name eth0 netns " + netns_);
    must("ip addr add " + host_ip_ + "/30 dev " + veth_);
    must("ip link set " + veth_ + " up");
    must("ip -n " + netns_ + " addr add " + peer_ip_ + "/30 dev eth0");
    must("ip -n " + netns_ + " link set eth0 up");
    must("ip -n " + netns_ + " link set lo up");
  } catch (...) {
    (void)!std::system(("ip link del " + veth_ + " 2>/dev/null; ip netns del " + netns_).c_str());
    throw;
  }
}

TestHost::~TestHost() {
  // Deleting the namespace takes its veth end and with it the host's end.
  (void)!std::system(("ip link del " + veth_ + " 2>/dev/null; ip netns del " + netns_).c_str());
}

std::string TestHost::run(const std::string& command) const {
  return shell_output("ip netns exec " + netns_ + " sh -c '" + command + "' 2>/dev/null");
}

}  // namespace berth::test
