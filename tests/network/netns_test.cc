// Real network namespaces (needs root).
#include "network/netlink/netns.h"

#include <sys/stat.h>

#include "network/netlink/link.h"
#include "util/paths.h"
#include "tests/network/netns_helpers.h"

using namespace berth::network;
using berth::test::NetworkTest;

namespace {
ino_t netns_inode(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_ino;
}
}  // namespace

using NetnsTest = NetworkTest;

TEST_F(NetnsTest, CreateEnterAndRemove) {
  std::filesystem::path path;
  {
    auto ns = netlink::Netns::create(name("ns"));
    path = ns.path();
    EXPECT_EQ(path, berth::paths::run_root() / "netns" / name("ns"));
    EXPECT_TRUE(std::filesystem::exists(path));
    // Inside: only a loopback, and it is down until someone brings it up.
    auto sock = netlink::Socket::in_netns(path);
    EXPECT_TRUE(netlink::link_exists(sock, "lo"));
    EXPECT_FALSE(netlink::link_exists(sock, "eth0"));
    // A thread that enters comes back to where it was.
    ino_t before = netns_inode("/proc/thread-self/ns/net");
    {
      netlink::NetnsGuard guard(path);
      EXPECT_NE(netns_inode("/proc/thread-self/ns/net"), before);
      EXPECT_EQ(netns_inode("/proc/thread-self/ns/net"), netns_inode(path));
    }
    EXPECT_EQ(netns_inode("/proc/thread-self/ns/net"), before);
    EXPECT_THROW(netlink::Netns::create(name("ns")), berth::Error);  // exists already
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(NetnsTest, ReleasedNamespaceOutlivesItsObject) {
  std::filesystem::path path;
  {
    auto ns = netlink::Netns::create(name("keep"));
    path = ns.release();
  }
  EXPECT_TRUE(std::filesystem::exists(path));
  netlink::Netns::remove(path);
  EXPECT_FALSE(std::filesystem::exists(path));
  netlink::Netns::remove(path);  // removing twice is fine
}

TEST_F(NetnsTest, EnteringAMissingNamespaceIsAClearError) {
  try {
    netlink::Socket::in_netns(dir_.path() / "nothing");
    FAIL();
  } catch (const berth::Error& e) {
    EXPECT_NE(e.message().find("cannot open network namespace"), std::string::npos) << e.message();
  }
}

TEST_F(NetnsTest, VethIntoANamespaceWithAddressAndRoute) {
  auto ns = netlink::Netns::create(name("v"));
  netlink::Socket host;
  std::string bridge = "bt-t" + suffix_;
  netlink::create_bridge(host, bridge, 1400, "02:42:0a:e9:07:01");
  netlink::LinkGuard bridge_guard(host, bridge);
  netlink::add_address(host, bridge, *IpAddress::parse("10.233.7.1"), 24);
  netlink::set_link_up(host, bridge);
  int fd = ::open(ns.path().c_str(), O_RDONLY | O_CLOEXEC);
  std::string veth = "vb-t" + suffix_;
  netlink::create_veth(host, {veth, "eth0", fd, netlink::link_index(host, bridge), 1400, "02:42:0a:e9:07:02"});
  ::close(fd);
  netlink::LinkGuard veth_guard(host, veth);
  auto inner = netlink::Socket::in_netns(ns.path());
  EXPECT_TRUE(netlink::link_exists(inner, "eth0"));
  EXPECT_EQ(netlink::link_mac(inner, "eth0"), "02:42:0a:e9:07:02");
  netlink::add_address(inner, "eth0", *IpAddress::parse("10.233.7.2"), 24);
  netlink::set_link_up(inner, "eth0");
  netlink::add_default_route(inner, *IpAddress::parse("10.233.7.1"));
  auto addrs = netlink::link_addresses(inner, "eth0");
  ASSERT_EQ(addrs.size(), 1u);
  EXPECT_EQ(addrs[0].address().str(), "10.233.7.2");
  EXPECT_EQ(addrs[0].prefix(), 24);
  // The host reaches the namespace over the bridge.
  netlink::set_link_up(inner, "lo");
  berth::test::TcpServer server(ns.path(), 7001, "hello");
  EXPECT_EQ(berth::test::tcp_fetch({}, "10.233.7.2", 7001), "hello");
}
