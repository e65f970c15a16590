#include "compose/dollar_escape.h"

#include <gtest/gtest.h>

#include "compose/yaml_writer.h"
#include "tests/compose/loader_test_support.h"

namespace berth::compose {
namespace {

TEST(DollarEscape, DoublesEveryDollarOfValues) {
  Node doc = testing::yaml("a: $HOME\nb: [x$, $$]\n$key: {c: 'no dollar', d: 5}\n");
  escape_dollars(doc);
  EXPECT_EQ(to_json(doc, -1), R"({"a":"$$HOME","b":["x$$","$$$$"],"$key":{"c":"no dollar","d":5}})" "\n");
}

TEST(DollarEscape, PrintedValuesLoadBackUnchanged) {
  Project first = testing::load_text(
      "services:\n  web:\n    image: a\n    command: [\"echo\", \"$$HOME\"]\n    environment: {P: 'pa$$word'}\n").project;
  EXPECT_EQ(first.services.at("web").command->at(1), "$HOME");
  Node tree = encode_project(first);
  escape_dollars(tree);
  Project second = testing::load_text(to_yaml(tree)).project;
  EXPECT_EQ(second.services.at("web").command->at(1), "$HOME");
  EXPECT_EQ(second.services.at("web").environment.at("P"), "pa$word");
}

}  // namespace
}  // namespace berth::compose
