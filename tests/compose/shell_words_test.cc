#include "compose/shell_words.h"

#include <gtest/gtest.h>

namespace berth::compose {
namespace {

using Words = std::vector<std::string>;

Words split(std::string_view text) {
  auto w = split_shell_words(text);
  EXPECT_TRUE(w.has_value()) << text;
  return w.value_or(Words{"<unclosed>"});
}

TEST(ShellWords, SplitsOnWhitespace) {
  EXPECT_EQ(split("echo  hello\tworld\n"), (Words{"echo", "hello", "world"}));
  EXPECT_EQ(split(""), Words{});
  EXPECT_EQ(split("   "), Words{});
}

TEST(ShellWords, Quotes) {
  EXPECT_EQ(split("sh -c 'echo $HOME; ls'"), (Words{"sh", "-c", "echo $HOME; ls"}));
  EXPECT_EQ(split("echo \"a b\" c"), (Words{"echo", "a b", "c"}));
  EXPECT_EQ(split("a'b'\"c\"d"), (Words{"abcd"}));
  EXPECT_EQ(split("''"), (Words{""}));
  EXPECT_EQ(split("echo \"\""), (Words{"echo", ""}));
}

TEST(ShellWords, Backslashes) {
  EXPECT_EQ(split("a\\ b"), (Words{"a b"}));
  EXPECT_EQ(split("\"say \\\"hi\\\"\""), (Words{"say \"hi\""}));
  EXPECT_EQ(split("\"a\\nb\""), (Words{"a\\nb"}));  // inside double quotes \n is not special
  EXPECT_EQ(split("'a\\b'"), (Words{"a\\b"}));      // nor anything inside single quotes
}

TEST(ShellWords, UnclosedQuotes) {
  EXPECT_FALSE(split_shell_words("echo 'oops").has_value());
  EXPECT_FALSE(split_shell_words("echo \"oops").has_value());
  EXPECT_FALSE(split_shell_words("echo \"oops\\\"").has_value());
}

}  // namespace
}  // namespace berth::compose
