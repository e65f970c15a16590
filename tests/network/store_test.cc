#include "network/store.h"

#include <gtest/gtest.h>

#include "util/error.h"

using namespace berth::network;

TEST(StoreJson, RecordRoundTrip) {
  NetworkRecord r;
  r.spec.name = "front";
  r.spec.internal = true;
  r.spec.labels = {{"a", "b"}};
  r.spec.driver_opts = {{"com.docker.network.driver.mtu", "1400"}};
  r.spec.ipam = {{"10.8.0.0/24", "10.8.0.128/25", "10.8.0.254", {{"x", "10.8.0.9"}}}};
  r.id = "abc";
  r.bridge = "berth-front";
  r.mtu = 1400;
  auto s = plan_subnet(r.spec.ipam[0], *Cidr::parse("10.8.0.0/24"), {}, "n");
  allocate(s, "web-1");
  r.subnets.push_back(s);
  Attachment a;
  a.container = "web-1";
  a.ipv4 = "10.8.0.128";
  a.names = {"web"};
  a.ports = {{"", 8080, 80, "tcp"}};
  r.attachments["web-1"] = a;

  NetworkRecord back = record_from_json(to_json(r), "test");
  EXPECT_EQ(back.spec.name, "front");
  EXPECT_TRUE(back.spec.internal);
  EXPECT_EQ(back.spec.labels, r.spec.labels);
  EXPECT_EQ(back.spec.ipam[0].aux_addresses.at("x"), "10.8.0.9");
  EXPECT_EQ(back.mtu, 1400);
  ASSERT_EQ(back.subnets.size(), 1u);
  EXPECT_EQ(back.subnets[0].ip_range->str(), "10.8.0.128/25");
  EXPECT_EQ(back.subnets[0].allocated.begin()->second, "web-1");
  EXPECT_EQ(back.subnets[0].aux.at("x").str(), "10.8.0.9");
  EXPECT_EQ(back.attachments.at("web-1").ports, a.ports);
  EXPECT_EQ(to_json(back), to_json(r));
}

TEST(StoreJson, DamagedRecordIsAClearError) {
  try {
    record_from_json("{\"spec\": 5}", "/x/front.json");
    FAIL();
  } catch (const berth::Error& e) {
    EXPECT_NE(e.message().find("/x/front.json is damaged"), std::string::npos);
  }
}
