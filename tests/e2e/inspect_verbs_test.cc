// berth port, wait, top, ls, images and info end to end.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "tests/support/compose_project.h"

using berth::test::ComposeProject;

TEST(PortE2E, PrintsThePublishedAddress) {
  ComposeProject p(R"(
services:
  web:
    image: busybox
    command: sleep 1000
    init: true
    ports: ["127.0.0.1::80", "127.0.0.1::53/udp"]
)");
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);
  auto r = p({"port", "web", "80"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.out, std::regex(R"(127\.0\.0\.1:[0-9]+\n)"))) << r.out;
  // The same port as ps reports.
  auto ps = nlohmann::json::parse(p({"ps", "--format", "json"}).out);
  int published = 0;
  for (const auto& pub : ps[0]["Publishers"])
    if (pub["TargetPort"] == 80) published = pub["PublishedPort"];
  EXPECT_EQ(r.out, "127.0.0.1:" + std::to_string(published) + "\n");

  r = p({"port", "--protocol", "udp", "web", "53"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("127.0.0.1:", 0), 0u);
  // --index: the second container of a scaled service has a port of its own.
  ASSERT_EQ(p({"up", "-d", "--scale", "web=2"}).exit_code, 0);
  auto second = p({"port", "--index", "2", "web", "80"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out, r.out);
  EXPECT_EQ(p({"port", "--index", "3", "web", "80"}).exit_code, 1);
  r = p({"port", "web", "81"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no port 81/tcp is published"), std::string::npos) << r.err;
}

TEST(WaitE2E, PrintsExitCodesAndTakesTheProjectDown) {
  ComposeProject p(R"(
services:
  job:
    image: busybox
    command: ["sh", "-c", "sleep 0.5; exit 5"]
)");
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);
  auto r = p({"wait", "job"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_EQ(r.out, "5\n");
  ASSERT_EQ(p({"start"}).exit_code, 0);
  r = p({"wait", "--down-project", "job"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_EQ(p({"ps", "-a", "-q"}).out, "");
}

TEST(TopE2E, ListsTheContainersProcesses) {
  ComposeProject p(R"(
services:
  app:
    image: busybox
    command: sleep 1000
    init: true
)");
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);
  auto r = p({"top"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind(p.name() + "-app-1\nUID", 0), 0u) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\nUID +PID +PPID +C +STIME +TTY +TIME +CMD\n"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\nroot +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]{2}:[0-9]{2} +\\? +00:00:00 +sleep 1000\n")))
      << r.out;
  EXPECT_NE(r.out.find("sleep 1000"), std::string::npos) << r.out;
  // Nothing of the host's.
  EXPECT_EQ(r.out.find("berth-supervisor"), std::string::npos) << r.out;
}

TEST(LsE2E, EveryProjectWithItsStatus) {
  ComposeProject p(R"(
services:
  a:
    image: busybox
    command: sleep 1000
    init: true
  b:
    image: busybox
    command: "true"
)");
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);
  ASSERT_EQ(p({"wait", "b"}).exit_code, 0);
  auto r = p.raw({"ls", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["Name"], p.name());
  EXPECT_EQ(j[0]["Status"], "exited(1), running(1)");
  EXPECT_EQ(j[0]["ConfigFiles"], (p.dir() / "compose.yaml").string());
  EXPECT_EQ(p.raw({"ls", "-q"}).out, p.name() + "\n");
  r = p.raw({"ls"});
  EXPECT_EQ(r.out.rfind("NAME", 0), 0u);
  EXPECT_NE(r.out.find(p.name()), std::string::npos);

  ASSERT_EQ(p({"stop", "-t", "1"}).exit_code, 0);
  EXPECT_EQ(p.raw({"ls", "-q"}).out, "");  // stopped projects only with -a
  EXPECT_EQ(p.raw({"ls", "-a", "-q"}).out, p.name() + "\n");
  EXPECT_EQ(p.raw({"ls", "-a", "-q", "--filter", "name=zzz"}).out, "");
}

TEST(ImagesE2E, TheImagesOfTheProjectsContainers) {
  ComposeProject p(R"(
services:
  app:
    image: busybox
    command: sleep 1000
    init: true
)");
  ASSERT_EQ(p({"create"}).exit_code, 0);
  auto r = p({"images", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["ContainerName"], p.name() + "-app-1");
  EXPECT_EQ(j[0]["Repository"], "busybox");
  EXPECT_EQ(j[0]["Tag"], "latest");
  EXPECT_GT(j[0]["Size"].get<int64_t>(), 100000);
  std::string id = j[0]["ID"];
  EXPECT_EQ(id.rfind("sha256:", 0), 0u);
  EXPECT_EQ(p({"images", "-q"}).out, id + "\n");
  r = p({"images"});
  EXPECT_EQ(r.out.rfind("CONTAINER", 0), 0u) << r.out;
  EXPECT_NE(r.out.find(id.substr(7, 12)), std::string::npos) << r.out;
}

TEST(InfoE2E, SaysWhatTheHostOffers) {
  ComposeProject p("services: {}\n");
  auto r = p.raw({"info", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j["Runtime"].get<std::string>().empty());
  EXPECT_FALSE(j["Runc"].get<std::string>().empty());
  std::string layout = j["CgroupLayout"];
  EXPECT_TRUE(layout.rfind("unified", 0) == 0 || layout.rfind("hybrid", 0) == 0 || layout.rfind("v1", 0) == 0)
      << layout;
  EXPECT_EQ(j["StorageRoot"], (p.dir() / "state").string());
  EXPECT_EQ(j["KernelFeatures"]["overlayfs"], true);
  EXPECT_EQ(j["Containers"], 0);
  r = p.raw({"info"});
  EXPECT_NE(r.out.find("OCI runtime:"), std::string::npos);
  EXPECT_NE(r.out.find("Storage root:    " + (p.dir() / "state").string()), std::string::npos) << r.out;
}
