// berth rm and berth create end to end.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/compose_project.h"

using berth::test::ComposeProject;

namespace {
const char* kApp = R"(
services:
  app:
    image: busybox
    command: sleep 1000
    init: true
    volumes: [/data]
  job:
    image: busybox
    command: "true"
)";

nlohmann::json ps_all(const ComposeProject& p) { return nlohmann::json::parse(p({"ps", "-a", "--format", "json"}).out); }
}  // namespace

TEST(RmE2E, RemovesStoppedOnlyUnlessToldToStop) {
  ComposeProject p(kApp);
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);
  // job exits at once; wait for it so that it counts as stopped.
  ASSERT_EQ(p({"wait", "job"}).exit_code, 0);

  auto r = p({"rm"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("is running: skipped"), std::string::npos) << r.err;
  auto ps = ps_all(p);
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0]["Service"], "app");

  // -s stops first, -v takes its anonymous volume along.
  auto volumes_before = p.raw({"volume", "ls", "-q"}).out;
  EXPECT_FALSE(volumes_before.empty());
  r = p({"rm", "-s", "-v"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(ps_all(p).empty());
  EXPECT_EQ(p.raw({"volume", "ls", "-q"}).out, "");
}

TEST(RmE2E, ForceRemovesRunningContainers) {
  ComposeProject p(kApp);
  ASSERT_EQ(p({"up", "-d", "app"}).exit_code, 0);
  auto r = p({"rm", "-f", "app"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(ps_all(p).empty());
}

TEST(CreateE2E, CreatesWithoutStartingAndRecreatesOnDemand) {
  ComposeProject p(kApp);
  auto r = p({"create", "app"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto ps = ps_all(p);
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0]["State"], "created");
  std::string id = ps[0]["ID"];

  ASSERT_EQ(p({"create", "--no-recreate", "app"}).exit_code, 0);
  EXPECT_EQ(ps_all(p)[0]["ID"], id);
  ASSERT_EQ(p({"create", "--force-recreate", "app"}).exit_code, 0);
  ps = ps_all(p);
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_NE(ps[0]["ID"], id);
  EXPECT_EQ(ps[0]["State"], "created");

  r = p({"start"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ps_all(p)[0]["State"], "running");
  EXPECT_EQ(p({"create", "--force-recreate", "--no-recreate"}).exit_code, 1);
}
