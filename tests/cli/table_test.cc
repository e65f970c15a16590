#include "cli/table.h"

#include <gtest/gtest.h>

namespace berth::cli {
namespace {

TEST(FormatTable, AlignsColumnsAndLeavesTheLastUnpadded) {
  EXPECT_EQ(format_table({{"NAME", "STATUS"}, {"web-1", "Up"}, {"a", "Exited (0)"}}),
            "NAME    STATUS\n"
            "web-1   Up\n"
            "a       Exited (0)\n");
}

TEST(FormatTable, EmptyTableIsEmpty) { EXPECT_EQ(format_table({}), ""); }

}  // namespace
}  // namespace berth::cli
