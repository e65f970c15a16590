// berth pull end to end, from a real docker-registry on 127.0.0.1.
#include <gtest/gtest.h>

#include "tests/support/compose_project.h"
#include "tests/support/registry.h"

using berth::test::ComposeProject;
using berth::test::LocalRegistry;

TEST(PullE2E, PullsTheProjectsImages) {
  LocalRegistry registry;
  std::string image = registry.address() + "/team/bb:1";
  ComposeProject p("services:\n  app:\n    image: " + image + "\n  other:\n    image: " + registry.address() +
                   "/team/missing:1\n");
  ASSERT_EQ(p.raw({"image", "import", berth::test::busybox_rootfs().string(), image}).exit_code, 0);
  auto r = p.raw({"image", "push", image});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(p.raw({"image", "rm", image}).exit_code, 0);

  r = p({"pull", "app"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Pulled"), std::string::npos) << r.err;
  EXPECT_NE(p.raw({"image", "ls"}).out.find("team/bb"), std::string::npos);

  // The missing one fails the pull, unless failures are ignored; -q prints no progress.
  r = p({"pull"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("team/missing"), std::string::npos) << r.err;
  r = p({"pull", "-q", "--ignore-pull-failures"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("Pulled"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("warning: pulling"), std::string::npos) << r.err;
}
