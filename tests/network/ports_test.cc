#include "network/ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "util/error.h"

using namespace berth::network;

TEST(PortSpec, OneToOne) {
  auto r = expand_port_spec({"", 8080, 0, 80, 0, "tcp"});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].host_candidates, std::vector<uint16_t>{8080});
  EXPECT_EQ(r[0].container_port, 80);
}

TEST(PortSpec, RangesOfEqualLength) {
  auto r = expand_port_spec({"127.0.0.1", 9000, 9002, 80, 82, "udp"});
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[2].host_candidates, std::vector<uint16_t>{9002});
  EXPECT_EQ(r[2].container_port, 82);
  EXPECT_EQ(r[2].protocol, "udp");
  EXPECT_EQ(r[2].host_ip, "127.0.0.1");
}

TEST(PortSpec, HostRangeForOnePort) {
  auto r = expand_port_spec({"", 9000, 9003, 80, 0, "tcp"});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].host_candidates.size(), 4u);
}

TEST(PortSpec, RandomHostPorts) {
  auto r = expand_port_spec({"", 0, 0, 80, 81, "tcp"});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(r[0].host_candidates.empty());
}

TEST(PortSpec, BadSpecs) {
  EXPECT_THROW(expand_port_spec({"", 9000, 9001, 80, 82, "tcp"}), berth::Error);
  EXPECT_THROW(expand_port_spec({"", 9001, 9000, 80, 0, "tcp"}), berth::Error);
  EXPECT_THROW(expand_port_spec({"", 9000, 0, 80, 0, "sctp"}), berth::Error);
  EXPECT_THROW(expand_port_spec({"", 9000, 0, 0, 0, "tcp"}), berth::Error);
}

TEST(PortResolve, APortInUseIsAClearError) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  uint16_t port = ntohs(sa.sin_port);
  try {
    resolve_ports({{"127.0.0.1", port, 0, 80, 0, "tcp"}}, {});
    ADD_FAILURE() << "no error for a port in use";
  } catch (const berth::Error& e) {
    EXPECT_NE(e.message().find("host port " + std::to_string(port) + "/tcp is already in use"),
              std::string::npos)
        << e.message();
  }
  // Same number over UDP is free.
  auto udp = resolve_ports({{"127.0.0.1", port, 0, 80, 0, "udp"}}, {});
  EXPECT_EQ(udp[0].host_port, port);
  // A range skips the busy port.
  // A range skips the busy port (port + 1 could be busy too, by chance: then the range is full).
  bool next_free = host_port_free("127.0.0.1", static_cast<uint16_t>(port + 1), "tcp");
  std::vector<PortSpec> ranged = {{"127.0.0.1", port, static_cast<uint16_t>(port + 1), 80, 0, "tcp"}};
  if (next_free) {
    EXPECT_EQ(resolve_ports(ranged, {})[0].host_port, port + 1);
  } else {
    EXPECT_THROW(resolve_ports(ranged, {}), berth::Error);
  }
  ::close(fd);
}

TEST(PortResolve, PortsBerthPublishesAreTaken) {
  std::vector<PublishedPort> taken = {{"", 47001, 80, "tcp"}};
  EXPECT_THROW(resolve_ports({{"127.0.0.1", 47001, 0, 80, 0, "tcp"}}, taken), berth::Error);
  auto random = resolve_ports({{"", 0, 0, 80, 0, "tcp"}}, taken);
  EXPECT_NE(random[0].host_port, 0);
  EXPECT_NE(random[0].host_port, 47001);
}
