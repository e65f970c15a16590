#include "compose/yaml_reader.h"

#include <gtest/gtest.h>

#include "tests/compose/loader_test_support.h"

namespace berth::compose {
namespace {

using testing::contains;
using testing::error_of;
using testing::yaml;

TEST(YamlReader, ScalarsKeepTheirTextAndWhetherTheyWereQuoted) {
  Node doc = yaml("a: 1\nb: \"1\"\nc: 'x'\nd: plain\ne:\n");
  EXPECT_EQ(doc.find("a")->text(), "1");
  EXPECT_FALSE(doc.find("a")->quoted());
  EXPECT_TRUE(doc.find("b")->quoted());
  EXPECT_TRUE(doc.find("c")->quoted());
  EXPECT_FALSE(doc.find("d")->quoted());
  EXPECT_TRUE(doc.find("e")->plain_null());
}

TEST(YamlReader, MappingsKeepTheirOrderAndMarks) {
  Node doc = yaml("zeta: 1\nalpha:\n  beta: x\n");
  ASSERT_EQ(doc.entries().size(), 2u);
  EXPECT_EQ(doc.entries()[0].key, "zeta");
  EXPECT_EQ(doc.entries()[1].key, "alpha");
  EXPECT_EQ(doc.entries()[1].key_mark.line, 2);
  EXPECT_EQ(doc.entries()[1].key_mark.column, 1);
  const Node* beta = doc.find("alpha")->find("beta");
  EXPECT_EQ(beta->mark().line, 3);
  EXPECT_EQ(beta->mark().column, 9);
  EXPECT_EQ(*beta->mark().file, "test.yaml");
}

TEST(YamlReader, AnchorsAndAliasesCopyTheValue) {
  Node doc = yaml("x: &v [a, b]\ny: *v\n");
  ASSERT_TRUE(doc.find("y")->is_sequence());
  ASSERT_EQ(doc.find("y")->items().size(), 2u);
  EXPECT_EQ(doc.find("y")->items()[1].text(), "b");
}

TEST(YamlReader, MergeKeyAddsTheKeysNotSetExplicitly) {
  Node doc = yaml(
      "base: &base {image: busybox, restart: always}\n"
      "svc:\n  <<: *base\n  restart: \"no\"\n");
  const Node* svc = doc.find("svc");
  EXPECT_EQ(svc->find("image")->text(), "busybox");
  EXPECT_EQ(svc->find("restart")->text(), "no");
  EXPECT_EQ(svc->find("<<"), nullptr);
}

TEST(YamlReader, ExplicitKeysWinEvenWhenWrittenBeforeTheMerge) {
  Node doc = yaml("base: &base {a: 1, b: 2}\nsvc:\n  a: 9\n  <<: *base\n");
  EXPECT_EQ(doc.find("svc")->find("a")->text(), "9");
  EXPECT_EQ(doc.find("svc")->find("b")->text(), "2");
}

TEST(YamlReader, MergeKeyWithAListTheFirstMappingWins) {
  Node doc = yaml(
      "one: &one {a: 1, b: 1}\ntwo: &two {b: 2, c: 2}\n"
      "svc:\n  <<: [*one, *two]\n  d: 4\n");
  const Node* svc = doc.find("svc");
  EXPECT_EQ(svc->find("a")->text(), "1");
  EXPECT_EQ(svc->find("b")->text(), "1");
  EXPECT_EQ(svc->find("c")->text(), "2");
  EXPECT_EQ(svc->find("d")->text(), "4");
}

TEST(YamlReader, MergeKeyOfAScalarIsAnError) {
  Error e = error_of([] { yaml("svc:\n  <<: hello\n"); });
  EXPECT_TRUE(contains(e.message(), "merge key")) << e.message();
  EXPECT_EQ(e.where().line, 2);
}

TEST(YamlReader, QuotedMergeKeyIsAnOrdinaryKey) {
  Node doc = yaml("svc:\n  \"<<\": x\n");
  EXPECT_EQ(doc.find("svc")->find("<<")->text(), "x");
}

TEST(YamlReader, DuplicateKeysAreAnErrorAtTheSecondKey) {
  Error e = error_of([] { yaml("services:\n  web:\n    image: a\n    image: b\n"); });
  EXPECT_TRUE(contains(e.message(), "duplicate key 'image'")) << e.message();
  EXPECT_EQ(e.where().file, "test.yaml");
  EXPECT_EQ(e.where().line, 4);
  EXPECT_EQ(e.where().column, 5);
  EXPECT_FALSE(e.hint().empty());
}

TEST(YamlReader, DuplicateKeysInALargeMappingAndThroughAMerge) {
  std::string big = "m:\n";
  for (int i = 0; i < 40; ++i) big += "  k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  EXPECT_EQ(yaml(big).find("m")->size(), 40u);
  Error e = error_of([&] { yaml(big + "  k7: again\n"); });
  EXPECT_TRUE(contains(e.message(), "duplicate key 'k7'")) << e.message();
  EXPECT_EQ(e.where().line, 42);
  // A key from a merge never duplicates one written explicitly.
  Node merged = yaml("b: &b {k3: from_merge, extra: 1}\n" + big + "  <<: *b\n");
  EXPECT_EQ(merged.find("m")->size(), 41u);
  EXPECT_EQ(merged.find("m")->find("k3")->text(), "3");
}

TEST(YamlReader, InvalidUtf8IsAnErrorWithItsPlace) {
  Error e = error_of([] { yaml("a: 1\nb: caf\xe9 x\n"); });
  EXPECT_TRUE(contains(e.message(), "UTF-8")) << e.message();
  EXPECT_EQ(e.where().line, 2);
  EXPECT_EQ(e.where().column, 7);
}

TEST(YamlReader, FindInvalidUtf8) {
  EXPECT_EQ(find_invalid_utf8("plain ascii"), std::string_view::npos);
  EXPECT_EQ(find_invalid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3"), std::string_view::npos);
  EXPECT_EQ(find_invalid_utf8("ab\xc3"), 2u);                    // truncated
  EXPECT_EQ(find_invalid_utf8("\xc0\xaf"), 0u);                  // overlong
  EXPECT_EQ(find_invalid_utf8("x\xed\xa0\x80"), 1u);             // surrogate
  EXPECT_EQ(find_invalid_utf8("\xf4\x90\x80\x80"), 0u);          // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("\x80"), 0u);                      // stray continuation
}

TEST(YamlReader, DeepNestingIsAnError) {
  std::string deep(600, '[');
  deep += std::string(600, ']');
  Error e = error_of([&] { yaml("a: " + deep + "\n"); });
  EXPECT_TRUE(contains(e.message(), "deep") || contains(e.message(), "invalid YAML")) << e.message();
}

TEST(YamlReader, NestingWithinTheLimitLoads) {
  std::string nested(100, '[');
  nested += std::string(100, ']');
  Node doc = yaml("a: " + nested + "\n");
  EXPECT_TRUE(doc.find("a")->is_sequence());
}

TEST(YamlReader, AliasBombIsAnError) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", " : "") + "*" + static_cast<char>(c - 1);
    bomb += "]\n";
  }
  Error e = error_of([&] { yaml(bomb); });
  EXPECT_TRUE(contains(e.message(), "alias bomb")) << e.message();
}

TEST(YamlReader, NodeLimitIsConfigurable) {
  YamlLimits small;
  small.max_nodes = 10;
  EXPECT_NO_THROW(read_yaml("a: [1, 2, 3]\n", "t.yaml", small));
  EXPECT_THROW(read_yaml("a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\n", "t.yaml", small), Error);
}

TEST(YamlReader, SeveralDocumentsAreAnError) {
  Error e = error_of([] { yaml("a: 1\n---\nb: 2\n"); });
  EXPECT_TRUE(contains(e.message(), "2 YAML documents")) << e.message();
  EXPECT_EQ(e.where().line, 3);
  EXPECT_EQ(read_yaml_documents("a: 1\n---\nb: 2\n", "t.yaml").size(), 2u);
}

TEST(YamlReader, EmptyFileAndNonMappingTopLevelAreErrors) {
  EXPECT_TRUE(contains(error_of([] { yaml(""); }).message(), "empty"));
  EXPECT_TRUE(contains(error_of([] { yaml("# only a comment\n"); }).message(), "empty"));
  Error e = error_of([] { yaml("- a\n- b\n"); });
  EXPECT_TRUE(contains(e.message(), "must be a mapping")) << e.message();
}

TEST(YamlReader, SyntaxErrorsHaveLineAndColumn) {
  Error e = error_of([] { yaml("services:\n  web:\n    image: \"unterminated\n"); });
  EXPECT_TRUE(contains(e.message(), "invalid YAML")) << e.message();
  EXPECT_GT(e.where().line, 0);
  EXPECT_EQ(e.where().file, "test.yaml");
}

TEST(YamlReader, TabIndentationHasItsOwnHint) {
  Error e = error_of([] { yaml("services:\n  web:\n\timage: a\n"); });
  EXPECT_EQ(e.where().line, 3);
  EXPECT_EQ(e.where().column, 1);
  EXPECT_TRUE(contains(e.hint(), "not tabs")) << e.hint();
}

TEST(YamlReader, NonScalarKeysAreAnError) {
  Error e = error_of([] { yaml("? [a, b]\n: c\n"); });
  EXPECT_TRUE(contains(e.message(), "key must be a string")) << e.message();
}

TEST(YamlReader, ResetAndOverrideTagsAreKept) {
  Node doc = yaml("a: !reset []\nb: !override {x: 1}\nc: !!str 5\n");
  EXPECT_EQ(doc.find("a")->tag(), "!reset");
  EXPECT_EQ(doc.find("b")->tag(), "!override");
  EXPECT_EQ(doc.find("c")->tag(), "");
  EXPECT_TRUE(doc.find("c")->quoted());  // an explicitly tagged scalar is a string
}

}  // namespace
}  // namespace berth::compose
