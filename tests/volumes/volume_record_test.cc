#include "volumes/volume_record.h"

#include <gtest/gtest.h>

#include "util/error.h"

using namespace berth::volumes;

TEST(VolumeRecord, JsonRoundTrip) {
  VolumeRecord r;
  r.name = "shop_data";
  r.driver_opts = {{"type", "tmpfs"}, {"device", "tmpfs"}, {"o", "size=1m"}};
  r.labels = {{kProjectLabel, "shop"}, {kAnonymousLabel, ""}};
  r.created = "2026-11-28T00:00:00Z";
  r.users = {"shop-web-1"};
  auto back = volume_record_from_json(to_json(r), "test");
  EXPECT_EQ(back.name, r.name);
  EXPECT_EQ(back.driver, "local");
  EXPECT_EQ(back.driver_opts, r.driver_opts);
  EXPECT_EQ(back.labels, r.labels);
  EXPECT_EQ(back.created, r.created);
  EXPECT_EQ(back.users, r.users);
  EXPECT_TRUE(back.anonymous());
}

TEST(VolumeRecord, DamagedRecordIsAClearError) {
  try {
    volume_record_from_json("{\"Driver\": 3", "/x/volume.json");
    FAIL() << "no error";
  } catch (const berth::Error& e) {
    EXPECT_NE(e.render().find("/x/volume.json is damaged"), std::string::npos) << e.render();
  }
}
