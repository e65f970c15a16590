#include "compose/yaml_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/compose/loader_test_support.h"

namespace berth::compose {
namespace {

using testing::yaml;

// A string written and read back.
Node round_trip(const std::string& value) {
  Node doc = Node::mapping();
  doc.set("v", Node::scalar(value));
  return yaml(to_yaml(doc));
}

TEST(YamlWriter, StringsThatLookLikeOtherTypesStayStrings) {
  for (const char* s : {"1", "1.5", "0x1F", "0o17", "1e3", "-2", "+3", ".5", "1_000", "12:30", "true", "False",
                        "yes", "no", "on", "off", "y", "N", "null", "~", "", ".inf", "-.inf", ".nan", "<<", "="}) {
    Node back = round_trip(s);
    const Node* v = back.find("v");
    ASSERT_NE(v, nullptr) << s;
    EXPECT_TRUE(v->is_scalar()) << s;
    EXPECT_TRUE(v->quoted()) << "'" << s << "' came back as a plain scalar";
    EXPECT_EQ(v->text(), s);
  }
}

TEST(YamlWriter, SpecialCharactersSurvive) {
  for (const char* s : {"a: b", "a #b", "#x", "- x", "-x", "? x", "[x]", "{x}", "a,b", "x\ty", "quote\"s",
                        "back\\slash", "'single'", "*star", "&amp", "!bang", "|pipe", ">gt", "%pct", "@at",
                        "`tick", " lead", "trail ", "bell\x07", "caf\xc3\xa9", "a:b", "http://x:80/y"}) {
    Node back = round_trip(s);
    ASSERT_NE(back.find("v"), nullptr) << s;
    EXPECT_EQ(back.find("v")->text(), s) << to_yaml(back);
  }
}

TEST(YamlWriter, PlainWhenSafe) {
  Node doc = Node::mapping();
  doc.set("image", Node::scalar("nginx:1.25"));
  doc.set("port", Node::scalar("80", {}, false));
  doc.set("flag", Node::scalar("true", {}, false));
  doc.set("none", Node::null());
  EXPECT_EQ(to_yaml(doc), "image: nginx:1.25\nport: 80\nflag: true\nnone: null\n");
}

TEST(YamlWriter, MultiLineStringsAreLiteralBlocks) {
  Node doc = Node::mapping();
  doc.set("script", Node::scalar("echo one\necho two\n"));
  doc.set("nofinal", Node::scalar("a\n\nb"));
  doc.set("many", Node::scalar("x\n\n\n"));
  std::string text = to_yaml(doc);
  EXPECT_EQ(text.substr(0, 35), "script: |\n  echo one\n  echo two\nnof") << text;
  Node back = yaml(text);
  EXPECT_EQ(back.find("script")->text(), "echo one\necho two\n");
  EXPECT_EQ(back.find("nofinal")->text(), "a\n\nb");
  EXPECT_EQ(back.find("many")->text(), "x\n\n\n");
  for (const char* s : {"\nleading newline", " indented\nsecond", "trailing space \nx", "tab\tin\nblock", "cr\r\nlf"})
    EXPECT_EQ(round_trip(s).find("v")->text(), s);
}

TEST(YamlWriter, NestedCollections) {
  Node doc = yaml("a:\n  - x: 1\n    y: [p, q]\n  - []\n  - {}\n  - - nested\nb: {}\nc: []\n");
  std::string text = to_yaml(doc);
  // "y" reads as a boolean in YAML 1.1: quoted even as a key.
  EXPECT_EQ(text, "a:\n  - x: 1\n    \"y\":\n      - p\n      - q\n  - []\n  - {}\n  -\n    - nested\nb: {}\nc: []\n");
  EXPECT_EQ(to_json(yaml(text), -1), to_json(doc, -1));
}

TEST(YamlWriter, KeysAreQuotedWhenNeeded) {
  Node doc = Node::mapping();
  doc.set("com.example: x", Node::scalar("1"));
  doc.set("true", Node::scalar("2"));
  Node back = yaml(to_yaml(doc));
  EXPECT_EQ(back.find("com.example: x")->text(), "1");
  EXPECT_EQ(back.find("true")->text(), "2");
}

TEST(YamlWriter, Json) {
  Node doc = yaml("s: \"80\"\nn: 80\nf: 1.5\nb: true\nz: null\nl: [a, 1]\nm: {k: v}\nt: True\n");
  EXPECT_EQ(to_json(doc, -1),
            R"({"s":"80","n":80,"f":1.5,"b":true,"z":null,"l":["a",1],"m":{"k":"v"},"t":"True"})" "\n");
  EXPECT_EQ(to_json(yaml("a: 1\n")), "{\n  \"a\": 1\n}\n");
}

TEST(YamlWriter, JsonEscapesAndInvalidUtf8) {
  Node doc = Node::mapping();
  doc.set("q", Node::scalar("a\"b\\c\n\x01"));
  auto parsed = nlohmann::json::parse(to_json(doc));
  EXPECT_EQ(parsed["q"], "a\"b\\c\n\x01");
  Node bad = Node::mapping();
  bad.set("x", Node::scalar("\xff"));
  EXPECT_NO_THROW(nlohmann::json::parse(to_json(bad)));
}

TEST(YamlWriter, EmptyRoot) {
  EXPECT_EQ(to_yaml(Node::mapping()), "{}\n");
  EXPECT_EQ(to_json(Node::mapping(), -1), "{}\n");
}

}  // namespace
}  // namespace berth::compose
