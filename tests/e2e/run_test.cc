// berth run end to end: one-off containers.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <fstream>
#include <regex>
#include <set>

#include "tests/support/compose_project.h"

using berth::test::Background;
using berth::test::ComposeProject;

namespace {
const char* kStack = R"(
services:
  db:
    image: busybox
    command: sleep 1000
    init: true
  app:
    image: busybox
    command: echo from-blueprint
    working_dir: /
    environment:
      ROLE: app
    ports: ["127.0.0.1::8080"]
    depends_on: [db]
)";

nlohmann::json ps_all(const ComposeProject& p) { return nlohmann::json::parse(p({"ps", "-a", "--format", "json"}).out); }
}  // namespace

TEST(RunE2E, OneOffWithDependenciesOutputAndExitCode) {
  ComposeProject p(kStack);
  auto r = p({"run", "--rm", "app"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "from-blueprint\n");
  // Its dependency was brought up as `up` would; the one-off is gone (--rm).
  auto ps = ps_all(p);
  ASSERT_EQ(ps.size(), 1u) << ps.dump();
  EXPECT_EQ(ps[0]["Service"], "db");
  EXPECT_EQ(ps[0]["State"], "running");

  // The command's flags are its own; the exit code passes through.
  r = p({"run", "--rm", "app", "sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_NE(r.err.find("err\n"), std::string::npos);
  EXPECT_EQ(ps_all(p).size(), 1u);
}

TEST(RunE2E, FlagsOverrideTheService) {
  ComposeProject p(kStack);
  std::filesystem::create_directories(p.dir() / "share");
  std::ofstream(p.dir() / "share/note.txt") << "shared\n";
  auto r = p({"run", "--rm", "--no-deps", "-e", "ROLE=job", "-e", "EXTRA=1", "-u", "app", "-w", "/tmp", "-v",
              (p.dir() / "share").string() + ":/share:ro", "app", "sh", "-c",
              "echo $ROLE $EXTRA; id -un; pwd; cat /share/note.txt; touch /share/x 2>/dev/null || echo read-only"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "job 1\napp\n/tmp\nshared\nread-only\n");
  // --no-deps: db was not started.
  EXPECT_TRUE(ps_all(p).empty());

  // A volume of the project, by name: what one run writes, the next one reads.
  p.rewrite(std::string(kStack) + "volumes:\n  scratch:\n");
  r = p({"run", "--rm", "--no-deps", "-v", "scratch:/scratch", "app", "sh", "-c", "echo kept > /scratch/f"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = p({"run", "--rm", "--no-deps", "-v", "scratch:/scratch", "app", "cat", "/scratch/f"});
  EXPECT_EQ(r.out, "kept\n") << r.err;

  r = p({"run", "--rm", "--no-deps", "--entrypoint", "echo entry", "app", "point"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "entry point\n");
}

TEST(RunE2E, DetachedNamedAndPublished) {
  ComposeProject p(kStack);
  auto r = p({"run", "-d", "--no-deps", "app", "sleep", "1000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.out, std::regex(p.name() + "-app-run-[0-9a-f]{12}\n"))) << r.out;
  auto ps = ps_all(p);
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0]["Labels"]["com.docker.compose.oneoff"], "True");
  EXPECT_EQ(ps[0]["State"], "running");
  // No ports without --service-ports or -p.
  EXPECT_TRUE(ps[0]["Publishers"].empty()) << ps.dump();

  r = p({"run", "-d", "--no-deps", "--name", "named-one", "--service-ports", "-p", "127.0.0.1::9090", "app", "sleep",
         "1000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "named-one\n");
  for (const auto& c : ps_all(p)) {
    if (c["Name"] != "named-one") continue;
    std::set<int> targets;
    for (const auto& pub : c["Publishers"]) targets.insert(pub["TargetPort"].get<int>());
    EXPECT_EQ(targets, (std::set<int>{8080, 9090})) << c.dump();
  }
  r = p({"run", "-d", "--no-deps", "--name", "named-one", "app", "true"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("exists already"), std::string::npos) << r.err;
  EXPECT_EQ(p({"run", "nosuch"}).exit_code, 1);
}

TEST(RunE2E, CtrlCStopsTheOneOffAndItsExitCodeComesThrough) {
  ComposeProject p(kStack);
  // sh as PID 1 with a trap of its own: the stop signal makes it say so and exit 9.
  Background run(p.args({"--log-level", "info", "run", "--rm", "--no-deps", "app", "sh", "-c",
                         "trap 'echo got-term; exit 9' TERM; while true; do sleep 0.1; done"}),
                 p.dir().string(), p.env());
  ASSERT_TRUE(run.wait_for_stderr("started one-off container"));
  run.signal(SIGINT);
  auto r = run.finish();
  EXPECT_EQ(r.exit_code, 9) << r.err;
  EXPECT_EQ(r.out, "got-term\n");
  EXPECT_TRUE(ps_all(p).empty());  // --rm
}
