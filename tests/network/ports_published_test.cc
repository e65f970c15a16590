// Published ports and the way out, for real (needs root): from the host's 127.0.0.1, from a test
// "host" (a namespace joined to this host by its own veth), and masquerade out of a network.
#include "network/ports.h"

#include <fcntl.h>

#include "tests/network/netns_helpers.h"

using namespace berth::network;
using berth::test::NetworkTest;
using berth::test::tcp_fetch;
using berth::test::TcpServer;

namespace {
// Another machine, as far as this host can tell: a namespace on a /30 of its own.
class TestHost {
 public:
  explicit TestHost(const std::string& suffix)
      : ns_(netlink::Netns::create("th" + suffix)), veth_("vb-th" + suffix) {
    int third = ::getpid() % 250;
    host_ip_ = "10.238." + std::to_string(third) + ".1";
    peer_ip_ = "10.238." + std::to_string(third) + ".2";
    int fd = ::open(ns_.path().c_str(), O_RDONLY | O_CLOEXEC);
    netlink::create_veth(sock_, {veth_, "eth0", fd, 0, 0, ""});
    ::close(fd);
    guard_.emplace(sock_, veth_);
    host_ip6_ = "fd62:6572:7470:" + std::to_string(third) + "::1";
    peer_ip6_ = "fd62:6572:7470:" + std::to_string(third) + "::2";
    netlink::add_address(sock_, veth_, *IpAddress::parse(host_ip_), 30);
    netlink::add_address(sock_, veth_, *IpAddress::parse(host_ip6_), 64);
    auto inner = netlink::Socket::in_netns(ns_.path());
    netlink::add_address(inner, "eth0", *IpAddress::parse(peer_ip_), 30);
    netlink::add_address(inner, "eth0", *IpAddress::parse(peer_ip6_), 64);
    netlink::set_link_up(inner, "eth0");
    netlink::set_link_up(inner, "lo");
  }
  const std::filesystem::path& path() const { return ns_.path(); }
  const std::string& host_ip() const { return host_ip_; }  // this host, as the test host sees it
  const std::string& peer_ip() const { return peer_ip_; }  // the test host itself
  const std::string& host_ip6() const { return host_ip6_; }

 private:
  netlink::Netns ns_;
  netlink::Socket sock_;
  std::string veth_;
  std::optional<netlink::LinkGuard> guard_;
  std::string host_ip_, peer_ip_, host_ip6_, peer_ip6_;
};
}  // namespace

using Published = NetworkTest;

TEST_F(Published, PortAnswersOnLoopbackAndFromAnotherHost) {
  TestHost other(suffix_);
  auto net = create_network(spec("pub"));
  auto web = netlink::Netns::create(name("pw"));
  uint16_t fixed = any_free_port("", "tcp");
  AttachSpec a{"web", web.path(), net.spec.name, "eth0", "", "", "", {"web"},
               {{"", fixed, 0, 80, 0, "tcp"}, {"", 0, 0, 81, 0, "tcp"}}, true};
  auto r = berth::network::attach(a);
  ASSERT_EQ(r.ports.size(), 2u);
  EXPECT_EQ(r.ports[0].host_port, fixed);
  uint16_t random = r.ports[1].host_port;
  EXPECT_NE(random, 0);
  EXPECT_EQ(published_ports().size(), 2u);

  TcpServer s80(web.path(), 80, "eighty");
  TcpServer s81(web.path(), 81, "eighty-one");
  EXPECT_EQ(tcp_fetch({}, "127.0.0.1", fixed), "eighty");
  EXPECT_EQ(tcp_fetch({}, "127.0.0.1", random), "eighty-one");
  EXPECT_EQ(tcp_fetch(other.path(), other.host_ip(), fixed), "eighty");
  EXPECT_EQ(tcp_fetch(other.path(), other.host_ip(), random), "eighty-one");
  // Another container of the network, through the published port on the host (hairpin NAT).
  // Where br_netfilter is loaded (as on the build hosts) conntrack sees bridged answers and
  // would un-NAT them anyway; elsewhere berth's hairpin masquerade rule is what makes this work.
  auto peer = netlink::Netns::create(name("pp"));
  attach("peer", peer, net.spec.name);
  EXPECT_EQ(tcp_fetch(peer.path(), net.subnet_v4()->gateway.str(), fixed), "eighty");

  // The same port again is in use (by berth), refused before anything is made.
  auto second = netlink::Netns::create(name("p2"));
  AttachSpec b{"web2", second.path(), net.spec.name, "eth0", "", "", "", {},
               {{"", fixed, 0, 80, 0, "tcp"}}, true};
  EXPECT_THROW(berth::network::attach(b), berth::Error);
  EXPECT_FALSE(netlink::link_exists(netlink::Socket::in_netns(second.path()), "eth0"));

  // Detaching takes the rule away.
  detach("web", net.spec.name);
  EXPECT_EQ(tcp_fetch({}, "127.0.0.1", fixed, 300), "");
  EXPECT_TRUE(published_ports().empty());
}

TEST_F(Published, HostIpAndUdp) {
  auto net = create_network(spec("hip"));
  auto web = netlink::Netns::create(name("hw"));
  uint16_t port = any_free_port("127.0.0.1", "tcp");
  AttachSpec a{"web", web.path(), net.spec.name, "eth0", "", "", "", {},
               {{"127.0.0.1", port, 0, 80, 0, "tcp"}, {"127.0.0.1", port, 0, 53, 0, "udp"}}, true};
  auto r = berth::network::attach(a);
  ASSERT_EQ(r.ports.size(), 2u);
  TcpServer s80(web.path(), 80, "only-loopback");
  EXPECT_EQ(tcp_fetch({}, "127.0.0.1", port), "only-loopback");

  // UDP: a datagram to 127.0.0.1:port arrives at the container's port 53 and is answered.
  int server = berth::test::socket_in(web.path(), SOCK_DGRAM);
  auto bind_to = berth::test::v4_addr("0.0.0.0", 53);
  ASSERT_EQ(::bind(server, reinterpret_cast<sockaddr*>(&bind_to), sizeof bind_to), 0);
  int client = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  auto to = berth::test::v4_addr("127.0.0.1", port);
  ASSERT_EQ(::sendto(client, "ping", 4, 0, reinterpret_cast<sockaddr*>(&to), sizeof to), 4);
  pollfd p{server, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 2000), 1);
  char buf[16];
  sockaddr_in from{};
  socklen_t len = sizeof from;
  ssize_t n = ::recvfrom(server, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), "ping");
  ::sendto(server, "pong", 4, 0, reinterpret_cast<sockaddr*>(&from), len);
  pollfd pc{client, POLLIN, 0};
  ASSERT_EQ(::poll(&pc, 1, 2000), 1);
  n = ::recv(client, buf, sizeof buf, 0);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), "pong");
  ::close(client);
  ::close(server);
}

TEST_F(Published, PortInUseOnTheHostIsRefusedBeforeAnythingIsMade) {
  auto net = create_network(spec("busy"));
  int holder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  auto any = berth::test::v4_addr("127.0.0.1", 0);
  ASSERT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&any), sizeof any), 0);
  ::listen(holder, 1);
  sockaddr_in bound{};
  socklen_t len = sizeof bound;
  ::getsockname(holder, reinterpret_cast<sockaddr*>(&bound), &len);
  uint16_t port = ntohs(bound.sin_port);
  auto ns = netlink::Netns::create(name("bz"));
  AttachSpec a{"c", ns.path(), net.spec.name, "eth0", "", "", "", {}, {{"", port, 0, 80, 0, "tcp"}}, true};
  try {
    berth::network::attach(a);
    ADD_FAILURE() << "a port in use was accepted";
  } catch (const berth::Error& e) {
    EXPECT_NE(e.message().find("host port " + std::to_string(port) + "/tcp is already in use"),
              std::string::npos)
        << e.message();
  }
  EXPECT_FALSE(netlink::link_exists(netlink::Socket::in_netns(ns.path()), "eth0"));
  auto rec = *find_network(net.spec.name);
  EXPECT_TRUE(rec.attachments.empty());
  EXPECT_TRUE(rec.subnet_v4()->allocated.empty());
  ::close(holder);
}

TEST_F(Published, NonInternalNetworksGetOutInternalOnesDoNot) {
  TestHost other(suffix_);
  TcpServer outside(other.path(), 9999, "outside world");
  auto open_net = create_network(spec("op"));
  auto shut_net = create_network(spec("sh", true));
  auto a = netlink::Netns::create(name("oa"));
  auto b = netlink::Netns::create(name("ob"));
  attach("a", a, open_net.spec.name);
  attach("b", b, shut_net.spec.name);
  // Out through the host, masqueraded: the test host sees this host's address, and answers.
  EXPECT_EQ(tcp_fetch(a.path(), other.peer_ip(), 9999), "outside world");
  EXPECT_EQ(tcp_fetch(b.path(), other.peer_ip(), 9999, 500), "");
  netlink::add_default_route(netlink::Socket::in_netns(b.path()), shut_net.subnet_v4()->gateway);
  EXPECT_EQ(tcp_fetch(b.path(), other.peer_ip(), 9999, 500), "");
}

TEST_F(Published, Ipv6PortFromAnotherHost) {
  TestHost other(suffix_);
  NetworkSpec s = spec("p6");
  s.enable_ipv6 = true;
  auto net = create_network(s);
  auto web = netlink::Netns::create(name("p6w"));
  uint16_t port = any_free_port("", "tcp");
  AttachSpec a{"web", web.path(), net.spec.name, "eth0", "", "", "", {}, {{"", port, 0, 80, 0, "tcp"}}, true};
  auto r = berth::network::attach(a);
  ASSERT_TRUE(r.ipv6);
  TcpServer s80(web.path(), 80, "v6 published");
  // The first IPv6 connection over fresh interfaces takes about two seconds here (neighbour
  // discovery on new links; not pinned down further), so this one may wait up to five.
  EXPECT_EQ(tcp_fetch(other.path(), other.host_ip6(), port, 5000), "v6 published");
  EXPECT_EQ(tcp_fetch(other.path(), other.host_ip(), port), "v6 published");
}

TEST_F(Published, Ipv6HostIpNeedsAnIpv6Network) {
  auto net = create_network(spec("n6"));
  auto web = netlink::Netns::create(name("n6w"));
  AttachSpec a{"web", web.path(), net.spec.name, "eth0", "", "", "", {}, {{"::1", 0, 0, 80, 0, "tcp"}}, true};
  try {
    berth::network::attach(a);
    ADD_FAILURE() << "an IPv6 host address on an IPv4-only network was accepted";
  } catch (const berth::Error& e) {
    EXPECT_NE(e.message().find("the network has no IPv6"), std::string::npos) << e.message();
  }
  EXPECT_FALSE(netlink::link_exists(netlink::Socket::in_netns(web.path()), "eth0"));
}
