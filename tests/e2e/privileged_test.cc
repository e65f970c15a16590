// privileged: true end to end: the host's devices, every capability, no seccomp, /sys writable.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/compose_project.h"

using berth::test::ComposeProject;

namespace {
// This process's capability bounding set, as /proc/self/status writes it.
std::string bounding_set() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("CapBnd:\t", 0) == 0) return line.substr(8);
  return "?";
}
}  // namespace

TEST(RunE2E, PrivilegedGetsTheHostsDevicesAndNoConfinement) {
  if (!std::filesystem::exists("/dev/loop-control")) GTEST_SKIP() << "this host has no /dev/loop-control";
  ComposeProject p(R"(
services:
  plain:
    image: busybox
  privileged:
    image: busybox
    privileged: true
)");
  const char* probe =
      "[ -c /dev/loop-control ] && echo loop-control; "
      "grep -q ' /sys sysfs rw' /proc/mounts && echo sys-rw; "
      "grep CapEff /proc/self/status; "
      "mkdir -p /m && mount -t tmpfs none /m 2>/dev/null && echo mounted; "
      "ls /dev/console >/dev/null 2>&1; true";
  auto r = p({"run", "--rm", "-T", "privileged", "sh", "-c", probe});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("loop-control\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sys-rw\n"), std::string::npos) << r.out;
  // Every capability this host grants (root here lacks CAP_SYS_RESOURCE: it cannot be given).
  EXPECT_NE(r.out.find("CapEff:\t" + bounding_set()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mounted\n"), std::string::npos) << r.out;

  r = p({"run", "--rm", "-T", "plain", "sh", "-c", probe});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("loop-control"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("sys-rw"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("mounted"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("CapEff:\t" + bounding_set()), std::string::npos) << r.out;
}
