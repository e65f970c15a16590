// Creating and removing bridge networks for real (needs root).
#include "network/network.h"

#include "network/store.h"
#include "tests/network/netns_helpers.h"
#include "util/paths.h"

using namespace berth::network;
using berth::test::nft_table_exists;
using berth::test::NetworkTest;

namespace {
std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const berth::Error& e) {
    return e.message() + " | hint: " + e.hint();
  }
  return "";
}

size_t record_files() {
  size_t n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(Store::dir(), ec))
    if (e.path().extension() == ".json") ++n;
  return n;
}
}  // namespace

using NetworkCreate = NetworkTest;

TEST_F(NetworkCreate, BridgeAddressRecordAndRulesThenNothing) {
  NetworkSpec s = spec("n");
  s.driver_opts["com.docker.network.driver.mtu"] = "1400";
  s.labels["team"] = "a";
  NetworkRecord r = create_network(s);
  netlink::Socket host;
  ASSERT_TRUE(netlink::link_exists(host, r.bridge));
  EXPECT_EQ(r.bridge, "berth-" + s.name);
  ASSERT_NE(r.subnet_v4(), nullptr);
  auto addrs = netlink::link_addresses(host, r.bridge);
  ASSERT_EQ(addrs.size(), 1u);
  EXPECT_EQ(addrs[0].address(), r.subnet_v4()->gateway);
  EXPECT_TRUE(nft_table_exists(firewall_table_name(r)));
  EXPECT_EQ(r.id.size(), 64u);
  // Listed and inspected from disk.
  auto found = find_network(s.name);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->spec.labels.at("team"), "a");
  EXPECT_EQ(found->mtu, 1400);
  EXPECT_EQ(list_networks().size(), 1u);

  remove_network(s.name);
  EXPECT_FALSE(netlink::link_exists(host, r.bridge));
  EXPECT_FALSE(nft_table_exists(firewall_table_name(r)));
  EXPECT_FALSE(find_network(s.name));
  EXPECT_EQ(record_files(), 0u);
}

TEST_F(NetworkCreate, TwoNetworksNeverShareASubnet) {
  auto a = create_network(spec("a"));
  auto b = create_network(spec("b"));
  EXPECT_FALSE(a.subnet_v4()->subnet.overlaps(b.subnet_v4()->subnet));
  // The new subnets are host routes now, so nothing else on the host gets them either.
  netlink::Socket host;
  auto routes = netlink::route_destinations(host, AF_INET);
  EXPECT_NE(std::find(routes.begin(), routes.end(), a.subnet_v4()->subnet), routes.end());
}

TEST_F(NetworkCreate, LongNamesGetAShortBridgeName) {
  NetworkSpec s = spec("a_very_long_project_name_default");
  auto r = create_network(s);
  EXPECT_EQ(r.bridge.size(), 15u);
  EXPECT_EQ(r.bridge.rfind("bt-", 0), 0u);
  netlink::Socket host;
  EXPECT_TRUE(netlink::link_exists(host, r.bridge));
}

TEST_F(NetworkCreate, StaticIpamAndIpv6) {
  NetworkSpec s = spec("st");
  s.enable_ipv6 = true;
  std::string third = std::to_string(::getpid() % 250);
  s.ipam = {{"10.234." + third + ".0/24", "10.234." + third + ".128/25", "10.234." + third + ".254",
             {{"printer", "10.234." + third + ".5"}}},
            {"fd62:6572:7469:" + third + "::/64", "", "", {}}};
  auto r = create_network(s);
  EXPECT_EQ(r.subnet_v4()->gateway.str(), "10.234." + third + ".254");
  ASSERT_NE(r.subnet_v6(), nullptr);
  netlink::Socket host;
  auto addrs = netlink::link_addresses(host, r.bridge);
  EXPECT_EQ(addrs.size(), 2u);
}

TEST_F(NetworkCreate, OverlappingSubnetIsRefusedAndNothingIsMade) {
  NetworkSpec a = spec("a");
  auto made = create_network(a);
  NetworkSpec b = spec("b");
  b.ipam = {{made.subnet_v4()->subnet.str(), "", "", {}}};
  auto msg = error_of([&] { create_network(b); });
  EXPECT_NE(msg.find("overlaps " + made.subnet_v4()->subnet.str()), std::string::npos) << msg;
  netlink::Socket host;
  EXPECT_FALSE(netlink::link_exists(host, "berth-" + b.name));
  EXPECT_FALSE(find_network(b.name));
  EXPECT_EQ(record_files(), 1u);
}

TEST_F(NetworkCreate, BadInputIsAClearError) {
  NetworkSpec s = spec("bad");
  s.ipam = {{"10.235.0.0/24", "", "10.236.0.1", {}}};
  EXPECT_NE(error_of([&] { create_network(s); }).find("is not a host address of subnet"), std::string::npos);
  s.ipam = {{"10.235.0.0/24", "", "", {{"x", "10.9.9.9"}}}};
  EXPECT_NE(error_of([&] { create_network(s); }).find("not inside subnet"), std::string::npos);
  s.ipam = {{"fd00:1::/64", "", "", {}}};
  EXPECT_NE(error_of([&] { create_network(s); }).find("enable_ipv6"), std::string::npos);
  s.ipam = {};
  s.driver = "overlay";
  EXPECT_NE(error_of([&] { create_network(s); }).find("not supported"), std::string::npos);
  s.driver = "bridge";
  s.driver_opts["com.docker.network.bridge.name"] = "much-too-long-bridge";
  EXPECT_NE(error_of([&] { create_network(s); }).find("cannot be an interface name"), std::string::npos);
  s.driver_opts = {{"com.docker.network.driver.mtu", "9x"}};
  EXPECT_NE(error_of([&] { create_network(s); }).find("is not an MTU"), std::string::npos);
  s.driver_opts = {};
  s.name = "no/slash";
  EXPECT_NE(error_of([&] { create_network(s); }).find("not a valid network name"), std::string::npos);
  EXPECT_TRUE(list_networks().empty());
  netlink::Socket host;
  EXPECT_FALSE(netlink::link_exists(host, "berth-" + name("bad")));
}

TEST_F(NetworkCreate, ExternalNetworkMustExist) {
  NetworkSpec ext = spec("ext");
  ext.external = true;
  auto msg = error_of([&] { create_network(ext); });
  EXPECT_NE(msg.find("external network \"" + ext.name + "\" not found"), std::string::npos) << msg;
  EXPECT_NE(msg.find("berth network create " + ext.name), std::string::npos) << msg;
  EXPECT_TRUE(list_networks().empty());
  create_network(spec("ext"));
  auto r = create_network(ext);  // now it is there: returned, not made again
  EXPECT_EQ(r.spec.name, ext.name);
  EXPECT_FALSE(r.spec.external);
}

TEST_F(NetworkCreate, DuplicateNameAndRemovingWhatIsMissing) {
  create_network(spec("d"));
  EXPECT_NE(error_of([&] { create_network(spec("d")); }).find("exists already"), std::string::npos);
  EXPECT_EQ(ensure_network(spec("d")).spec.name, name("d"));
  EXPECT_NE(error_of([] { remove_network("nothing-here"); }).find("not found"), std::string::npos);
}

TEST_F(NetworkCreate, PruneRemovesOnlyUnused) {
  create_network(spec("p1"));
  create_network(spec("p2"));
  auto ns = netlink::Netns::create(name("pns"));
  attach("c1", ns, name("p2"));
  auto removed = prune_networks();
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0], name("p1"));
  EXPECT_NE(error_of([&] { remove_network(name("p2")); }).find("in use by: c1"), std::string::npos);
  detach("c1", name("p2"));
}

TEST_F(NetworkCreate, RepairAfterTheBridgeAndANamespaceVanished) {
  // A subnet of its own: while the bridge is gone, the default pools would hand its subnet to a
  // test running beside this one.
  NetworkSpec s = spec("rep");
  s.ipam = {{"10.243." + std::to_string(::getpid() % 250) + ".0/24", "", "", {}}};
  auto net = create_network(s);
  auto kept = netlink::Netns::create(name("kept"));
  attach("kept", kept, net.spec.name);
  {
    auto gone = netlink::Netns::create(name("gone"));
    attach("gone", gone, net.spec.name);
  }  // its namespace is gone, and with it both ends of its veth
  netlink::Socket host;
  // What a reboot does to /run and the kernel, the records under the state root survive.
  netlink::delete_link(host, net.bridge);
  remove_firewall(net);
  auto r = ensure_network(s);
  EXPECT_TRUE(netlink::link_exists(host, r.bridge));
  EXPECT_TRUE(nft_table_exists(firewall_table_name(r)));
  EXPECT_FALSE(r.attachments.count("gone"));
  ASSERT_TRUE(r.attachments.count("kept"));
  EXPECT_EQ(r.subnet_v4()->allocated.size(), 1u);
  // The kept one is on the new bridge: the host reaches it again.
  berth::test::TcpServer server(kept.path(), 7070, "still here");
  EXPECT_EQ(berth::test::tcp_fetch({}, r.attachments.at("kept").ipv4, 7070), "still here");
  // The same check finds nothing to do the second time.
  EXPECT_EQ(repair_network(net.spec.name).attachments.size(), 1u);
}
