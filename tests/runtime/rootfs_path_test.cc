#include "runtime/container/rootfs_path.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/support/temp_dir.h"
#include "util/error.h"

namespace berth::runtime {
namespace {

class RootfsPath : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path() / "rootfs";
    dir_.write("rootfs/bin/busybox", "#!");
    ::chmod((root_ / "bin/busybox").c_str(), 0755);
    std::filesystem::create_symlink("busybox", root_ / "bin/sh");
    std::filesystem::create_symlink("/bin", root_ / "sbin");
    std::filesystem::create_symlink("../../../../../etc", root_ / "escape");
    dir_.write("rootfs/data/script.sh", "echo");
  }
  test::TempDir dir_;
  std::filesystem::path root_;
};

TEST_F(RootfsPath, FollowsLinksInsideTheRootfs) {
  EXPECT_EQ(resolve_in_rootfs(root_, "/sbin/sh"), root_ / "bin/busybox");
  EXPECT_EQ(resolve_in_rootfs(root_, "/bin/../bin/./sh"), root_ / "bin/busybox");
  // .. at the root stays at the root: no way out.
  EXPECT_EQ(resolve_in_rootfs(root_, "/escape"), std::nullopt);
  EXPECT_EQ(resolve_in_rootfs(root_, "/missing"), std::nullopt);
}

TEST_F(RootfsPath, FindsExecutables) {
  std::vector<std::string> env = {"PATH=/usr/bin:/sbin"};
  EXPECT_EQ(find_executable_in_rootfs(root_, "sh", "/", env), root_ / "bin/busybox");
  EXPECT_EQ(find_executable_in_rootfs(root_, "/bin/sh", "/", env), root_ / "bin/busybox");
  EXPECT_EQ(find_executable_in_rootfs(root_, "./sh", "/bin", env), root_ / "bin/busybox");
}

TEST_F(RootfsPath, ExplainsWhatIsWrong) {
  try {
    find_executable_in_rootfs(root_, "/data/script.sh", "/", {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("not an executable file"), std::string::npos);
  }
  try {
    find_executable_in_rootfs(root_, "/data/nothing", "/", {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("does not exist"), std::string::npos);
  }
  try {
    find_executable_in_rootfs(root_, "nginx", "/", {"PATH=/bin"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("not found in the container's PATH (/bin)"), std::string::npos);
  }
}

}  // namespace
}  // namespace berth::runtime
