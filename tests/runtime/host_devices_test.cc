#include "runtime/container/host_devices.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>

#include "tests/support/temp_dir.h"

using berth::runtime::host_devices;

namespace {
void make_node(const std::filesystem::path& path, mode_t type, unsigned major, unsigned minor) {
  std::filesystem::create_directories(path.parent_path());
  ASSERT_EQ(::mknod(path.c_str(), type | 0640, makedev(major, minor)), 0) << path;
}
}  // namespace

// A fake /dev made of real device nodes (the tests run as root, with CAP_MKNOD).
TEST(HostDevices, EveryDeviceExceptTheContainersOwn) {
  berth::test::TempDir dev;
  make_node(dev.path() / "loop-control", S_IFCHR, 10, 237);
  make_node(dev.path() / "loop0", S_IFBLK, 7, 0);
  make_node(dev.path() / "net/tun", S_IFCHR, 10, 200);
  make_node(dev.path() / "console", S_IFCHR, 5, 1);   // the container has its own
  make_node(dev.path() / "pts/0", S_IFCHR, 136, 0);   // likewise its pseudo-terminals
  make_node(dev.path() / "shm/x", S_IFCHR, 1, 3);
  dev.write("not-a-device", "text");
  std::filesystem::create_symlink("loop0", dev.path() / "link-to-loop0");

  auto devices = host_devices(dev.path());
  ASSERT_EQ(devices.size(), 3u);
  EXPECT_EQ(devices[0].path, "/dev/loop-control");
  EXPECT_EQ(devices[0].type, 'c');
  EXPECT_EQ(devices[0].major, 10);
  EXPECT_EQ(devices[0].minor, 237);
  EXPECT_EQ(devices[0].file_mode, 0640u);
  EXPECT_EQ(devices[1].path, "/dev/loop0");
  EXPECT_EQ(devices[1].type, 'b');
  EXPECT_EQ(devices[1].major, 7);
  EXPECT_EQ(devices[2].path, "/dev/net/tun");
}

TEST(HostDevices, AMissingDirectoryHasNone) {
  EXPECT_TRUE(host_devices("/nonexistent-dev-dir").empty());
}
