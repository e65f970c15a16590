// volumes_from through `berth up`: a service takes another's named volume, anonymous volume and
// bind mount, writable or (`:ro`) not, by service name or by container name.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/compose_project.h"

namespace berth::test {
namespace {

namespace stdfs = std::filesystem;

std::string stack_with_volumes_from(const std::string& project) {
  return "services:\n"
         "  a:\n    image: busybox\n    command: [sleep, \"1000\"]\n    init: true\n"
         "    volumes: [\"data:/named\", \"/anon\", \"./host:/host\"]\n"
         "  b:\n    image: busybox\n    command: [sleep, \"1000\"]\n    init: true\n"
         "    volumes_from: [a]\n"
         "  c:\n    image: busybox\n    command: [sleep, \"1000\"]\n    init: true\n"
         "    volumes_from: [\"a:ro\"]\n"
         "  d:\n    image: busybox\n    command: [sleep, \"1000\"]\n    init: true\n"
         "    volumes_from: [\"container:" + project + "-a-1:ro\"]\n    depends_on: [a]\n"
         "  e:\n    image: busybox\n    command: [sleep, \"1000\"]\n    init: true\n"
         "    volumes_from: [\"service:c:rw\"]\n"
         "volumes:\n  data: {}\n";
}

TEST(VolumesFromE2E, ServicesSeeAnotherServicesMountsAndReadOnlyRefusesWrites) {
  ComposeProject p("services: {}\n");
  p.rewrite(stack_with_volumes_from(p.name()));
  stdfs::create_directories(p.dir() / "host");
  std::ofstream(p.dir() / "host/f") << "from the host\n";

  Result up = p({"up", "-d", "--wait"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  // a starts before the services that take its volumes (an implicit dependency).
  EXPECT_LT(up.err.find("Container " + p.name() + "-a-1  Started"),
            up.err.find("Container " + p.name() + "-b-1  Created"))
      << up.err;
  ASSERT_EQ(p({"exec", "-T", "a", "sh", "-c", "echo named > /named/f; echo anon > /anon/f"}).exit_code, 0);

  for (const char* reader : {"b", "c", "d", "e"}) {
    Result r = p({"exec", "-T", reader, "cat", "/named/f", "/anon/f", "/host/f"});
    EXPECT_EQ(r.exit_code, 0) << reader << ": " << r.err;
    EXPECT_EQ(r.out, "named\nanon\nfrom the host\n") << reader;
  }

  // b writes (rw as in a); a sees it.
  ASSERT_EQ(p({"exec", "-T", "b", "sh", "-c", "echo by-b > /named/g; echo by-b > /anon/g; echo by-b > /host/g"}).exit_code, 0);
  EXPECT_EQ(p({"exec", "-T", "a", "cat", "/named/g", "/anon/g"}).out, "by-b\nby-b\n");
  std::ifstream host_g(p.dir() / "host/g");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(host_g), {}), "by-b\n");

  // c and d took them read-only: every write is refused.
  for (const char* reader : {"c", "d"})
    for (const char* path : {"/named/x", "/anon/x", "/host/x"}) {
      Result w = p({"exec", "-T", reader, "sh", "-c", std::string("echo no > ") + path});
      EXPECT_NE(w.exit_code, 0) << reader << " wrote " << path;
      EXPECT_NE(w.err.find("Read-only file system"), std::string::npos) << w.err;
    }
  EXPECT_FALSE(stdfs::exists(p.dir() / "host/x"));
  // e takes c's mounts with :rw: writable again.
  EXPECT_EQ(p({"exec", "-T", "e", "sh", "-c", "echo by-e > /named/h"}).exit_code, 0);

  // A one-off of c takes a's mounts too, read-only.
  Result run = p({"run", "--rm", "c", "sh", "-c", "cat /named/f /host/f; echo no > /anon/y"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_EQ(run.out, "named\nfrom the host\n") << run.err;
  EXPECT_NE(run.err.find("Read-only file system"), std::string::npos) << run.err;

  // The volume is in use by all of them; down -v removes it with the anonymous one.
  ASSERT_EQ(p({"down", "-v"}).exit_code, 0);
  EXPECT_EQ(p.raw({"volume", "ls", "-q"}).out, "");
}

TEST(VolumesFromE2E, UnknownServiceOrContainerIsAnErrorAtItsPlaceAndCreatesNothing) {
  ComposeProject p(
      "services:\n"
      "  a:\n    image: busybox\n    command: [sleep, \"1000\"]\n    volumes: [\"data:/named\"]\n"
      "  b:\n    image: busybox\n    volumes_from: [\"container:ghost\"]\n"
      "volumes:\n  data: {}\n");
  Result r = p({"up", "-d"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("compose.yaml:6:3: services.b.volumes_from: volumes_from container:ghost: there is no "
                       "container named ghost"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("hint: check the container name"), std::string::npos) << r.err;
  EXPECT_EQ(p({"ps", "-a", "-q"}).out, "");
  EXPECT_EQ(p.raw({"volume", "ls", "-q"}).out, "");

  p.rewrite("services:\n  b:\n    image: busybox\n    volumes_from: [\"service:ghost:ro\"]\n");
  r = p({"up", "-d"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("compose.yaml:4:19: services.b.volumes_from: volumes_from refers to undefined service 'ghost'"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(p({"ps", "-a", "-q"}).out, "");

  // A service of the project that is left out (--no-deps) has no container to take mounts from.
  p.rewrite("services:\n  a:\n    image: busybox\n  b:\n    image: busybox\n    volumes_from: [a]\n");
  r = p({"up", "-d", "--no-deps", "b"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("volumes_from a: service a has no container"), std::string::npos) << r.err;
  EXPECT_EQ(p({"ps", "-a", "-q"}).out, "");
}

}  // namespace
}  // namespace berth::test
