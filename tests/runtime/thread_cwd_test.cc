#include "runtime/thread_cwd.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/support/temp_dir.h"
#include "util/error.h"

TEST(ThreadCwd, WorkRunsInTheDirectoryAndTheProcessStaysWhereItWas) {
  berth::test::TempDir dir;
  auto before = std::filesystem::current_path();
  std::filesystem::path seen;
  berth::runtime::run_in_directory(dir.path(), [&] { seen = std::filesystem::current_path(); });
  EXPECT_EQ(seen, std::filesystem::canonical(dir.path()));
  EXPECT_EQ(std::filesystem::current_path(), before);
}

TEST(ThreadCwd, ErrorsComeBack) {
  berth::test::TempDir dir;
  EXPECT_THROW(berth::runtime::run_in_directory(dir.path() / "missing", [] {}), berth::Error);
  EXPECT_THROW(berth::runtime::run_in_directory(dir.path(), [] { throw berth::Error("inner"); }), berth::Error);
}
