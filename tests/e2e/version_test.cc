#include <gtest/gtest.h>

#include "tests/support/run_berth.h"

using berth::test::run_berth;

TEST(VersionE2E, PrintsVersion) {
  auto r = run_berth({"version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("berth version ", 0), 0u) << r.out;
}

TEST(VersionE2E, ShortAndJson) {
  auto r = run_berth({"version", "--short"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find('.'), std::string::npos);
  r = run_berth({"version", "--format", "json"});
  EXPECT_EQ(r.out.rfind("{\"version\":", 0), 0u) << r.out;
}

TEST(VersionE2E, UnknownVerbFails) {
  auto r = run_berth({"frobnicate"});
  EXPECT_NE(r.exit_code, 0);
}

TEST(VersionE2E, BadLogLevelIsAClearError) {
  auto r = run_berth({"--log-level", "loud", "version"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("unknown log level"), std::string::npos) << r.err;
}
