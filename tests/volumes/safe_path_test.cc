#include "volumes/safe_path.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/temp_dir.h"
#include "util/error.h"

using namespace berth::volumes;
using berth::UniqueFd;
namespace fs = std::filesystem;

TEST(SafePath, StaysInsideIsLexical) {
  for (std::string ok : {"a", "a/b", "a/../b", "./a", ".", "", "a/b/../../c"})
    EXPECT_TRUE(stays_inside(ok)) << ok;
  for (std::string bad : {"..", "../a", "a/../../b", "/etc", "/", "a/b/../../../c"})
    EXPECT_FALSE(stays_inside(bad)) << bad;
}

TEST(SafePath, SymlinksResolveInsideTheRoot) {
  berth::test::TempDir dir;
  auto root = dir.path() / "root";
  fs::create_directories(root / "real");
  std::ofstream(root / "real/file") << "inside";
  fs::create_symlink("/real", root / "abs");        // absolute: the root's /real
  fs::create_symlink("../../../real", root / "up");  // climbing: stops at the root
  fs::create_symlink("/etc/passwd", root / "host");  // the host's file is not reachable
  UniqueFd r = open_root(root);
  EXPECT_EQ(fd_path(open_in_root(r.get(), "abs/file", O_PATH, "abs/file").get()), root / "real/file");
  EXPECT_EQ(fd_path(open_in_root(r.get(), "up/file", O_PATH, "up/file").get()), root / "real/file");
  EXPECT_EQ(fd_path(open_in_root(r.get(), "../../real", O_PATH, "x").get()), root / "real");
  EXPECT_THROW(open_in_root(r.get(), "host", O_PATH, "host"), berth::Error);
  EXPECT_FALSE(open_in_root_if_exists(r.get(), "host", O_PATH, "host").valid());
}
