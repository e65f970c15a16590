#include "network/ipam.h"

#include <gtest/gtest.h>

#include "util/error.h"

using namespace berth::network;

namespace {
Cidr cidr(const char* s) { return *Cidr::parse(s); }
IpAddress ip(const char* s) { return *IpAddress::parse(s); }

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const berth::Error& e) {
    return e.message();
  }
  return "";
}
}  // namespace

TEST(IpamPool, DefaultPoolsInDockerOrder) {
  auto pool = default_v4_pool();
  ASSERT_EQ(pool.size(), 15u + 16u);
  EXPECT_EQ(pool.front().str(), "172.17.0.0/16");
  EXPECT_EQ(pool[14].str(), "172.31.0.0/16");
  EXPECT_EQ(pool[15].str(), "192.168.0.0/20");
  EXPECT_EQ(pool[16].str(), "192.168.16.0/20");
  EXPECT_EQ(pool.back().str(), "192.168.240.0/20");
  EXPECT_EQ(default_v6_pool()[1].str(), "fd62:6572:7468:1::/64");
}

TEST(IpamPool, PicksTheFirstSubnetThatOverlapsNothing) {
  auto pool = default_v4_pool();
  EXPECT_EQ(pick_subnet(pool, {})->str(), "172.17.0.0/16");
  // A host route inside 172.17 and a network on 172.18 push the choice to 172.19.
  EXPECT_EQ(pick_subnet(pool, {cidr("172.17.3.0/24"), cidr("172.18.0.0/16")})->str(), "172.19.0.0/16");
  // A route covering all of 172.16/12 skips to 192.168.
  EXPECT_EQ(pick_subnet(pool, {cidr("172.16.0.0/12")})->str(), "192.168.0.0/20");
  EXPECT_EQ(pick_subnet(pool, {cidr("172.16.0.0/12"), cidr("192.168.0.0/16")}), std::nullopt);
  // IPv6 routes do not block IPv4 subnets.
  EXPECT_EQ(pick_subnet(pool, {cidr("::/0")})->str(), "172.17.0.0/16");
}

TEST(IpamPlan, DefaultsGatewayToTheFirstHost) {
  auto s = plan_subnet({}, cidr("10.5.0.0/24"), {}, "net");
  EXPECT_EQ(s.gateway.str(), "10.5.0.1");
  EXPECT_FALSE(s.ip_range);
}

TEST(IpamPlan, ChecksStaticFields) {
  IpamConfig c{"10.5.0.0/24", "10.5.0.128/25", "10.5.0.254", {{"printer", "10.5.0.7"}}};
  auto s = plan_subnet(c, cidr(c.subnet.c_str()), {}, "net");
  EXPECT_EQ(s.gateway.str(), "10.5.0.254");
  EXPECT_EQ(s.ip_range->str(), "10.5.0.128/25");
  EXPECT_EQ(s.aux.at("printer").str(), "10.5.0.7");

  auto bad = c;
  bad.ip_range = "10.6.0.0/25";
  EXPECT_NE(error_of([&] { plan_subnet(bad, cidr("10.5.0.0/24"), {}, "net"); }).find("not inside subnet"),
            std::string::npos);
  bad = c;
  bad.gateway = "10.9.0.1";
  EXPECT_NE(error_of([&] { plan_subnet(bad, cidr("10.5.0.0/24"), {}, "net"); }).find("not a host address"),
            std::string::npos);
  bad = c;
  bad.aux_addresses = {{"a", "10.5.0.254"}};
  EXPECT_NE(error_of([&] { plan_subnet(bad, cidr("10.5.0.0/24"), {}, "net"); }).find("the gateway"),
            std::string::npos);
  bad = c;
  bad.aux_addresses = {{"a", "10.5.0.9"}, {"b", "10.5.0.9"}};
  EXPECT_NE(error_of([&] { plan_subnet(bad, cidr("10.5.0.0/24"), {}, "net"); }).find("aux address \"a\""),
            std::string::npos);
  bad = c;
  bad.gateway = "banana";
  EXPECT_NE(error_of([&] { plan_subnet(bad, cidr("10.5.0.0/24"), {}, "net"); }).find("not an IP address"),
            std::string::npos);
}

TEST(IpamPlan, RefusesOverlapsAndTinySubnets) {
  auto msg = error_of([&] { plan_subnet({}, cidr("10.5.0.0/24"), {cidr("10.0.0.0/8")}, "networks.a"); });
  EXPECT_NE(msg.find("overlaps 10.0.0.0/8"), std::string::npos) << msg;
  EXPECT_NE(error_of([&] { plan_subnet({}, cidr("10.5.0.0/31"), {}, "n"); }).find("too small"),
            std::string::npos);
}

TEST(IpamAllocate, HandsOutLowestFreeSkippingReserved) {
  auto s = plan_subnet({"", "", "", {{"x", "10.5.0.2"}}}, cidr("10.5.0.0/29"), {}, "n");
  EXPECT_EQ(allocate(s, "a").str(), "10.5.0.3");  // .0 network, .1 gateway, .2 aux
  EXPECT_EQ(allocate(s, "b").str(), "10.5.0.4");
  EXPECT_EQ(allocate(s, "c").str(), "10.5.0.5");
  EXPECT_EQ(allocate(s, "d").str(), "10.5.0.6");
  EXPECT_NE(error_of([&] { allocate(s, "e"); }).find("no free address"), std::string::npos);  // .7 broadcast
  EXPECT_EQ(release(s, "b"), 1u);
  EXPECT_EQ(allocate(s, "e").str(), "10.5.0.4");
}

TEST(IpamAllocate, UsesTheIpRange) {
  auto s = plan_subnet({"10.5.0.0/24", "10.5.0.64/26", "", {}}, cidr("10.5.0.0/24"), {}, "n");
  EXPECT_EQ(allocate(s, "a").str(), "10.5.0.64");
}

TEST(IpamAllocate, StaticAddressesAreChecked) {
  auto s = plan_subnet({}, cidr("10.5.0.0/24"), {}, "n");
  EXPECT_EQ(allocate(s, "a", ip("10.5.0.50")).str(), "10.5.0.50");
  EXPECT_NE(error_of([&] { allocate(s, "b", ip("10.5.0.50")); }).find("taken by container a"),
            std::string::npos);
  EXPECT_NE(error_of([&] { allocate(s, "b", ip("10.5.0.1")); }).find("the gateway"), std::string::npos);
  EXPECT_NE(error_of([&] { allocate(s, "b", ip("10.6.0.5")); }).find("not inside subnet"),
            std::string::npos);
  // The next dynamic address skips the static one only where it sits.
  EXPECT_EQ(allocate(s, "c").str(), "10.5.0.2");
}

TEST(IpamAllocate, Ipv6) {
  auto s = plan_subnet({}, cidr("fd00:1::/64"), {}, "n");
  EXPECT_EQ(s.gateway.str(), "fd00:1::1");
  EXPECT_EQ(allocate(s, "a").str(), "fd00:1::2");
}
