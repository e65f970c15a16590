#include "runtime/container/user.h"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"
#include "util/error.h"

namespace berth::runtime {
namespace {

const char* kPasswd =
    "root:x:0:0:root:/root:/bin/sh\n"
    "# a comment\n"
    "app:x:1000:1000:app:/home/app:/bin/sh\n"
    "web:x:33:33::/var/www:/bin/false\n";
const char* kGroup =
    "root:x:0:\n"
    "users:x:100:app,web\n"
    "app:x:1000:\n"
    "docker:x:999:app\n";

TEST(ResolveUser, DefaultIsRoot) {
  auto u = resolve_user_from(kPasswd, kGroup, "");
  EXPECT_EQ(u.uid, 0u);
  EXPECT_EQ(u.gid, 0u);
  EXPECT_EQ(u.home, "/root");
}

TEST(ResolveUser, NameGivesUidGidHomeAndGroups) {
  auto u = resolve_user_from(kPasswd, kGroup, "app");
  EXPECT_EQ(u.uid, 1000u);
  EXPECT_EQ(u.gid, 1000u);
  EXPECT_EQ(u.home, "/home/app");
  EXPECT_EQ(u.additional_gids, (std::vector<uint32_t>{100, 999}));
}

TEST(ResolveUser, UidOfAKnownUserTakesItsGroup) {
  auto u = resolve_user_from(kPasswd, kGroup, "33");
  EXPECT_EQ(u.uid, 33u);
  EXPECT_EQ(u.gid, 33u);
  EXPECT_EQ(u.home, "/var/www");
}

TEST(ResolveUser, UnknownUidIsFine) {
  auto u = resolve_user_from(kPasswd, kGroup, "4242");
  EXPECT_EQ(u.uid, 4242u);
  EXPECT_EQ(u.gid, 0u);
  EXPECT_EQ(u.home, "/");
  auto both = resolve_user_from(kPasswd, kGroup, "4242:4343");
  EXPECT_EQ(both.gid, 4343u);
}

TEST(ResolveUser, NameAndGroupName) {
  auto u = resolve_user_from(kPasswd, kGroup, "app:users");
  EXPECT_EQ(u.uid, 1000u);
  EXPECT_EQ(u.gid, 100u);
  EXPECT_TRUE(u.additional_gids.empty());  // an explicit group replaces the user's groups
}

TEST(ResolveUser, GroupAdd) {
  auto u = resolve_user_from(kPasswd, kGroup, "web", {"docker", "5000", "users"});
  EXPECT_EQ(u.additional_gids, (std::vector<uint32_t>{100, 999, 5000}));
}

TEST(ResolveUser, UnknownNamesAreErrors) {
  EXPECT_THROW(resolve_user_from(kPasswd, kGroup, "ghost"), Error);
  EXPECT_THROW(resolve_user_from(kPasswd, kGroup, "app:ghosts"), Error);
  EXPECT_THROW(resolve_user_from(kPasswd, kGroup, "app", {"ghosts"}), Error);
  EXPECT_THROW(resolve_user_from(kPasswd, kGroup, ":100"), Error);
  EXPECT_THROW(resolve_user_from(kPasswd, kGroup, "app:"), Error);
}

TEST(ResolveUser, ReadsTheRootfsNotTheHost) {
  test::TempDir dir;
  dir.write("rootfs/usr/lib/passwd", "svc:x:77:78::/srv:/bin/sh\n");
  dir.write("rootfs/etc/group", "svc:x:78:\n");
  // An absolute link in the image means the image's file.
  std::filesystem::create_symlink("/usr/lib/passwd", dir.path() / "rootfs/etc/passwd");
  auto u = resolve_user(dir.path() / "rootfs", "svc");
  EXPECT_EQ(u.uid, 77u);
  EXPECT_EQ(u.gid, 78u);
  EXPECT_THROW(resolve_user(dir.path() / "rootfs", "root"), Error);  // not the host's root
}

}  // namespace
}  // namespace berth::runtime
