#include "compose/units.h"

#include <gtest/gtest.h>

namespace berth::compose {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kS = 1'000 * kMs;

int64_t ns(std::string_view text) {
  auto d = parse_duration(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d ? d->nanoseconds : -999;
}

TEST(Units, DurationsWithUnits) {
  EXPECT_EQ(ns("1m30s"), 90 * kS);
  EXPECT_EQ(ns("10ms"), 10 * kMs);
  EXPECT_EQ(ns("1h"), 3600 * kS);
  EXPECT_EQ(ns("1h0m0s"), 3600 * kS);
  EXPECT_EQ(ns("1.5s"), 1500 * kMs);
  EXPECT_EQ(ns("0s"), 0);
  EXPECT_EQ(ns("300us"), 300'000);
  EXPECT_EQ(ns("300µs"), 300'000);
  EXPECT_EQ(ns("42ns"), 42);
  EXPECT_EQ(ns("2h45m"), (2 * 3600 + 45 * 60) * kS);
  EXPECT_EQ(ns("-1m"), -60 * kS);
}

TEST(Units, ABareNumberIsSeconds) {
  EXPECT_EQ(ns("30"), 30 * kS);
  EXPECT_EQ(ns("0.5"), 500 * kMs);
}

TEST(Units, MalformedDurations) {
  for (const char* bad : {"", "s", "10x", "1m30", "ten seconds", "1..5s", "m1", "5 s", "1e400s",
                          "99999999999h", "-", "+", "1e300", "-1e300"})
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
}

TEST(Units, FormatDurationLikeGo) {
  EXPECT_EQ(format_duration({90 * kS}), "1m30s");
  EXPECT_EQ(format_duration({10 * kMs}), "10ms");
  EXPECT_EQ(format_duration({3600 * kS}), "1h0m0s");
  EXPECT_EQ(format_duration({0}), "0s");
  EXPECT_EQ(format_duration({1500 * kMs}), "1.5s");
  EXPECT_EQ(format_duration({10 * kS}), "10s");
  EXPECT_EQ(format_duration({500}), "500ns");
  EXPECT_EQ(format_duration({1500}), "1.5µs");
  EXPECT_EQ(format_duration({-90 * kS}), "-1m30s");
  EXPECT_EQ(format_duration({3600 * kS + 1}), "1h0m0.000000001s");
}

TEST(Units, DurationsRoundTrip) {
  for (const char* text : {"1m30s", "10ms", "1h0m0s", "0s", "1.5s", "2h3m4.5s", "250µs", "7ns"})
    EXPECT_EQ(format_duration(*parse_duration(text)), text);
}

int64_t bytes(std::string_view text) {
  auto b = parse_byte_size(text);
  EXPECT_TRUE(b.has_value()) << text;
  return b ? b->bytes : -999;
}

TEST(Units, ByteSizes) {
  EXPECT_EQ(bytes("1024"), 1024);
  EXPECT_EQ(bytes("512m"), 512LL << 20);
  EXPECT_EQ(bytes("512M"), 512LL << 20);
  EXPECT_EQ(bytes("1gb"), 1LL << 30);
  EXPECT_EQ(bytes("1GiB"), 1LL << 30);
  EXPECT_EQ(bytes("100k"), 100 * 1024);
  EXPECT_EQ(bytes("2t"), 2LL << 40);
  EXPECT_EQ(bytes("1.5g"), 3LL << 29);
  EXPECT_EQ(bytes("10b"), 10);
  EXPECT_EQ(bytes("-1"), -1);
}

TEST(Units, MalformedByteSizes) {
  for (const char* bad : {"", "m", "12q", "1 megabyte", "-5m", "1e999", "99999999999999p", "1.2.3k"})
    EXPECT_FALSE(parse_byte_size(bad).has_value()) << bad;
}

}  // namespace
}  // namespace berth::compose
