// The loopback port proxy for real (needs root): [::1]:port relays TCP and UDP to a container
// in its own namespace, follows its routes file, and stops when no route is left.
#include "network/proxy/server.h"

#include <fstream>

#include "network/ports.h"
#include "network/proxy/routes.h"
#include "tests/network/netns_helpers.h"

using namespace berth::network;
using berth::test::NetworkTest;
using berth::test::tcp_fetch;
using berth::test::TcpServer;

namespace {
void write_routes(const std::filesystem::path& file, const std::vector<proxy::Route>& routes) {
  std::filesystem::create_directories(file.parent_path());
  auto tmp = file;
  tmp += ".tmp";
  std::ofstream(tmp) << proxy::to_json(routes);
  std::filesystem::rename(tmp, file);
}
}  // namespace

using PortProxy = NetworkTest;

TEST_F(PortProxy, RelaysTcpAndUdpFromTheIpv6LoopbackAndStopsWithoutRoutes) {
  auto net = create_network(spec("px"));
  auto web = netlink::Netns::create(name("pxw"));
  auto r = attach("web", web, net.spec.name);
  ASSERT_TRUE(r.ipv4);
  TcpServer server(web.path(), 80, "through the proxy");
  int udp = berth::test::socket_in(web.path(), SOCK_DGRAM);
  auto any = berth::test::v4_addr("0.0.0.0", 53);
  ASSERT_EQ(::bind(udp, reinterpret_cast<sockaddr*>(&any), sizeof any), 0);

  uint16_t tcp_port = any_free_port("::1", "tcp");
  uint16_t udp_port = any_free_port("::1", "udp");
  auto file = dir_.path() / "routes" / "routes.json";
  write_routes(file, {{tcp_port, "tcp", r.ipv4->str(), 80}, {udp_port, "udp", r.ipv4->str(), 53}});

  int ready[2];
  ASSERT_EQ(::pipe2(ready, O_CLOEXEC), 0);
  std::thread proxy([&] { proxy::serve({.routes = file, .ready_fd = ready[1]}); });
  char byte;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1) << "the proxy did not get ready";
  ::close(ready[0]);

  EXPECT_EQ(tcp_fetch({}, "::1", tcp_port), "through the proxy");

  // UDP: a datagram to [::1]:port reaches the container's port 53; its answer comes back.
  int client = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  socklen_t len = 0;
  auto to = berth::test::any_addr("::1", udp_port, len);
  ASSERT_EQ(::sendto(client, "ping", 4, 0, reinterpret_cast<sockaddr*>(&to), len), 4);
  pollfd p{udp, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 2000), 1);
  char buf[16];
  sockaddr_storage from{};
  socklen_t from_len = sizeof from;
  ssize_t n = ::recvfrom(udp, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &from_len);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), "ping");
  ::sendto(udp, "pong", 4, 0, reinterpret_cast<sockaddr*>(&from), from_len);
  pollfd pc{client, POLLIN, 0};
  ASSERT_EQ(::poll(&pc, 1, 2000), 1);
  n = ::recv(client, buf, sizeof buf, 0);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), "pong");
  ::close(client);
  ::close(udp);

  // A route taken away stops listening; no route left, the proxy ends by itself.
  write_routes(file, {{udp_port, "udp", r.ipv4->str(), 53}});
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (tcp_fetch({}, "::1", tcp_port, 100) != "" && std::chrono::steady_clock::now() < deadline) {
  }
  EXPECT_EQ(tcp_fetch({}, "::1", tcp_port, 300), "");
  write_routes(file, {});
  proxy.join();
}
