#include "compose/service_environment.h"

#include <gtest/gtest.h>

#include "tests/compose/loader_test_support.h"

namespace berth::compose {
namespace {

using testing::contains;
using testing::error_of;
using testing::hermetic;

Service load_web(const test::TempDir& dir, const std::string& web,
                 std::map<std::string, std::string> env = {}) {
  dir.write("compose.yaml", "services:\n  web:\n    image: a\n" + web);
  LoadOptions o = hermetic(dir, std::move(env));
  o.project_name = "x";
  return load_project(o).project.services.at("web");
}

TEST(ServiceEnvironment, EnvFilesInOrderThenEnvironmentWins) {
  test::TempDir dir;
  dir.write("a.env", "A=from_a\nB=from_a\nC=from_a\n");
  dir.write("b.env", "B=from_b\nC=from_b\n");
  Service web = load_web(dir, "    env_file: [a.env, b.env]\n    environment: {C: from_environment}\n");
  EXPECT_EQ(web.environment.at("A"), "from_a");
  EXPECT_EQ(web.environment.at("B"), "from_b");
  EXPECT_EQ(web.environment.at("C"), "from_environment");
}

TEST(ServiceEnvironment, RequiredFalseSkipsAMissingFile) {
  test::TempDir dir;
  Service web = load_web(dir, "    env_file:\n      - path: missing.env\n        required: false\n");
  EXPECT_TRUE(web.environment.empty());
}

TEST(ServiceEnvironment, MissingRequiredFileIsAnError) {
  test::TempDir dir;
  Error e = error_of([&] { load_web(dir, "    env_file: missing.env\n"); });
  EXPECT_TRUE(contains(e.message(), "missing.env not found")) << e.message();
  EXPECT_EQ(e.path(), "services.web.env_file");
  EXPECT_TRUE(contains(e.hint(), "required: false")) << e.hint();
}

TEST(ServiceEnvironment, RawFormatKeepsValuesAsWritten) {
  test::TempDir dir;
  dir.write("raw.env", "A=${NOT_EXPANDED}\nB='quoted'\n");
  Service web = load_web(dir, "    env_file:\n      - path: raw.env\n        format: raw\n");
  EXPECT_EQ(web.environment.at("A"), "${NOT_EXPANDED}");
  EXPECT_EQ(web.environment.at("B"), "'quoted'");
}

TEST(ServiceEnvironment, EnvFileInterpolatesFromTheProjectEnvironment) {
  test::TempDir dir;
  dir.write("a.env", "URL=http://${HOST}:80\n");
  Service web = load_web(dir, "    env_file: a.env\n", {{"HOST", "db"}});
  EXPECT_EQ(web.environment.at("URL"), "http://db:80");
}

TEST(ServiceEnvironment, UnknownFormatIsAnError) {
  test::TempDir dir;
  dir.write("a.env", "A=1\n");
  Error e = error_of([&] { load_web(dir, "    env_file:\n      - path: a.env\n        format: toml\n"); });
  EXPECT_TRUE(contains(e.message(), "unknown env_file format 'toml'")) << e.message();
}

TEST(ServiceEnvironment, KeysWithoutValuesComeFromTheEnvironment) {
  test::TempDir dir;
  Service web = load_web(dir, "    environment: [SET, UNSET, EMPTY=]\n", {{"SET", "yes"}});
  EXPECT_EQ(web.environment.at("SET"), "yes");
  EXPECT_FALSE(web.environment.at("UNSET").has_value());
  EXPECT_EQ(web.environment.at("EMPTY"), "");
}

TEST(ServiceEnvironment, KeyWithoutValueKeepsTheEnvFileValueWhenTheEnvironmentLacksIt) {
  test::TempDir dir;
  dir.write("a.env", "A=from_file\nB=from_file\n");
  Service web = load_web(dir, "    env_file: a.env\n    environment: [A, B]\n", {{"B", "from_shell"}});
  EXPECT_EQ(web.environment.at("A"), "from_file");
  EXPECT_EQ(web.environment.at("B"), "from_shell");
}

TEST(ServiceEnvironment, LabelFile) {
  test::TempDir dir;
  dir.write("labels", "com.example.a=1\ncom.example.b=2\n");
  Service web = load_web(dir, "    label_file: labels\n    labels: {com.example.b: own}\n");
  EXPECT_EQ(web.labels.at("com.example.a"), "1");
  EXPECT_EQ(web.labels.at("com.example.b"), "own");
  Error e = error_of([&] { load_web(dir, "    label_file: nope\n"); });
  EXPECT_TRUE(contains(e.message(), "label file")) << e.message();
}

}  // namespace
}  // namespace berth::compose
