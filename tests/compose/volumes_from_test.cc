#include "compose/volumes_from.h"

#include <gtest/gtest.h>

namespace berth::compose {
namespace {

using Kind = VolumesFromRef::Kind;

void expect_ref(std::string_view text, Kind kind, const std::string& name, std::optional<bool> read_only) {
  auto ref = parse_volumes_from(text);
  ASSERT_TRUE(ref) << text;
  EXPECT_EQ(ref->kind, kind) << text;
  EXPECT_EQ(ref->name, name) << text;
  EXPECT_EQ(ref->read_only, read_only) << text;
}

TEST(VolumesFrom, BareNameIsAService) {
  expect_ref("db", Kind::service, "db", std::nullopt);
  expect_ref("db:ro", Kind::service, "db", true);
  expect_ref("db:rw", Kind::service, "db", false);
}

TEST(VolumesFrom, ServicePrefix) {
  expect_ref("service:db", Kind::service, "db", std::nullopt);
  expect_ref("service:db:ro", Kind::service, "db", true);
  expect_ref("service:db:rw", Kind::service, "db", false);
  // A service that is named "service", as compose reads these.
  expect_ref("service", Kind::service, "service", std::nullopt);
  expect_ref("service:ro", Kind::service, "service", true);
}

TEST(VolumesFrom, ContainerPrefix) {
  expect_ref("container:old-data", Kind::container, "old-data", std::nullopt);
  expect_ref("container:old-data:ro", Kind::container, "old-data", true);
  expect_ref("container:ro", Kind::container, "ro", std::nullopt);
}

TEST(VolumesFrom, MalformedEntries) {
  for (std::string_view bad : {"", ":ro", "db:z", "db:ro:rw", "service::ro", "container:", "container:x:y",
                               "container:x:ro:rw", "service:db:ro:x"})
    EXPECT_FALSE(parse_volumes_from(bad)) << bad;
}

TEST(VolumesFrom, TheServiceItDependsOn) {
  EXPECT_EQ(volumes_from_service("db:ro"), "db");
  EXPECT_EQ(volumes_from_service("service:db"), "db");
  EXPECT_EQ(volumes_from_service("container:db"), "");
  EXPECT_EQ(volumes_from_service("db:bad"), "");
}

}  // namespace
}  // namespace berth::compose
