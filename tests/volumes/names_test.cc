#include "volumes/names.h"

#include <gtest/gtest.h>

#include <vector>

#include "util/error.h"

using namespace berth::volumes;

TEST(Names, DockerRules) {
  for (const std::string& ok : std::vector<std::string>{"data", "shop_data", "a.b-c", "0x", std::string(255, 'a')})
    EXPECT_TRUE(is_valid_name(ok)) << ok;
  for (const std::string& bad : std::vector<std::string>{"", ".", "..", "_x", "-x", "a/b", "a b", "../x", std::string(256, 'a')})
    EXPECT_FALSE(is_valid_name(bad)) << bad;
  try {
    check_name("volume", "../x");
    FAIL() << "no error";
  } catch (const berth::Error& e) {
    EXPECT_NE(e.render().find("invalid volume name '../x'"), std::string::npos);
    EXPECT_FALSE(e.hint().empty());
  }
}
