// Namespaces on bridge networks, for real (needs root): who reaches whom, internal networks,
// and what is left after teardown.
#include "network/attach.h"

#include "network/store.h"
#include "tests/network/netns_helpers.h"
#include "util/fs.h"
#include "util/paths.h"

using namespace berth::network;
using berth::test::nft_table_exists;
using berth::test::NetworkTest;
using berth::test::tcp_fetch;
using berth::test::TcpServer;

namespace {
std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const berth::Error& e) {
    return e.message();
  }
  return "";
}
}  // namespace

using Attach = NetworkTest;

TEST_F(Attach, TwoNamespacesOnOneBridgeReachEachOther) {
  auto net = create_network(spec("one"));
  auto a = netlink::Netns::create(name("a"));
  auto b = netlink::Netns::create(name("b"));
  auto ra = attach("a", a, net.spec.name);
  auto rb = attach("b", b, net.spec.name);
  ASSERT_TRUE(ra.ipv4 && rb.ipv4);
  EXPECT_NE(*ra.ipv4, *rb.ipv4);
  EXPECT_TRUE(net.subnet_v4()->subnet.contains(*ra.ipv4));
  EXPECT_EQ(ra.gateway4, net.subnet_v4()->gateway);
  EXPECT_EQ(ra.ifname, "eth0");

  TcpServer in_b(b.path(), 8000, "from b");
  EXPECT_EQ(tcp_fetch(a.path(), rb.ipv4->str(), 8000), "from b");
  // Loopback inside is up.
  TcpServer local(a.path(), 8001, "lo");
  EXPECT_EQ(tcp_fetch(a.path(), "127.0.0.1", 8001), "lo");
  // The address is on record.
  auto rec = *find_network(net.spec.name);
  EXPECT_EQ(rec.attachments.at("b").ipv4, rb.ipv4->str());
  EXPECT_EQ(rec.subnet_v4()->allocated.at(*rb.ipv4), "b");
}

TEST_F(Attach, StaticAddressMacAndSecondInterface) {
  std::string third = std::to_string(::getpid() % 250);
  NetworkSpec s1 = spec("s1");
  s1.ipam = {{"10.237." + third + ".0/24", "", "", {}}};
  auto n1 = create_network(s1);
  auto n2 = create_network(spec("s2"));
  auto ns = netlink::Netns::create(name("m"));
  AttachSpec a{"m", ns.path(), n1.spec.name, "eth0", "10.237." + third + ".77", "", "02:42:0a:0a:0a:0a", {}, {}, true};
  auto r = berth::network::attach(a);
  EXPECT_EQ(r.ipv4->str(), "10.237." + third + ".77");
  EXPECT_EQ(r.mac, "02:42:0a:0a:0a:0a");
  AttachSpec second{"m", ns.path(), n2.spec.name, "eth1", "", "", "", {}, {}, false};
  auto r2 = berth::network::attach(second);
  auto inner = netlink::Socket::in_netns(ns.path());
  EXPECT_TRUE(netlink::link_exists(inner, "eth1"));
  EXPECT_TRUE(n2.subnet_v4()->subnet.contains(*r2.ipv4));
  // Without a MAC given, berth chooses one: the interface has it, and so has the record.
  EXPECT_EQ(netlink::link_mac(inner, "eth0"), "02:42:0a:0a:0a:0a");
  EXPECT_EQ(netlink::link_mac(inner, "eth1"), r2.mac);
  EXPECT_EQ(find_network(n2.spec.name)->attachments.at("m").mac, r2.mac);
  EXPECT_EQ(find_network(n1.spec.name)->attachments.at("m").mac, "02:42:0a:0a:0a:0a");

  // The same static address again is refused, and nothing is made for the refused one.
  auto other = netlink::Netns::create(name("o"));
  AttachSpec dup{"o", other.path(), n1.spec.name, "eth0", "10.237." + third + ".77", "", "", {}, {}, true};
  auto msg = error_of([&] { berth::network::attach(dup); });
  EXPECT_NE(msg.find("already taken by container m"), std::string::npos) << msg;
  dup.ipv4 = "10.99.0.5";
  msg = error_of([&] { berth::network::attach(dup); });
  EXPECT_NE(msg.find("not inside subnet"), std::string::npos) << msg;
  EXPECT_FALSE(netlink::link_exists(netlink::Socket::in_netns(other.path()), "eth0"));
  EXPECT_FALSE(find_network(n1.spec.name)->attachments.count("o"));
}

TEST_F(Attach, NamespacesSharingNoNetworkCannotReachEachOther) {
  auto front = create_network(spec("fr"));
  auto back = create_network(spec("bk"));
  auto web = netlink::Netns::create(name("web"));
  auto db = netlink::Netns::create(name("db"));
  auto proxy = netlink::Netns::create(name("px"));
  auto rweb = attach("web", web, front.spec.name);
  auto rdb = attach("db", db, back.spec.name);
  auto rpf = attach("proxy", proxy, front.spec.name);
  auto rpb = attach("proxy", proxy, back.spec.name, {}, "eth1");

  TcpServer on_db(db.path(), 5432, "db");
  TcpServer on_web(web.path(), 80, "web");
  TcpServer on_proxy(proxy.path(), 81, "proxy");
  // proxy is on both: reaches both, and is reached on both addresses.
  EXPECT_EQ(tcp_fetch(proxy.path(), rdb.ipv4->str(), 5432), "db");
  EXPECT_EQ(tcp_fetch(proxy.path(), rweb.ipv4->str(), 80), "web");
  EXPECT_EQ(tcp_fetch(web.path(), rpf.ipv4->str(), 81), "proxy");
  EXPECT_EQ(tcp_fetch(db.path(), rpb.ipv4->str(), 81), "proxy");
  // web and db share nothing: the host routes between the bridges, berth's rules refuse it.
  EXPECT_EQ(tcp_fetch(web.path(), rdb.ipv4->str(), 5432, 500), "");
  EXPECT_EQ(tcp_fetch(db.path(), rweb.ipv4->str(), 80, 500), "");
}

TEST_F(Attach, InternalNetworkHasNoWayOut) {
  auto inner_net = create_network(spec("in", true));
  auto outer_net = create_network(spec("out"));
  auto shut = netlink::Netns::create(name("shut"));
  auto peer = netlink::Netns::create(name("peer"));
  auto outside = netlink::Netns::create(name("outs"));
  auto rs = attach("shut", shut, inner_net.spec.name);
  auto rp = attach("peer", peer, inner_net.spec.name);
  auto ro = attach("outside", outside, outer_net.spec.name);
  TcpServer on_peer(peer.path(), 90, "peer");
  TcpServer on_outside(outside.path(), 91, "outside");
  // Inside the internal network all is well.
  EXPECT_EQ(tcp_fetch(shut.path(), rp.ipv4->str(), 90), "peer");
  // No default route is given...
  EXPECT_EQ(tcp_fetch(shut.path(), ro.ipv4->str(), 91, 500), "");
  // ...and one added by hand does not help: the forward rules drop it, both ways.
  netlink::add_default_route(netlink::Socket::in_netns(shut.path()), inner_net.subnet_v4()->gateway);
  EXPECT_EQ(tcp_fetch(shut.path(), ro.ipv4->str(), 91, 500), "");
  EXPECT_EQ(tcp_fetch(outside.path(), rs.ipv4->str(), 90, 500), "");
}

TEST_F(Attach, DetachAndTeardownLeaveNothing) {
  auto net = create_network(spec("td"));
  std::filesystem::path ns_path;
  std::string veth;
  {
    auto ns = netlink::Netns::create(name("td"));
    ns_path = ns.path();
    auto r = attach("c", ns, net.spec.name, {"svc"});
    veth = r.host_veth;
    netlink::Socket host;
    EXPECT_TRUE(netlink::link_exists(host, veth));
    detach("c", net.spec.name, /*remove_if_unused=*/true);
    EXPECT_FALSE(netlink::link_exists(host, veth));
    EXPECT_FALSE(netlink::link_exists(netlink::Socket::in_netns(ns.path()), "eth0"));
  }
  netlink::Socket host;
  EXPECT_FALSE(std::filesystem::exists(ns_path));
  EXPECT_FALSE(netlink::link_exists(host, net.bridge));
  EXPECT_FALSE(nft_table_exists(firewall_table_name(net)));
  EXPECT_FALSE(find_network(net.spec.name));
  std::error_code ec;
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(Store::dir(), ec),
                          std::filesystem::directory_iterator()),
            1);  // only the lock file
  detach("c", net.spec.name);  // detaching again does nothing
}

TEST_F(Attach, DetachReleasesTheAddress) {
  auto net = create_network(spec("rel"));
  auto a = netlink::Netns::create(name("ra"));
  auto first = attach("a", a, net.spec.name);
  detach("a", net.spec.name);
  EXPECT_TRUE(find_network(net.spec.name)->subnet_v4()->allocated.empty());
  auto again = attach("a2", a, net.spec.name);
  EXPECT_EQ(*again.ipv4, *first.ipv4);
}

TEST_F(Attach, Ipv6BetweenNamespacesAndTheHost) {
  NetworkSpec s = spec("v6");
  s.enable_ipv6 = true;
  auto net = create_network(s);
  ASSERT_NE(net.subnet_v6(), nullptr);
  auto a = netlink::Netns::create(name("6a"));
  auto b = netlink::Netns::create(name("6b"));
  auto ra = attach("a", a, net.spec.name, {"alpha"});
  auto rb = attach("b", b, net.spec.name);
  ASSERT_TRUE(ra.ipv6 && rb.ipv6);
  EXPECT_TRUE(net.subnet_v6()->subnet.contains(*rb.ipv6));
  TcpServer on_b(b.path(), 8600, "over v6");
  EXPECT_EQ(tcp_fetch(a.path(), rb.ipv6->str(), 8600), "over v6");
  EXPECT_EQ(tcp_fetch(a.path(), rb.ipv4->str(), 8600), "over v6");
  // The host reaches the container over the bridge's IPv6 address too.
  EXPECT_EQ(tcp_fetch({}, rb.ipv6->str(), 8600), "over v6");
  EXPECT_EQ(find_network(net.spec.name)->attachments.at("a").ipv6, ra.ipv6->str());
}

TEST_F(Attach, AFailureToPublishGivesTheAddressBack) {
  auto net = create_network(spec("pf"));
  auto ns = netlink::Netns::create(name("pf"));
  // The port routes cannot be written: a file stands where their directory should be.
  auto ports_dir = berth::paths::run_root() / "ports";
  std::filesystem::remove_all(ports_dir);
  std::filesystem::create_directories(ports_dir.parent_path());
  berth::fs::write_file_atomic(ports_dir, "in the way", 0644, false);
  EXPECT_THROW(attach("pf", ns, net.spec.name, {"pfname"}), berth::Error);
  auto rec = *find_network(net.spec.name);
  EXPECT_FALSE(rec.attachments.count("pf"));
  EXPECT_TRUE(rec.subnet_v4()->allocated.empty());
  EXPECT_FALSE(netlink::link_exists(netlink::Socket::in_netns(ns.path()), "eth0"));
  std::filesystem::remove(ports_dir);
  // Once the way is clear, the same container attaches.
  auto r = attach("pf", ns, net.spec.name, {"pfname"});
  EXPECT_TRUE(r.ipv4);
}
