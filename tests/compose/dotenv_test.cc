#include "compose/dotenv.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <string>

#include "util/fs.h"

namespace berth::compose {
namespace {

using Vars = std::map<std::string, std::string, std::less<>>;

Lookup env(Vars vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const Lookup& no_env() {
  static const Lookup lookup = env({});
  return lookup;
}

std::vector<DotenvEntry> parse(std::string_view text, const Lookup& lookup = no_env(),
                               DotenvFormat format = DotenvFormat::Interpolated) {
  return parse_dotenv(text, "test.env", lookup, format);
}

std::vector<DotenvEntry> parse_raw(std::string_view text, const Lookup& lookup = no_env()) {
  return parse(text, lookup, DotenvFormat::Raw);
}

Vars as_map(const std::vector<DotenvEntry>& entries) {
  Vars out;
  for (const DotenvEntry& e : entries) out[e.name] = e.value;
  return out;
}

// The value of the single entry `text` defines.
std::string value_of(std::string_view text, const Lookup& lookup = no_env()) {
  std::vector<DotenvEntry> entries = parse(text, lookup);
  if (entries.size() != 1) {
    ADD_FAILURE() << "\"" << text << "\" gave " << entries.size() << " entries";
    return "<none>";
  }
  return entries[0].value;
}

std::string key_of(std::string_view text) {
  std::vector<DotenvEntry> entries = parse(text);
  if (entries.size() != 1) {
    ADD_FAILURE() << "\"" << text << "\" gave " << entries.size() << " entries";
    return "<none>";
  }
  return entries[0].name;
}

Error parse_error(std::string_view text, DotenvFormat format = DotenvFormat::Interpolated,
                  const Lookup& lookup = no_env()) {
  try {
    parse(text, lookup, format);
    ADD_FAILURE() << "no error for \"" << text << "\"";
  } catch (const Error& e) {
    return e;
  }
  return Error("no error");
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// ----- the default (interpolated) format -----

TEST(Dotenv, EmptyAndBlankFilesHaveNoEntries) {
  EXPECT_TRUE(parse("").empty());
  EXPECT_TRUE(parse("\n\n  \t\n").empty());
  EXPECT_TRUE(parse("\r\n").empty());
  EXPECT_TRUE(parse("# a comment").empty());
  EXPECT_TRUE(parse("\t # indented comment\n# another\n").empty());
}

TEST(Dotenv, EntriesInOrderWithTheirLines) {
  std::vector<DotenvEntry> entries = parse("# header\nONE=1\n\nTWO='2'\nTHREE = \"3\"");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].name, "ONE");
  EXPECT_EQ(entries[0].value, "1");
  EXPECT_EQ(entries[0].line, 2);
  EXPECT_EQ(entries[1].name, "TWO");
  EXPECT_EQ(entries[1].value, "2");
  EXPECT_EQ(entries[1].line, 4);
  EXPECT_EQ(entries[2].name, "THREE");
  EXPECT_EQ(entries[2].value, "3");
  EXPECT_EQ(entries[2].line, 5);
}

TEST(Dotenv, SpacesAroundTheSeparator) {
  EXPECT_EQ(value_of("FOO =bar"), "bar");
  EXPECT_EQ(value_of("FOO= bar"), "bar");
  EXPECT_EQ(value_of("FOO  =  bar"), "bar");
  EXPECT_EQ(key_of(" KEY =value"), "KEY");
  EXPECT_EQ(key_of("   KEY=value"), "KEY");
  EXPECT_EQ(key_of("\tKEY=value"), "KEY");
}

TEST(Dotenv, YamlStyleColonSeparator) {
  EXPECT_EQ(value_of("OPTION_A: 1"), "1");
  EXPECT_EQ(value_of("OPTION_A: Foo=bar"), "Foo=bar");
  EXPECT_EQ(value_of("OPTION_A=1:B"), "1:B");
  EXPECT_EQ(value_of("URL=http://example.com:8080/x?y=z"), "http://example.com:8080/x?y=z");
}

TEST(Dotenv, ExportPrefix) {
  EXPECT_EQ(key_of("export OPTION_A=2"), "OPTION_A");
  EXPECT_EQ(key_of("export\tOPTION_A=2"), "OPTION_A");
  EXPECT_EQ(key_of("  export OPTION_A=2"), "OPTION_A");
  EXPECT_EQ(key_of("\texport   OPTION_A=2"), "OPTION_A");
  EXPECT_EQ(value_of("export OPTION_A=\"export A\""), "export A");
  EXPECT_EQ(value_of("export OPTION_B='\\n'"), "\\n");
  // Only `export` and a space is a prefix.
  EXPECT_EQ(key_of("export exportFoo=2"), "exportFoo");
  EXPECT_EQ(key_of("exportFOO=2"), "exportFOO");
  EXPECT_EQ(key_of("export_FOO =2"), "export_FOO");
  EXPECT_EQ(key_of("export.FOO= 2"), "export.FOO");
  EXPECT_EQ(key_of("export=1"), "export");
}

TEST(Dotenv, NamesWithDotsDashesBracketsAndLetters) {
  EXPECT_EQ(as_map(parse("VAR-WITH-DASHES=dashes\nVAR.WITH.DOTS=dots\n"
                         "VAR_WITH_UNDERSCORES=underscores\nARR[0]=a\nlower=l\n\xC3\x9C" "BER=u")),
            (Vars{{"VAR-WITH-DASHES", "dashes"},
                  {"VAR.WITH.DOTS", "dots"},
                  {"VAR_WITH_UNDERSCORES", "underscores"},
                  {"ARR[0]", "a"},
                  {"lower", "l"},
                  {"\xC3\x9C" "BER", "u"}}));
}

TEST(Dotenv, UnquotedValues) {
  EXPECT_EQ(value_of("FOO=bar"), "bar");
  EXPECT_EQ(value_of("FOO=bar "), "bar");  // trimmed on the right
  EXPECT_EQ(value_of("FOO=bar\t\r\n"), "bar");
  EXPECT_EQ(value_of("FOO=foobar="), "foobar=");
  EXPECT_EQ(value_of("FOO="), "");
  EXPECT_EQ(value_of("FOO=\n"), "");
  EXPECT_EQ(value_of("FOO=a b  c"), "a b  c");
  EXPECT_EQ(value_of("FOO=a\\tb"), "a\\tb");  // no escapes outside double quotes
  EXPECT_EQ(value_of("FOO=some\\tvalue"), "some\\tvalue");
  EXPECT_EQ(value_of("FOO=it's"), "it's");
  EXPECT_EQ(value_of("FOO=a\"b"), "a\"b");
}

TEST(Dotenv, InlineCommentsInUnquotedValuesNeedASpace) {
  EXPECT_EQ(value_of("FOO=bar # this is foo"), "bar");
  EXPECT_EQ(value_of("FOO=bar #this is foo"), "bar");
  EXPECT_EQ(value_of("FOO=bar #"), "bar");
  EXPECT_EQ(value_of("FOO=123#not-an-inline-comment"), "123#not-an-inline-comment");
  EXPECT_EQ(value_of("VAR=VAL# not a comment"), "VAL# not a comment");
  // As in compose-go, spaces after `=` are skipped first, so an empty value followed by a comment
  // is the comment.
  EXPECT_EQ(value_of("EMPTY= # optional"), "# optional");
  // awesome-wireguard/.env
  EXPECT_EQ(value_of("VPN_SERVER_URL=your-domain.dyndns.com # free examples "
                     "http://www.duckdns.org/ and https://www.noip.com/"),
            "your-domain.dyndns.com");
}

TEST(Dotenv, DoubleQuotedValues) {
  EXPECT_EQ(value_of("FOO=\"bar\""), "bar");
  EXPECT_EQ(value_of("FOO=\"\""), "");
  EXPECT_EQ(value_of("FOO=\"  padded  \""), "  padded  ");
  EXPECT_EQ(value_of(R"(FOO="escaped\"bar")"), R"(escaped"bar)");
  EXPECT_EQ(value_of(R"(FOO="\"quoted\"")"), R"("quoted")");
  EXPECT_EQ(value_of(R"(FOO="'d'")"), "'d'");
  EXPECT_EQ(value_of(R"(VAR="{\"hello\": \"json\"}")"), R"({"hello": "json"})");
  EXPECT_EQ(value_of(R"(FOO="ba#r")"), "ba#r");
  EXPECT_EQ(value_of(R"(FOO="VAL # not a comment")"), "VAL # not a comment");
}

TEST(Dotenv, CommentsAfterTheClosingQuote) {
  EXPECT_EQ(value_of(R"(FOO="bar#baz" # comment)"), "bar#baz");
  EXPECT_EQ(value_of(R"(FOO="bar#baz"#)"), "bar#baz");
  EXPECT_EQ(value_of("FOO='bar#baz' # comment"), "bar#baz");
  EXPECT_EQ(value_of(R"(FOO="bar#baz#bang" # comment)"), "bar#baz#bang");
}

TEST(Dotenv, DoubleQuotedEscapes) {
  EXPECT_EQ(value_of(R"(FOO="bar\nbaz")"), "bar\nbaz");
  EXPECT_EQ(value_of(R"(FOO="a\tb")"), "a\tb");
  EXPECT_EQ(value_of(R"(KEY="Z\aZ\bZ\fZ\nZ\rZ\tZ\vZ\\Z\0123Z")"), "Z\aZ\bZ\fZ\nZ\rZ\tZ\vZ\\ZSZ");
  EXPECT_EQ(value_of(R"(FOO="bar\n\ b\az")"), "bar\n\\ b\az");
  EXPECT_EQ(value_of(R"(FOO="bar\\\n\ b\az")"), "bar\\\n\\ b\az");
  EXPECT_EQ(value_of(R"(FOO="bar\\r\ b\az")"), "bar\\r\\ b\az");
  EXPECT_EQ(value_of(R"(FOO="bar\nbaz\\")"), "bar\nbaz\\");
  // Escapes compose-go does not know stay as written.
  EXPECT_EQ(value_of(R"(KEY="\x07")"), R"(\x07)");
  EXPECT_EQ(value_of(R"(KEY="\u12e4")"), R"(\u12e4)");
  EXPECT_EQ(value_of(R"(KEY="\U00101234")"), R"(\U00101234)");
  EXPECT_EQ(value_of(R"(KEY="\c\q\'")"), R"(\c\q\')");
}

TEST(Dotenv, OctalEscapesNeedThreeOctalDigits) {
  EXPECT_EQ(value_of(R"(KEY="\0123")"), "S");
  EXPECT_EQ(value_of(R"(KEY="\01234")"), "S4");
  EXPECT_EQ(value_of(R"(KEY="\0101\0102")"), "AB");
  EXPECT_EQ(value_of(R"(KEY="\012")"), R"(\012)");
  EXPECT_EQ(value_of(R"(KEY="\0")"), R"(\0)");
  EXPECT_EQ(value_of(R"(KEY="\0089")"), R"(\0089)");
  EXPECT_EQ(value_of(R"(KEY="\0400")"), R"(\0400)");  // above 0377
}

TEST(Dotenv, SingleQuotedValuesAreLiteral) {
  EXPECT_EQ(value_of("FOO='bar'"), "bar");
  EXPECT_EQ(value_of("FOO=''"), "");
  EXPECT_EQ(value_of("VAR='$OTHER'", env({{"OTHER", "x"}})), "$OTHER");
  EXPECT_EQ(value_of("VAR='${OTHER}'", env({{"OTHER", "x"}})), "${OTHER}");
  EXPECT_EQ(value_of("VAR='some\\tvalue'"), "some\\tvalue");
  EXPECT_EQ(value_of("VAR='Let\\'s go!'"), "Let's go!");
  EXPECT_EQ(value_of("FOO=\"'\""), "'");
  EXPECT_EQ(value_of("FOO='\"'"), "\"");
  // podman env_file_tests
  EXPECT_EQ(value_of("ZZVAR2='This value is loaded from .env in project/ directory'"),
            "This value is loaded from .env in project/ directory");
}

TEST(Dotenv, MultiLineValues) {
  std::vector<DotenvEntry> entries = parse(
      "OPTION_J=\"first line\nsecond line\nthird line\nand so on\"\n"
      "SINGLE='one\ntwo'\n"
      "AFTER=x\n");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].value, "first line\nsecond line\nthird line\nand so on");
  EXPECT_EQ(entries[0].line, 1);
  EXPECT_EQ(entries[1].value, "one\ntwo");
  EXPECT_EQ(entries[1].line, 5);
  EXPECT_EQ(entries[2].line, 7);
  EXPECT_EQ(value_of("TEST_URLS=\"stratum+tcp://a:3333\nstratum+tcp://b:443\""),
            "stratum+tcp://a:3333\nstratum+tcp://b:443");
}

TEST(Dotenv, WindowsLineEndings) {
  EXPECT_EQ(as_map(parse("A=1\r\nB=\"2\"\r\nC='3'\r\n# c\r\n\r\nD=4 # x\r\n")),
            (Vars{{"A", "1"}, {"B", "2"}, {"C", "3"}, {"D", "4"}}));
}

TEST(Dotenv, ByteOrderMarkIsSkipped) {
  EXPECT_EQ(as_map(parse("\xEF\xBB\xBFOPTION_A=1\nOPTION_B=2")),
            (Vars{{"OPTION_A", "1"}, {"OPTION_B", "2"}}));
}

TEST(Dotenv, NoTrailingNewline) {
  EXPECT_EQ(as_map(parse("FOO=bar\nQUIX=")), (Vars{{"FOO", "bar"}, {"QUIX", ""}}));  // publish.env
  EXPECT_EQ(as_map(parse("ROOT=root\nWIN=root")), (Vars{{"ROOT", "root"}, {"WIN", "root"}}));
}

TEST(Dotenv, InterpolationFromEarlierEntries) {
  EXPECT_EQ(as_map(parse("FOO=test\nBAR=$FOO")), (Vars{{"FOO", "test"}, {"BAR", "test"}}));
  EXPECT_EQ(as_map(parse("FOO=test\nBAR=${FOO}bar")), (Vars{{"FOO", "test"}, {"BAR", "testbar"}}));
  EXPECT_EQ(as_map(parse("FOO=test\nBAR=\"quote $FOO\"")),
            (Vars{{"FOO", "test"}, {"BAR", "quote test"}}));
  EXPECT_EQ(as_map(parse("BAR='quote $FOO'")), (Vars{{"BAR", "quote $FOO"}}));
  EXPECT_EQ(as_map(parse("BAR=$FOO")), (Vars{{"BAR", ""}}));  // undefined: empty
  EXPECT_EQ(as_map(parse("A=1\nB=${A}\nC=$B\nD=${A}_${B}\nE=${NOT_DEFINED}")),
            (Vars{{"A", "1"}, {"B", "1"}, {"C", "1"}, {"D", "1_1"}, {"E", ""}}));
}

TEST(Dotenv, EscapedDollarIsNotInterpolated) {
  Lookup lookup = env({{"BAR", "no"}});
  EXPECT_EQ(value_of(R"(FOO="foo\$BAR")", lookup), "foo$BAR");
  EXPECT_EQ(value_of(R"(FOO="foo\${BAR}")", lookup), "foo${BAR}");
  EXPECT_EQ(as_map(parse("FOO=test\nBAR=\"foo\\${FOO} ${FOO}\"")),
            (Vars{{"FOO", "test"}, {"BAR", "foo${FOO} test"}}));
  EXPECT_EQ(value_of("FOO=$$BAR", lookup), "$BAR");
  EXPECT_EQ(value_of("FOO=\"$$BAR\"", lookup), "$BAR");
  EXPECT_EQ(value_of("FOO=\\$BAR", lookup), "\\no");  // unquoted: no escapes
}

TEST(Dotenv, InterpolationForms) {
  Lookup lookup = env({{"SET", "v"}, {"EMPTY", ""}});
  EXPECT_EQ(value_of("A=${SET:-d}", lookup), "v");
  EXPECT_EQ(value_of("A=${EMPTY:-d}", lookup), "d");
  EXPECT_EQ(value_of("A=${EMPTY-d}", lookup), "");
  EXPECT_EQ(value_of("A=${SET:+alt}", lookup), "alt");
  EXPECT_EQ(value_of("A=\"${NOPE:-${SET:-x}}\"", lookup), "v");
  EXPECT_EQ(value_of("A=${NOPE:-$SET}", lookup), "v");
  EXPECT_EQ(value_of("A=cost $5", lookup), "cost $5");
}

TEST(Dotenv, TheEnvironmentWinsOverEarlierEntriesInsideTheFile) {
  // compose-go's TestSubstitutionsWithEnvFilePrecedence: the file keeps its own OPTION_A, but
  // references to it see the environment's.
  Lookup lookup = env({{"OPTION_A", "5"}});
  EXPECT_EQ(as_map(parse("OPTION_A=1\nOPTION_B=${OPTION_A}\nOPTION_C=$OPTION_B\n"
                         "OPTION_D=${OPTION_A}_${OPTION_B}\nOPTION_E=${OPTION_NOT_DEFINED}",
                         lookup)),
            (Vars{{"OPTION_A", "1"},
                  {"OPTION_B", "5"},
                  {"OPTION_C", "5"},
                  {"OPTION_D", "5_5"},
                  {"OPTION_E", ""}}));
}

TEST(Dotenv, DefaultsFromTheEnvironment) {
  // dockere2e-dotenv__development__compose/.env and dockere2e-dotenv__raw/.env
  std::string_view text =
      "IMAGE_NAME=\"${IMAGE_NAME:-backend}\"\nIMAGE_TAG=\"${IMAGE_TAG:-latest}\"\n"
      "COMPOSE_FILE=\"${COMPOSE_FILE:-development/compose.yaml}\"\n";
  EXPECT_EQ(as_map(parse(text)), (Vars{{"IMAGE_NAME", "backend"},
                                        {"IMAGE_TAG", "latest"},
                                        {"COMPOSE_FILE", "development/compose.yaml"}}));
  EXPECT_EQ(as_map(parse(text, env({{"IMAGE_TAG", "v2"}})))["IMAGE_TAG"], "v2");
}

TEST(Dotenv, BareNameTakesItsValueFromTheLookup) {
  Lookup lookup = env({{"FROM_ENV", "env value"}, {"EMPTY", ""}});
  std::vector<DotenvEntry> entries = parse("FROM_ENV\nfoo=bar\nNOT_SET\nEMPTY\nbar=baz", lookup);
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].name, "FROM_ENV");
  EXPECT_EQ(entries[0].value, "env value");
  EXPECT_EQ(entries[0].line, 1);
  EXPECT_EQ(entries[2].name, "EMPTY");  // set but empty is kept
  EXPECT_EQ(entries[2].value, "");
  EXPECT_EQ(as_map(entries).count("NOT_SET"), 0u);
  // ... also as the last line, and with spaces around it.
  EXPECT_EQ(as_map(parse("  FROM_ENV  ", lookup)), (Vars{{"FROM_ENV", "env value"}}));
  EXPECT_TRUE(parse("NOT_SET", lookup).empty());
  EXPECT_TRUE(parse("NOT_SET", Lookup()).empty());  // no lookup at all
}

TEST(Dotenv, UnsetBareNameLeavesAnEarlierDefinition) {
  EXPECT_EQ(as_map(parse("A=1\nA\n")), (Vars{{"A", "1"}}));
  EXPECT_EQ(as_map(parse("A=1\nA\n", env({{"A", "2"}}))), (Vars{{"A", "2"}}));
}

TEST(Dotenv, ALaterDefinitionReplacesTheValueInPlace) {
  std::vector<DotenvEntry> entries = parse("A=1\nB=2\nA=3\nC=$A");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].name, "A");
  EXPECT_EQ(entries[0].value, "3");
  EXPECT_EQ(entries[0].line, 3);
  EXPECT_EQ(entries[2].value, "3");
}

TEST(Dotenv, TextAfterAClosingQuoteStartsANewStatement) {
  // As in compose-go: the rest of the line is read like a new line.
  EXPECT_EQ(as_map(parse("A=\"x\" B=y")), (Vars{{"A", "x"}, {"B", "y"}}));
}

TEST(Dotenv, ComposeGoFullExampleEnvFile) {
  std::string_view text =
      "# passed through\nFOO=foo_from_env_file\nENV.WITH.DOT=ok\nENV_WITH_UNDERSCORE=ok\n\n"
      "# overridden in example2.env\nBAR=bar_from_env_file\n\n"
      "# overridden in full-example.yml\nBAZ=baz_from_env_file\n";
  EXPECT_EQ(as_map(parse(text)), (Vars{{"FOO", "foo_from_env_file"},
                                        {"ENV.WITH.DOT", "ok"},
                                        {"ENV_WITH_UNDERSCORE", "ok"},
                                        {"BAR", "bar_from_env_file"},
                                        {"BAZ", "baz_from_env_file"}}));
}

TEST(Dotenv, PiholeEnvFile) {
  std::string_view text =
      "TIMEZONE=Etc/UTC\nPIHOLE_PW=changeit\n# Default values for CONDITIONAL_FORWARDING with AVM "
      "FRITZ!Box\nPIHOLE_ROUTER_IP=192.168.178.1\nPIHOLE_HOST_IPV6=\n";
  EXPECT_EQ(as_map(parse(text)), (Vars{{"TIMEZONE", "Etc/UTC"},
                                        {"PIHOLE_PW", "changeit"},
                                        {"PIHOLE_ROUTER_IP", "192.168.178.1"},
                                        {"PIHOLE_HOST_IPV6", ""}}));
}

// ----- errors -----

TEST(DotenvErrors, UnterminatedQuotes) {
  for (std::string_view text : {R"(KEY=")", R"(KEY="value)", R"(KEY="value\")", R"(KEY="value')",
                                R"(KEY=')", R"(KEY='value)", R"(KEY='value\')", R"(KEY='value")"}) {
    Error e = parse_error(text);
    EXPECT_TRUE(contains(e.message(), "unterminated quoted value")) << text << ": " << e.message();
    EXPECT_EQ(e.where().file, "test.env");
    EXPECT_EQ(e.where().line, 1);
    EXPECT_EQ(e.where().column, 5);
  }
}

TEST(DotenvErrors, UnterminatedQuoteNamesTheLineItOpensOn) {
  Error e = parse_error("A=1\nB=2\nC=\"never closed\nmore\nlines\n");
  EXPECT_EQ(e.where().line, 3);
  EXPECT_EQ(e.message(), "unterminated quoted value \"never closed");
  EXPECT_TRUE(contains(e.hint(), "\""));
}

TEST(DotenvErrors, InvalidCharacterInName) {
  Error e = parse_error("lol$wut");
  EXPECT_EQ(e.message(), "unexpected character '$' in variable name \"lol$wut\"");
  EXPECT_EQ(e.where().line, 1);
  EXPECT_EQ(e.where().column, 4);
  EXPECT_FALSE(e.hint().empty());
  EXPECT_EQ(parse_error("A=1\n  B/C=2").where().line, 2);
  EXPECT_EQ(parse_error("A=1\n  B/C=2").where().column, 4);
  EXPECT_TRUE(contains(parse_error("\"KEY\"=1").message(), "unexpected character '\"'"));
  EXPECT_TRUE(contains(parse_error("A\xFF=1").message(), "invalid UTF-8"));
}

TEST(DotenvErrors, LineWithNoName) {
  Error e = parse_error("A=1\n=value");
  EXPECT_EQ(e.message(), "no variable name before '='");
  EXPECT_EQ(e.where().line, 2);
  EXPECT_EQ(e.where().column, 1);
  EXPECT_EQ(parse_error(": value").message(), "no variable name before ':'");
  EXPECT_EQ(parse_error("export =1").message(), "no variable name before '='");
  EXPECT_EQ(parse_error("export   \n").message(), "\"export\" without a variable name");
}

TEST(DotenvErrors, NameWithASpace) {
  Error e = parse_error("A=1\n\n\nKEY WITH SPACE=1");
  EXPECT_EQ(e.message(), "variable name \"KEY WITH SPACE\" contains a space");
  EXPECT_EQ(e.where().line, 4);
  EXPECT_EQ(parse_error("A B").message(), "variable name \"A B\" contains a space");
}

TEST(DotenvErrors, ErrorsAfterMultiLineValuesNameTheRightLine) {
  Error e = parse_error("A=\"x\ny\"\nB='1\n2\n3'\nlol$wut");
  EXPECT_EQ(e.where().line, 6);
}

TEST(DotenvErrors, InterpolationErrors) {
  Error required = parse_error("A=1\nB=${NEED:?set NEED first}");
  EXPECT_EQ(required.message(),
            "in the value of B: required variable NEED is missing a value: set NEED first");
  EXPECT_EQ(required.where().file, "test.env");
  EXPECT_EQ(required.where().line, 2);
  EXPECT_EQ(required.where().column, 3);
  EXPECT_TRUE(contains(parse_error("A=\"${1a}\"").message(), "in the value of A: invalid variable name"));
  EXPECT_TRUE(contains(parse_error("A=${").message(), "unterminated variable reference"));
  EXPECT_TRUE(contains(parse_error("A=${B/x/y}").message(), "unsupported substitution"));
  // Single-quoted values are not interpolated, so not checked either.
  EXPECT_EQ(value_of("A='${'"), "${");
}

TEST(DotenvErrors, RenderedErrorsStartWithFileLineColumn) {
  EXPECT_TRUE(parse_error("A=1\nlol$wut").render().starts_with("test.env:2:4: "));
}

// ----- hostile input -----

TEST(DotenvHostile, DeepNestingIsAnErrorNotACrash) {
  std::string text = "A=";
  for (int i = 0; i < 100000; ++i) text += "${X:-";
  EXPECT_TRUE(contains(parse_error(text).message(), "nested more than"));
}

TEST(DotenvHostile, ValuesRepeatingEachOtherAreCapped) {
  // Each line is ten times the one before: 10^9 bytes by the ninth line without the cap.
  std::string text = "A=" + std::string(100, 'x') + "\n";
  std::string previous = "A";
  for (char name = 'B'; name <= 'J'; ++name) {
    text += std::string(1, name) + "=";
    for (int i = 0; i < 10; ++i) text += "${" + previous + "}";
    text += "\n";
    previous = std::string(1, name);
  }
  Error e = parse_error(text);
  EXPECT_TRUE(contains(e.message(), "larger than")) << e.message();
}

TEST(DotenvHostile, HugeFilesAreLinear) {
  std::string text;
  for (int i = 0; i < 200000; ++i) {
    text += "K" + std::to_string(i) + "=\"v $K" + std::to_string(i / 2) + "\" # c\n";
  }
  auto start = std::chrono::steady_clock::now();
  std::vector<DotenvEntry> entries = parse(text);
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(entries.size(), 200000u);
  EXPECT_EQ(entries.back().line, 200000);
  EXPECT_LT(seconds, 10.0);  // a guard against quadratic behaviour, not a speed measurement
}

TEST(DotenvHostile, LongUnterminatedQuoteIsShortenedInTheMessage) {
  Error e = parse_error("A=\"" + std::string(100000, 'x'));
  EXPECT_LT(e.message().size(), 200u);
}

TEST(DotenvHostile, NulBytesAndControlCharactersInValuesPassThrough) {
  EXPECT_EQ(value_of(std::string_view("A=x\0y", 5)), std::string("x\0y", 3));
}

TEST(DotenvHostile, RandomInputGivesEntriesOrErrorsOnly) {
  const std::vector<std::string> pieces = {"A", "b1", "=", ":", " ", "\t", "\n", "\r\n", "#",
                                           "\"", "'", "\\", "$", "${", "}", ":-", "export ",
                                           "\xC2\xA0", "\xFF", "\\n", "\\0123", "-", "."};
  std::mt19937 random(1128);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<size_t> length(0, 30);
  Lookup lookup = env({{"A", "a"}, {"b1", ""}});
  int parsed = 0;
  int errors = 0;
  for (int i = 0; i < 30000; ++i) {
    std::string text;
    for (size_t n = length(random); n > 0; --n) text += pieces[pick(random)];
    for (DotenvFormat format : {DotenvFormat::Interpolated, DotenvFormat::Raw}) {
      try {
        for (const DotenvEntry& e : parse(text, lookup, format)) {
          EXPECT_FALSE(e.name.empty()) << text;
          EXPECT_GE(e.line, 1) << text;
        }
        ++parsed;
      } catch (const Error& e) {
        EXPECT_GE(e.where().line, 1) << text;
        EXPECT_EQ(e.where().file, "test.env");
        ++errors;
      }
    }
  }
  EXPECT_GT(parsed, 1000);
  EXPECT_GT(errors, 1000);
}

// ----- the raw format (env_file `format: raw`) -----

TEST(DotenvRaw, ValuesAreLiteral) {
  // dockere2e-dotenv__raw/.env.raw
  EXPECT_EQ(as_map(parse_raw("TEST_VAR='{\"key\": \"value\"}'")),
            (Vars{{"TEST_VAR", "'{\"key\": \"value\"}'"}}));
  Lookup lookup = env({{"B", "no"}});
  EXPECT_EQ(as_map(parse_raw("A=${B}\nC=\"$B\"\nD=a # not a comment\nE=x  \nF=\nG=b=c", lookup)),
            (Vars{{"A", "${B}"},
                  {"C", "\"$B\""},
                  {"D", "a # not a comment"},
                  {"E", "x  "},
                  {"F", ""},
                  {"G", "b=c"}}));
}

TEST(DotenvRaw, CommentsBlankLinesIndentationAndLineEndings) {
  std::vector<DotenvEntry> entries =
      parse_raw("\xEF\xBB\xBF# comment\n\n   A=1\r\n\t# indented comment\n  B= 2 \r\n");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "A");
  EXPECT_EQ(entries[0].value, "1");
  EXPECT_EQ(entries[0].line, 3);
  EXPECT_EQ(entries[1].value, " 2 ");
  EXPECT_EQ(entries[1].line, 5);
}

TEST(DotenvRaw, BareNameTakesItsValueFromTheLookup) {
  Lookup lookup = env({{"SET", "v"}});
  EXPECT_EQ(as_map(parse_raw("SET\nUNSET\nA=1", lookup)), (Vars{{"SET", "v"}, {"A", "1"}}));
}

TEST(DotenvRaw, LaterDefinitionsWin) {
  EXPECT_EQ(as_map(parse_raw("A=1\nA=2")), (Vars{{"A", "2"}}));
}

TEST(DotenvRaw, Errors) {
  Error no_name = parse_error("A=1\n  =x", DotenvFormat::Raw);
  EXPECT_EQ(no_name.message(), "no variable name before '='");
  EXPECT_EQ(no_name.where().line, 2);
  EXPECT_EQ(no_name.where().column, 3);
  Error exported = parse_error("export A=1", DotenvFormat::Raw);
  EXPECT_EQ(exported.message(), "variable name \"export A\" contains whitespace");
  EXPECT_TRUE(contains(parse_error("A =1", DotenvFormat::Raw).message(), "contains whitespace"));
  EXPECT_TRUE(contains(parse_error("A B", DotenvFormat::Raw).message(), "contains whitespace"));
  Error utf8 = parse_error("A=1\nB=\xC3(", DotenvFormat::Raw);
  EXPECT_EQ(utf8.message(), "invalid UTF-8");
  EXPECT_EQ(utf8.where().line, 2);
  EXPECT_EQ(utf8.where().column, 3);
}

// ----- every env file of the conformance corpus -----

// Files the corpus cases read as .env / env_file / label_file.
bool looks_like_env_file(const std::filesystem::path& path) {
  std::string name = path.filename().string();
  return name.starts_with(".env") || name.ends_with(".env") || name.ends_with(".label") ||
         name == "env" || name.ends_with("-env");
}

TEST(DotenvConformance, EveryEnvFileOfTheCorpusParses) {
  std::filesystem::path corpus = std::filesystem::path(BERTH_SOURCE_DIR) / "../shared/conformance";
  if (!std::filesystem::is_directory(corpus)) GTEST_SKIP() << "no corpus at " << corpus;
  int files = 0;
  for (const auto& item : std::filesystem::recursive_directory_iterator(corpus)) {
    if (!item.is_regular_file() || !looks_like_env_file(item.path())) continue;
    std::string text = fs::read_file(item.path());
    for (DotenvFormat format : {DotenvFormat::Interpolated, DotenvFormat::Raw}) {
      EXPECT_NO_THROW({
        std::vector<DotenvEntry> entries = parse_dotenv(text, item.path().string(), no_env(), format);
        for (const DotenvEntry& e : entries) EXPECT_FALSE(e.name.empty()) << item.path();
      }) << item.path();
    }
    ++files;
  }
  EXPECT_GT(files, 50);
}

}  // namespace
}  // namespace berth::compose
