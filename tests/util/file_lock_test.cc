#include "util/file_lock.h"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"
#include "util/error.h"

namespace berth {
namespace {

TEST(FileLock, ExclusiveKeepsOthersOutUntilDropped) {
  test::TempDir dir;
  auto path = dir.path() / "sub/dir/.lock";
  {
    FileLock held(path);  // creates the file and its directories
    EXPECT_TRUE(held.held());
    // flock(2) locks belong to an open file: a second open of the file is another holder.
    EXPECT_FALSE(FileLock::try_lock(path).held());
    EXPECT_FALSE(FileLock::try_lock(path, FileLock::Mode::shared).held());
  }
  EXPECT_TRUE(FileLock::try_lock(path).held());
}

TEST(FileLock, SharedLocksGoTogether) {
  test::TempDir dir;
  auto path = dir.path() / ".lock";
  FileLock a(path, FileLock::Mode::shared);
  FileLock b = FileLock::try_lock(path, FileLock::Mode::shared);
  EXPECT_TRUE(b.held());
  EXPECT_FALSE(FileLock::try_lock(path).held());
  FileLock moved(std::move(b));
  EXPECT_TRUE(moved.held());
}

TEST(FileLock, ASymlinkInItsPlaceIsRefused) {
  test::TempDir dir;
  auto target = dir.write("elsewhere", "");
  std::filesystem::create_symlink(target, dir.path() / ".lock");
  EXPECT_THROW(FileLock(dir.path() / ".lock"), Error);
}

}  // namespace
}  // namespace berth
