#include "util/unique_fd.h"

#include <fcntl.h>
#include <gtest/gtest.h>

namespace berth {
namespace {

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

int open_null() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

TEST(UniqueFd, ClosesWhenDropped) {
  int raw = -1;
  {
    UniqueFd fd(open_null());
    raw = fd.get();
    ASSERT_TRUE(fd.valid());
    EXPECT_TRUE(is_open(raw));
  }
  EXPECT_FALSE(is_open(raw));
}

TEST(UniqueFd, MoveHandsOverAndAssignmentClosesTheOldOne) {
  UniqueFd a(open_null());
  int first = a.get();
  UniqueFd b(std::move(a));
  EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  EXPECT_EQ(b.get(), first);
  UniqueFd c(open_null());
  int second = c.get();
  b = std::move(c);
  EXPECT_FALSE(is_open(first));
  EXPECT_EQ(b.get(), second);
  EXPECT_TRUE(is_open(second));
}

TEST(UniqueFd, ReleaseKeepsItOpenAndResetReplaces) {
  UniqueFd fd(open_null());
  int raw = fd.release();
  EXPECT_FALSE(fd.valid());
  EXPECT_TRUE(is_open(raw));
  fd.reset(raw);
  EXPECT_EQ(fd.get(), raw);
  fd.reset();
  EXPECT_FALSE(is_open(raw));
}

}  // namespace
}  // namespace berth
