#include "network/ip.h"

#include <gtest/gtest.h>

#include "util/error.h"

using berth::network::Cidr;
using berth::network::IpAddress;

TEST(IpAddress, ParsesAndPrintsBothFamilies) {
  EXPECT_EQ(IpAddress::parse("172.18.0.5")->str(), "172.18.0.5");
  EXPECT_TRUE(IpAddress::parse("172.18.0.5")->is_v4());
  EXPECT_EQ(IpAddress::parse("fd00:0:0::5")->str(), "fd00::5");
  EXPECT_FALSE(IpAddress::parse("fd00::5")->is_v4());
  EXPECT_FALSE(IpAddress::parse("172.18.0"));
  EXPECT_FALSE(IpAddress::parse("web"));
  EXPECT_THROW(IpAddress::parse_or_throw("1.2.3.4.5", "ipv4_address"), berth::Error);
}

TEST(IpAddress, PlusCarriesAcrossBytes) {
  EXPECT_EQ(IpAddress::parse("10.0.0.255")->plus(1).str(), "10.0.1.0");
  EXPECT_EQ(IpAddress::parse("10.0.0.0")->plus(65536 + 2).str(), "10.1.0.2");
  EXPECT_EQ(IpAddress::parse("fd00::ffff")->plus(1).str(), "fd00::1:0");
}

TEST(Cidr, ParsesMasksAndContains) {
  auto c = Cidr::parse("172.18.5.9/16");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->str(), "172.18.0.0/16");
  EXPECT_EQ(c->last().str(), "172.18.255.255");
  EXPECT_TRUE(c->contains(*IpAddress::parse("172.18.200.1")));
  EXPECT_FALSE(c->contains(*IpAddress::parse("172.19.0.1")));
  EXPECT_FALSE(c->contains(*IpAddress::parse("fd00::1")));
  EXPECT_EQ(c->host(1).str(), "172.18.0.1");
  EXPECT_FALSE(Cidr::parse("172.18.0.0/33"));
  EXPECT_FALSE(Cidr::parse("172.18.0.0"));
  EXPECT_FALSE(Cidr::parse("172.18.0.0/x"));
  EXPECT_EQ(Cidr::parse("fd00:1:2:3::9/64")->str(), "fd00:1:2:3::/64");
}

TEST(Cidr, Overlaps) {
  auto a = *Cidr::parse("10.1.0.0/16");
  EXPECT_TRUE(a.overlaps(*Cidr::parse("10.1.2.0/24")));
  EXPECT_TRUE(Cidr::parse("10.1.2.0/24")->overlaps(a));
  EXPECT_TRUE(a.overlaps(*Cidr::parse("10.0.0.0/8")));
  EXPECT_FALSE(a.overlaps(*Cidr::parse("10.2.0.0/16")));
  EXPECT_FALSE(a.overlaps(*Cidr::parse("fd00::/8")));
}
