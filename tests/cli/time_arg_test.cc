#include "cli/time_arg.h"

#include <gtest/gtest.h>

#include "util/error.h"

using berth::cli::log_time_bound;

namespace {
// 2026-11-28T01:00:00Z
constexpr std::time_t kNow = 1795827600;
}  // namespace

TEST(LogTimeBound, Rfc3339FormsBecomeFixedWidthUtc) {
  EXPECT_EQ(log_time_bound("2026-11-28T01:00:00Z", "--since", kNow), "2026-11-28T01:00:00.000000000Z");
  EXPECT_EQ(log_time_bound("2026-11-28T01:00:00.5Z", "--since", kNow), "2026-11-28T01:00:00.500000000Z");
  EXPECT_EQ(log_time_bound("2026-11-28T03:00:00+02:00", "--since", kNow), "2026-11-28T01:00:00.000000000Z");
  EXPECT_EQ(log_time_bound("2026-11-27T20:30:00-04:30", "--since", kNow), "2026-11-28T01:00:00.000000000Z");
  EXPECT_EQ(log_time_bound("2026-11-28", "--since", kNow), "2026-11-28T00:00:00.000000000Z");
}

TEST(LogTimeBound, DurationsCountBackFromNow) {
  EXPECT_EQ(log_time_bound("10m", "--since", kNow), "2026-11-28T00:50:00.000000000Z");
  EXPECT_EQ(log_time_bound("1h30m", "--since", kNow), "2026-11-27T23:30:00.000000000Z");
  EXPECT_EQ(log_time_bound("1.5s", "--since", kNow), "2026-11-28T00:59:58.500000000Z");
  EXPECT_EQ(log_time_bound("0s", "--since", kNow), "2026-11-28T01:00:00.000000000Z");
}

TEST(LogTimeBound, UnixSeconds) {
  EXPECT_EQ(log_time_bound("1795827600", "--until", kNow), "2026-11-28T01:00:00.000000000Z");
  EXPECT_EQ(log_time_bound("1795827600.25", "--until", kNow), "2026-11-28T01:00:00.250000000Z");
}

TEST(LogTimeBound, AnythingElseIsAClearError) {
  for (const char* bad : {"yesterday", "10x", "2026-13-01", "2026-11-28T25:00:00Z", "m10", ""}) {
    try {
      log_time_bound(bad, "--since", kNow);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const berth::Error& e) {
      EXPECT_NE(std::string(e.what()).find("--since"), std::string::npos) << e.what();
    }
  }
}
