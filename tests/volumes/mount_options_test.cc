#include "volumes/mount_options.h"

#include <gtest/gtest.h>
#include <sys/mount.h>

using berth::volumes::parse_mount_options;

TEST(MountOptions, GenericFlagsAndFileSystemData) {
  auto o = parse_mount_options("ro,nosuid,size=64m,uid=1000,noexec");
  EXPECT_EQ(o.flags, static_cast<unsigned long>(MS_RDONLY | MS_NOSUID | MS_NOEXEC));
  EXPECT_EQ(o.data, "size=64m,uid=1000");
}

TEST(MountOptions, LaterOptionsWinAndBindsAreFlags) {
  EXPECT_EQ(parse_mount_options("ro,rw").flags, 0u);
  EXPECT_EQ(parse_mount_options("rbind").flags, static_cast<unsigned long>(MS_BIND | MS_REC));
  auto nfs = parse_mount_options("addr=10.0.0.5,nfsvers=4,rw,,defaults");
  EXPECT_EQ(nfs.flags, 0u);
  EXPECT_EQ(nfs.data, "addr=10.0.0.5,nfsvers=4");
  EXPECT_EQ(parse_mount_options("").data, "");
}
