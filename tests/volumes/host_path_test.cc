#include "volumes/host_path.h"

#include <gtest/gtest.h>
#include <pwd.h>

#include "tests/support/temp_dir.h"
#include "util/error.h"

using namespace berth::volumes;
namespace fs = std::filesystem;

TEST(HostPath, RelativeAbsoluteAndTilde) {
  EXPECT_EQ(expand_host_path("./data", "/srv/app"), "/srv/app/data");
  EXPECT_EQ(expand_host_path("data/../logs/", "/srv/app"), "/srv/app/logs");
  EXPECT_EQ(expand_host_path("../shared", "/srv/app"), "/srv/shared");
  EXPECT_EQ(expand_host_path("/var/log", "/srv/app"), "/var/log");
  const char* old = std::getenv("HOME");
  std::string saved = old ? old : "";
  ::setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(expand_host_path("~", "/srv"), "/home/someone");
  EXPECT_EQ(expand_host_path("~/.ssh", "/srv"), "/home/someone/.ssh");
  if (old) ::setenv("HOME", saved.c_str(), 1); else ::unsetenv("HOME");
  EXPECT_EQ(expand_host_path("~root/x", "/srv"), fs::path(::getpwnam("root")->pw_dir) / "x");
  EXPECT_THROW(expand_host_path("~no-such-user-here/x", "/srv"), berth::Error);
  EXPECT_THROW(expand_host_path("", "/srv"), berth::Error);
}

TEST(HostPath, CheckAndCreate) {
  berth::test::TempDir dir;
  EXPECT_EQ(check_bind_source(dir.path()), HostPathState::exists);
  EXPECT_EQ(check_bind_source(dir.path() / "nope"), HostPathState::missing);
  fs::create_symlink(dir.path() / "nope", dir.path() / "dangling");
  EXPECT_THROW(check_bind_source(dir.path() / "dangling"), berth::Error);

  auto made = create_directories_tracked(dir.path() / "a/b/c");
  ASSERT_EQ(made.size(), 3u);
  EXPECT_EQ(made.front(), dir.path() / "a");
  EXPECT_EQ(made.back(), dir.path() / "a/b/c");
  EXPECT_TRUE(fs::is_directory(dir.path() / "a/b/c"));
  EXPECT_TRUE(create_directories_tracked(dir.path() / "a/b").empty());
}
