// berth logs and berth attach end to end.
#include <gtest/gtest.h>
#include <signal.h>

#include "tests/support/compose_project.h"

using berth::test::Background;
using berth::test::ComposeProject;

namespace {
const char* kTalker = R"(
services:
  talker:
    image: busybox
    command: ["sh", "-c", "echo one; echo two; echo three"]
)";
}  // namespace

TEST(LogsE2E, PrefixesTailTimestampsAndBounds) {
  ComposeProject p(kTalker);
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);
  // -f returns once the container has stopped: then everything is in the log.
  auto r = p({"logs", "-f", "--no-color"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "talker-1  | one\ntalker-1  | two\ntalker-1  | three\n");

  EXPECT_EQ(p({"logs", "--no-log-prefix"}).out, "one\ntwo\nthree\n");
  EXPECT_EQ(p({"logs", "--no-log-prefix", "--tail", "1"}).out, "three\n");
  EXPECT_EQ(p({"logs", "--no-log-prefix", "-n", "0"}).out, "");

  r = p({"logs", "--no-color", "-t", "--tail", "1"});
  // talker-1  | 2026-11-28T01:02:03.123456789Z three
  ASSERT_EQ(r.out.rfind("talker-1  | 20", 0), 0u) << r.out;
  EXPECT_EQ(r.out.substr(r.out.size() - 7), " three\n");
  EXPECT_EQ(r.out.size(), std::string("talker-1  | 2026-11-28T01:02:03.123456789Z three\n").size());

  EXPECT_EQ(p({"logs", "--since", "2099-01-01T00:00:00Z"}).out, "");
  EXPECT_EQ(p({"logs", "--until", "10m"}).out, "");  // written after ten minutes ago
  EXPECT_EQ(p({"logs", "--no-log-prefix", "--since", "10m"}).out, "one\ntwo\nthree\n");
  EXPECT_EQ(p({"logs", "--no-log-prefix", "--since", "2000-01-01"}).out, "one\ntwo\nthree\n");

  r = p({"logs", "--no-log-prefix", "--index", "1", "talker"});
  EXPECT_EQ(r.out, "one\ntwo\nthree\n") << r.err;
  EXPECT_EQ(p({"logs", "--index", "2", "talker"}).exit_code, 1);

  r = p({"logs", "--since", "yesterday"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--since: 'yesterday' is not a time"), std::string::npos) << r.err;
  r = p({"logs", "--tail", "x"});
  EXPECT_EQ(r.exit_code, 1);
}

TEST(AttachE2E, StreamsOutputUntilTheContainerStops) {
  ComposeProject p(R"(
services:
  ticker:
    image: busybox
    command: ["sh", "-c", "while true; do echo tick; sleep 0.2; done"]
    stop_grace_period: 1s
)");
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);
  Background attach(p.args({"--log-level", "info", "attach", "ticker"}), p.dir().string(), p.env());
  ASSERT_TRUE(attach.wait_for_stderr("attached to"));
  // Output written from now on reaches the attached berth.
  ASSERT_EQ(p({"exec", "ticker", "sh", "-c", "echo marker > /proc/1/fd/1"}).exit_code, 0);
  // Stop it from outside: attach ends with the container and returns its exit code.
  auto stop = p({"stop", "-t", "2"});
  ASSERT_EQ(stop.exit_code, 0) << stop.err;
  auto r = attach.finish();
  EXPECT_EQ(r.exit_code, 137) << r.err;
  EXPECT_NE(r.out.find("marker\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tick\n"), std::string::npos) << r.out;
  EXPECT_EQ(p({"attach", "nosuch"}).exit_code, 1);
  r = p({"attach", "ticker"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is not running"), std::string::npos) << r.err;
}
