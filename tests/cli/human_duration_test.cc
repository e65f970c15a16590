#include "cli/human_duration.h"

#include <gtest/gtest.h>

using berth::cli::human_duration;

TEST(HumanDuration, SaysWhatDockerSays) {
  EXPECT_EQ(human_duration(0), "Less than a second");
  EXPECT_EQ(human_duration(1), "1 second");
  EXPECT_EQ(human_duration(2), "2 seconds");
  EXPECT_EQ(human_duration(59), "59 seconds");
  EXPECT_EQ(human_duration(60), "About a minute");
  EXPECT_EQ(human_duration(119), "About a minute");
  EXPECT_EQ(human_duration(120), "2 minutes");
  EXPECT_EQ(human_duration(3600), "About an hour");
  EXPECT_EQ(human_duration(2 * 3600), "2 hours");
  EXPECT_EQ(human_duration(5399), "About an hour");
  EXPECT_EQ(human_duration(5400), "2 hours");  // hours round to the nearest
  EXPECT_EQ(human_duration(171000), "2 days");  // 47.5 hours
  EXPECT_EQ(human_duration(47 * 3600), "47 hours");
  EXPECT_EQ(human_duration(48 * 3600), "2 days");
  EXPECT_EQ(human_duration(14 * 86400), "2 weeks");
  EXPECT_EQ(human_duration(60 * 86400), "2 months");
  EXPECT_EQ(human_duration(800 * 86400), "2 years");
}
