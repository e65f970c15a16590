#include "volumes/driver_mount.h"

#include <gtest/gtest.h>

#include "util/error.h"

using namespace berth::volumes;

TEST(DriverMount, NfsServerNamesBecomeAddresses) {
  EXPECT_EQ(resolve_nfs_addr("addr=10.0.0.5,rw,nfsvers=4"), "addr=10.0.0.5,rw,nfsvers=4");
  EXPECT_EQ(resolve_nfs_addr("addr=fd00::5"), "addr=fd00::5");
  EXPECT_EQ(resolve_nfs_addr("nolock,addr=localhost"), "nolock,addr=127.0.0.1");  // /etc/hosts
  EXPECT_EQ(resolve_nfs_addr(""), "");
}

TEST(DriverMount, ChecksBeforeAnythingIsMade) {
  EXPECT_NO_THROW(check_driver("", {}));
  EXPECT_NO_THROW(check_driver("local", {{"type", "tmpfs"}, {"o", "size=1m"}}));
  EXPECT_NO_THROW(check_driver("local", {{"type", "nfs"}, {"device", ":/export"}, {"o", "addr=h"}}));
  EXPECT_NO_THROW(check_driver("local", {{"type", "none"}, {"device", "/srv"}, {"o", "bind"}}));
  EXPECT_THROW(check_driver("local", {{"type", "nfs"}}), berth::Error);  // no device
  EXPECT_THROW(check_driver("local", {{"type", "none"}, {"device", "srv"}, {"o", "bind"}}),
               berth::Error);  // a relative bind device
}
