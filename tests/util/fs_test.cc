#include "util/fs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/support/temp_dir.h"

using namespace berth;

TEST(Fs, WriteIfChangedLeavesTheSameContentAlone) {
  test::TempDir dir;
  auto path = dir.path() / "table.json";
  EXPECT_TRUE(fs::write_file_if_changed(path, "one", 0644, false));
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  // The same content: no new file (a rename would give a new inode, and wake watchers).
  EXPECT_FALSE(fs::write_file_if_changed(path, "one", 0644, false));
  struct stat same {};
  ASSERT_EQ(::stat(path.c_str(), &same), 0);
  EXPECT_EQ(same.st_ino, before.st_ino);
  EXPECT_TRUE(fs::write_file_if_changed(path, "two", 0644, false));
  EXPECT_EQ(fs::read_file(path), "two");
}
