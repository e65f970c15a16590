#include "network/ifname.h"

#include <gtest/gtest.h>

using namespace berth::network;

TEST(Ifname, Validity) {
  EXPECT_TRUE(valid_ifname("eth0"));
  EXPECT_TRUE(valid_ifname("abcdefghijklmno"));
  EXPECT_FALSE(valid_ifname("abcdefghijklmnop"));
  EXPECT_FALSE(valid_ifname(""));
  EXPECT_FALSE(valid_ifname("a/b"));
  EXPECT_FALSE(valid_ifname("a b"));
}

TEST(Ifname, ShortNetworkNamesKeepTheirName) {
  EXPECT_EQ(bridge_name_for("front", "/var/lib/berth"), "berth-front");
}

TEST(Ifname, LongNamesGetAStableUniqueHash) {
  std::string a = bridge_name_for("myproject_default", "/var/lib/berth");
  EXPECT_EQ(a.size(), 15u);
  EXPECT_EQ(a.rfind("bt-", 0), 0u);
  EXPECT_EQ(a, bridge_name_for("myproject_default", "/var/lib/berth"));
  EXPECT_NE(a, bridge_name_for("myproject_backend", "/var/lib/berth"));
  EXPECT_NE(a, bridge_name_for("myproject_default", "/tmp/other-root"));
  std::string v = host_veth_name("web-1", "front", "/var/lib/berth");
  EXPECT_EQ(v.size(), 15u);
  EXPECT_EQ(v.rfind("vb-", 0), 0u);
  EXPECT_NE(v, host_veth_name("web-2", "front", "/var/lib/berth"));
}
