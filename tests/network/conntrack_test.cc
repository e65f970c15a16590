// Flushing the conntrack entries of a port mapping, for real (needs root): the flows DNAT'ed to
// the container's address and port go, others stay; detach does it for its mappings.
#include "network/conntrack.h"

#include <fstream>

#include "network/ports.h"
#include "tests/network/netns_helpers.h"

using namespace berth::network;
using berth::test::NetworkTest;

namespace {
// A UDP datagram from a socket of its own to 127.0.0.1:port; returns the socket's source port.
uint16_t send_udp(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  auto to = berth::test::v4_addr("127.0.0.1", port);
  ::sendto(fd, "x", 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  sockaddr_in self{};
  socklen_t len = sizeof self;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&self), &len);
  ::close(fd);
  return ntohs(self.sin_port);
}

// Whether the conntrack table has a UDP flow from source port `sport` to `dport`.
bool flow_exists(uint16_t sport, uint16_t dport) {
  std::ifstream in("/proc/net/nf_conntrack");
  std::string want = "sport=" + std::to_string(sport) + " dport=" + std::to_string(dport) + " ";
  for (std::string line; std::getline(in, line);)
    if (line.find(" udp ") != std::string::npos && line.find(want) != std::string::npos) return true;
  return false;
}
}  // namespace

using Conntrack = NetworkTest;

TEST_F(Conntrack, ForgetsTheFlowsOfAMappingAndNoOthers) {
  ASSERT_TRUE(std::ifstream("/proc/net/nf_conntrack").good());
  auto net = create_network(spec("ct"));
  auto web = netlink::Netns::create(name("ctw"));
  uint16_t p1 = any_free_port("127.0.0.1", "udp");
  uint16_t p2 = any_free_port("127.0.0.1", "udp");
  while (p2 == p1) p2 = any_free_port("127.0.0.1", "udp");
  AttachSpec a{"web", web.path(), net.spec.name, "eth0", "", "", "", {},
               {{"127.0.0.1", p1, 0, 10053, 0, "udp"}, {"127.0.0.1", p2, 0, 10054, 0, "udp"}}, true};
  auto r = berth::network::attach(a);
  ASSERT_EQ(r.ports.size(), 2u);
  uint16_t s1 = send_udp(p1);
  uint16_t s2 = send_udp(p2);
  ASSERT_TRUE(flow_exists(s1, p1));
  ASSERT_TRUE(flow_exists(s2, p2));

  // Only the mapping to container port 10053 of this address. (Ports no other test uses: the
  // flows of other tests to the same address, which IPAM hands out again, live on for a while.)
  EXPECT_EQ(forget_port_flows(r.ipv4->str(), {r.ports[0]}), 1u);
  EXPECT_FALSE(flow_exists(s1, p1));
  EXPECT_TRUE(flow_exists(s2, p2));
  EXPECT_EQ(forget_port_flows("10.255.255.254", {r.ports[1]}), 0u) << "another address";

  // detach forgets what is left of its mappings.
  detach("web", net.spec.name);
  EXPECT_FALSE(flow_exists(s2, p2));
}
