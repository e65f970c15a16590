// berth start, stop, restart, kill, pause, unpause end to end, on real containers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/compose_project.h"

using berth::test::ComposeProject;

namespace {

// db, and web depending on it; both sleep (with an init that forwards the stop signal).
const char* kTwoServices = R"(
services:
  db:
    image: busybox
    command: sleep 1000
    init: true
  web:
    image: busybox
    command: sleep 1000
    init: true
    depends_on: [db]
)";

std::string state_of(const ComposeProject& p, const std::string& container) {
  for (const auto& [name, state] : p.states())
    if (name == container) return state;
  return "missing";
}

// Where `needle` first shows in `text` (npos when it does not).
size_t at(const std::string& text, const std::string& needle) { return text.find(needle); }

}  // namespace

TEST(LifecycleE2E, StopAndStartFollowTheDependencies) {
  ComposeProject p(kTwoServices);
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);
  std::string db = p.name() + "-db-1", web = p.name() + "-web-1";

  auto r = p({"stop"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(state_of(p, db), "exited");
  EXPECT_EQ(state_of(p, web), "exited");
  // Dependents stop first.
  ASSERT_NE(at(r.err, web + "  Stopped"), std::string::npos) << r.err;
  EXPECT_LT(at(r.err, web + "  Stopped"), at(r.err, db + "  Stopped")) << r.err;

  r = p({"start"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(state_of(p, db), "running");
  EXPECT_EQ(state_of(p, web), "running");
  ASSERT_NE(at(r.err, db + "  Started"), std::string::npos) << r.err;
  EXPECT_LT(at(r.err, db + "  Started"), at(r.err, web + "  Started")) << r.err;

  // Named services only.
  ASSERT_EQ(p({"stop", "web"}).exit_code, 0);
  EXPECT_EQ(state_of(p, db), "running");
  EXPECT_EQ(state_of(p, web), "exited");
  ASSERT_EQ(p({"start", "web"}).exit_code, 0);
  EXPECT_EQ(state_of(p, web), "running");

  r = p({"stop", "nosuch"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no such service: nosuch"), std::string::npos) << r.err;
}

TEST(LifecycleE2E, RestartGivesNewProcesses) {
  ComposeProject p(kTwoServices);
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);
  auto before = nlohmann::json::parse(p({"ps", "--format", "json"}).out);
  auto r = p({"restart", "-t", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto after = nlohmann::json::parse(p({"ps", "--format", "json"}).out);
  ASSERT_EQ(after.size(), 2u);
  for (const auto& c : after) EXPECT_EQ(c["State"], "running");
  // The same containers (ids), started again.
  EXPECT_EQ(before[0]["ID"], after[0]["ID"]);
  EXPECT_NE(r.err.find("Started"), std::string::npos) << r.err;
}

TEST(LifecycleE2E, StopTimeoutKillsAContainerThatIgnoresItsSignal) {
  // sh as PID 1 ignores SIGTERM: only the SIGKILL after -t ends it (137), not the 60 s grace.
  ComposeProject p(R"(
services:
  stubborn:
    image: busybox
    command: ["sh", "-c", "while true; do sleep 1; done"]
    stop_grace_period: 60s
)");
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);
  auto start = std::chrono::steady_clock::now();
  auto r = p({"stop", "-t", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  auto ps = nlohmann::json::parse(p({"ps", "-a", "--format", "json"}).out);
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0]["State"], "exited");
  EXPECT_EQ(ps[0]["ExitCode"], 137);
}

TEST(LifecycleE2E, KillSendsTheSignal) {
  ComposeProject p(kTwoServices);
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);
  auto r = p({"kill", "-s", "TERM", "db"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // kill only sends the signal, as docker's does: wait for the exit to be recorded.
  ASSERT_EQ(p({"wait", "db"}).exit_code, 143);
  auto ps = nlohmann::json::parse(p({"ps", "-a", "--format", "json", "db"}).out);
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0]["State"], "exited");
  EXPECT_EQ(ps[0]["ExitCode"], 143);  // sleep ended by SIGTERM (forwarded by the init)
  r = p({"kill"});  // SIGKILL by default, to what still runs
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(p({"wait", "web"}).exit_code, 137);
  ps = nlohmann::json::parse(p({"ps", "-a", "--format", "json", "web"}).out);
  EXPECT_EQ(ps[0]["State"], "exited");
}

TEST(LifecycleE2E, PauseAndUnpause) {
  ComposeProject p(kTwoServices);
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);
  auto r = p({"pause"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& [name, state] : p.states()) EXPECT_EQ(state, "paused") << name;
  r = p({"unpause", "web"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(state_of(p, p.name() + "-web-1"), "running");
  EXPECT_EQ(state_of(p, p.name() + "-db-1"), "paused");
  // A paused container still stops.
  r = p({"stop", "-t", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& [name, state] : p.states()) EXPECT_EQ(state, "exited") << name;
}
