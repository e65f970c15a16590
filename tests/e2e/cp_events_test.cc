// berth cp and berth events end to end.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/compose_project.h"

using berth::test::Background;
using berth::test::ComposeProject;
namespace fs = std::filesystem;

namespace {
const char* kApp = R"(
services:
  app:
    image: busybox
    command: sleep 1000
    init: true
    volumes: [data:/data]
volumes:
  data:
)";

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST(CpE2E, BothWaysFilesAndDirectories) {
  ComposeProject p(kApp);
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);
  fs::create_directories(p.dir() / "in/sub");
  std::ofstream(p.dir() / "in/a.txt") << "alpha\n";
  std::ofstream(p.dir() / "in/sub/b.txt") << "beta\n";

  // A file into a directory, a directory into a volume (seen through the running container).
  auto r = p({"cp", (p.dir() / "in/a.txt").string(), "app:/tmp"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(p({"exec", "app", "cat", "/tmp/a.txt"}).out, "alpha\n");
  r = p({"cp", (p.dir() / "in").string(), "app:/data/copied"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(p({"exec", "app", "cat", "/data/copied/sub/b.txt"}).out, "beta\n");

  // And back out.
  r = p({"cp", "app:/data/copied", (p.dir() / "out").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read(p.dir() / "out/sub/b.txt"), "beta\n");
  r = p({"cp", "app:/etc/hostname", (p.dir() / "hostname").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read(p.dir() / "hostname"), p({"exec", "app", "cat", "/etc/hostname"}).out);

  r = p({"cp", "app:/no/such", (p.dir() / "x").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no such file or directory"), std::string::npos) << r.err;
  EXPECT_EQ(p({"cp", "a.txt", "b.txt"}).exit_code, 1);
}

TEST(CpE2E, SymlinksInTheContainerNeverLeadOut) {
  ComposeProject p(kApp);
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);
  // /tmp/escape -> / and /tmp/host -> the test's directory as the host sees it.
  std::string host_dir = p.dir().string();
  ASSERT_EQ(p({"exec", "app", "sh", "-c", "ln -s / /tmp/escape && ln -s " + host_dir + " /tmp/host"}).exit_code, 0);
  std::ofstream(p.dir() / "payload") << "payload\n";

  // Into /tmp/escape/...: lands in the container's /, not the host's.
  auto r = p({"cp", (p.dir() / "payload").string(), "app:/tmp/escape/berth-cp-payload"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists("/berth-cp-payload"));
  EXPECT_EQ(p({"exec", "app", "cat", "/berth-cp-payload"}).out, "payload\n");
  // A symlink at the target itself is replaced, not followed.
  ASSERT_EQ(p({"exec", "app", "ln", "-s", host_dir + "/victim", "/tmp/link"}).exit_code, 0);
  r = p({"cp", (p.dir() / "payload").string(), "app:/tmp/link"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(p.dir() / "victim"));
  EXPECT_EQ(p({"exec", "app", "cat", "/tmp/link"}).out, "payload\n");
  // Out of /tmp/host/...: the container has no such directory, the host's is not read.
  r = p({"cp", "app:/tmp/host/payload", (p.dir() / "stolen").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(fs::exists(p.dir() / "stolen"));
}

TEST(EventsE2E, StatusChangesAsJsonLines) {
  ComposeProject p(R"(
services:
  app:
    image: busybox
    command: sleep 1000
    init: true
)");
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);
  Background events(p.args({"--log-level", "info", "events", "--json"}), p.dir().string(), p.env());
  ASSERT_TRUE(events.wait_for_stderr("watching"));
  ASSERT_EQ(p({"stop", "-t", "1"}).exit_code, 0);
  ASSERT_EQ(p({"start"}).exit_code, 0);
  ASSERT_EQ(p({"pause"}).exit_code, 0);
  ASSERT_EQ(p({"unpause"}).exit_code, 0);
  ASSERT_EQ(p({"rm", "-s", "-f"}).exit_code, 0);
  events.signal(SIGINT);
  auto r = events.finish();
  std::vector<std::string> actions;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["type"], "container");
    EXPECT_EQ(j["service"], "app");
    EXPECT_EQ(j["attributes"]["name"], p.name() + "-app-1");
    actions.push_back(j["action"]);
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"die", "start", "pause", "unpause", "die", "destroy"})) << r.out;
}
