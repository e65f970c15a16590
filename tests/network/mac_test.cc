#include "network/mac.h"

#include <gtest/gtest.h>

#include <regex>

using namespace berth::network;

TEST(Mac, AContainersIsLocalUnicastStableAndPerNetwork) {
  std::string mac = container_mac("4f1c0d2e", "shop_default");
  EXPECT_TRUE(std::regex_match(mac, std::regex("02(:[0-9a-f]{2}){5}"))) << mac;
  EXPECT_EQ(container_mac("4f1c0d2e", "shop_default"), mac);
  EXPECT_NE(container_mac("4f1c0d2e", "shop_back"), mac);
  EXPECT_NE(container_mac("4f1c0d2f", "shop_default"), mac);
}

TEST(Mac, ABridgesComesFromTheNetworkId) {
  EXPECT_EQ(bridge_mac("a1b2c3d4e5f60718"), "02:a1:b2:c3:d4:e5");
}

TEST(Mac, CanonicalIsTheKernelsLowerCase) {
  EXPECT_EQ(canonical_mac("02:AB:cd:0E:10:FF"), "02:ab:cd:0e:10:ff");
}
