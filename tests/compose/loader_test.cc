#include "compose/loader.h"

#include <gtest/gtest.h>

#include "tests/compose/loader_test_support.h"

namespace berth::compose {
namespace {

using testing::contains;
using testing::error_of;
using testing::hermetic;

// A project directory named "My Project" with a compose file that may have a `name:`.
struct NamedDir {
  test::TempDir root;
  std::filesystem::path dir;
  explicit NamedDir(const std::string& compose) {
    dir = root.write("My Project/compose.yaml", compose).parent_path();
  }
  std::string name(LoadOptions o) const {
    o.working_dir = dir.string();
    return load_project(o).project.name;
  }
};

TEST(Loader, ProjectNamePrecedence) {
  NamedDir with_name("name: from_file\nservices:\n  web: {image: a}\n");
  LoadOptions o = hermetic(with_name.root);
  EXPECT_EQ(with_name.name(o), "from_file");
  o.environment["COMPOSE_PROJECT_NAME"] = "From_Env";
  EXPECT_EQ(with_name.name(o), "from_env");  // normalised
  o.project_name = "from_flag";
  EXPECT_EQ(with_name.name(o), "from_flag");

  NamedDir without("services:\n  web: {image: a}\n");
  EXPECT_EQ(without.name(hermetic(without.root)), "myproject");  // the directory, normalised
}

TEST(Loader, InvalidProjectNames) {
  NamedDir d("services:\n  web: {image: a}\n");
  LoadOptions o = hermetic(d.root);
  o.project_name = "Bad Name";
  EXPECT_TRUE(contains(error_of([&] { d.name(o); }).message(), "invalid project name"));
  NamedDir bad_file("name: Bad Name\nservices:\n  web: {image: a}\n");
  Error e = error_of([&] { bad_file.name(hermetic(bad_file.root)); });
  EXPECT_TRUE(contains(e.message(), "invalid project name")) << e.message();
  EXPECT_EQ(e.where().line, 1);
}

TEST(Loader, NameIsInterpolatedAndProjectNameIsAVariable) {
  test::TempDir dir;
  dir.write("compose.yaml", "name: app-${STAGE}\nservices:\n  web:\n    image: a\n    container_name: ${COMPOSE_PROJECT_NAME}-web\n");
  LoadOptions o = hermetic(dir, {{"STAGE", "prod"}});
  Project p = load_project(o).project;
  EXPECT_EQ(p.name, "app-prod");
  EXPECT_EQ(p.services.at("web").container_name, "app-prod-web");
}

TEST(Loader, DotEnvOfTheProjectDirectory) {
  test::TempDir dir;
  dir.write(".env", "TAG=1.2\nSHELL_WINS=file\n");
  dir.write("compose.yaml", "services:\n  web:\n    image: app:${TAG}\n    environment: {X: $SHELL_WINS}\n");
  LoadOptions o = hermetic(dir, {{"SHELL_WINS", "shell"}});
  o.project_name = "p";
  Project p = load_project(o).project;
  EXPECT_EQ(p.services.at("web").image, "app:1.2");
  EXPECT_EQ(p.services.at("web").environment.at("X"), "shell");
}

TEST(Loader, EnvFileFlagsReplaceDotEnv) {
  test::TempDir dir;
  dir.write(".env", "TAG=from_dotenv\n");
  dir.write("one.env", "TAG=from_one\nOTHER=one\n");
  dir.write("two.env", "OTHER=two\n");
  dir.write("compose.yaml", "services:\n  web:\n    image: app:${TAG}-${OTHER}\n");
  LoadOptions o = hermetic(dir);
  o.project_name = "p";
  o.env_files = {"one.env", "two.env"};
  EXPECT_EQ(load_project(o).project.services.at("web").image, "app:from_one-one");
  o.env_files = {"missing.env"};
  EXPECT_TRUE(contains(error_of([&] { load_project(o); }).message(), "not found"));
}

TEST(Loader, UnsetVariablesAreWarnings) {
  LoadResult r = testing::load_text("services:\n  web:\n    image: app:${NOPE}\n");
  EXPECT_EQ(r.project.services.at("web").image, "app:");
  bool warned = false;
  for (const auto& w : r.warnings) warned = warned || contains(w, "\"NOPE\" variable is not set");
  EXPECT_TRUE(warned);
}

TEST(Loader, StdinFile) {
  test::TempDir dir;
  LoadOptions o = hermetic(dir);
  o.files = {"-"};
  o.stdin_content = "services:\n  web:\n    image: from-stdin\n    build: ./ctx\n";
  Project p = load_project(o).project;
  EXPECT_EQ(p.services.at("web").image, "from-stdin");
  EXPECT_EQ(p.working_dir, dir.path().string());
  EXPECT_EQ(p.services.at("web").build->context, (dir.path() / "ctx").string());
}

TEST(Loader, SeveralFilesRelativeToTheFirstFilesDirectory) {
  test::TempDir dir;
  dir.write("base/compose.yaml", "services:\n  web:\n    image: a\n    build: ./app\n");
  dir.write("overrides/dev.yaml", "services:\n  web:\n    volumes: [\"./src:/src\"]\n    environment: {DEV: 1}\n");
  LoadOptions o = hermetic(dir);
  o.project_name = "p";
  o.files = {"base/compose.yaml", "overrides/dev.yaml"};
  Project p = load_project(o).project;
  const Service& web = p.services.at("web");
  EXPECT_EQ(p.working_dir, (dir.path() / "base").string());
  EXPECT_EQ(web.build->context, (dir.path() / "base/app").string());
  EXPECT_EQ(web.volumes.at(0).source, (dir.path() / "base/src").string());
  EXPECT_EQ(web.environment.at("DEV"), "1");
  EXPECT_EQ(p.compose_files.size(), 2u);
}

TEST(Loader, ProjectDirectoryFlag) {
  test::TempDir dir;
  dir.write("files/compose.yaml", "services:\n  web:\n    build: ./app\n");
  dir.write("proj/.env", "X=1\n");
  LoadOptions o = hermetic(dir);
  o.files = {"files/compose.yaml"};
  o.project_directory = "proj";
  Project p = load_project(o).project;
  EXPECT_EQ(p.name, "proj");
  EXPECT_EQ(p.services.at("web").build->context, (dir.path() / "proj/app").string());
}

TEST(Loader, ComposeFileVariable) {
  test::TempDir dir;
  dir.write("a.yaml", "services:\n  web: {image: a}\n");
  dir.write("b.yaml", "services:\n  web: {image: b}\n");
  LoadOptions o = hermetic(dir, {{"COMPOSE_FILE", "a.yaml:b.yaml"}});
  o.project_name = "p";
  EXPECT_EQ(load_project(o).project.services.at("web").image, "b");
  o.environment = {{"COMPOSE_FILE", "b.yaml;a.yaml"}, {"COMPOSE_PATH_SEPARATOR", ";"}};
  EXPECT_EQ(load_project(o).project.services.at("web").image, "a");
}

TEST(Loader, MissingFileIsAClearError) {
  test::TempDir dir;
  LoadOptions o = hermetic(dir);
  o.files = {"nope.yaml"};
  Error e = error_of([&] { load_project(o); });
  EXPECT_TRUE(contains(e.message(), "does not exist")) << e.message();
  EXPECT_FALSE(e.hint().empty());
}

TEST(Loader, NoInterpolation) {
  test::TempDir dir;
  dir.write("compose.yaml", "services:\n  web:\n    image: app:${TAG}\n");
  LoadOptions o = hermetic(dir, {{"TAG", "1"}});
  o.project_name = "p";
  o.interpolate = false;
  EXPECT_EQ(load_project(o).project.services.at("web").image, "app:${TAG}");
}

TEST(Loader, ExtensionsAreKept) {
  Project p = testing::load_text("x-common: &c {a: 1}\nservices:\n  web:\n    image: a\n    x-note: hi\n").project;
  ASSERT_TRUE(p.extensions.is_mapping());
  EXPECT_NE(p.extensions.find("x-common"), nullptr);
  EXPECT_NE(p.services.at("web").extensions.find("x-note"), nullptr);
}

TEST(Loader, LegacyVersionOneFile) {
  LoadResult r = testing::load_text("web:\n  image: a\n  links: [db]\ndb:\n  image: b\n");
  EXPECT_EQ(r.project.services.size(), 2u);
  EXPECT_EQ(r.project.services.at("web").network_mode, "bridge");
}

}  // namespace
}  // namespace berth::compose
