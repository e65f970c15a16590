#include "compose/discovery.h"

#include <gtest/gtest.h>

#include "tests/compose/loader_test_support.h"

namespace berth::compose {
namespace {

using Strings = std::vector<std::string>;

TEST(Discovery, FileNamesInOrderOfPreference) {
  test::TempDir dir;
  dir.write("docker-compose.yml", "services: {}\n");
  EXPECT_EQ(find_compose_files(dir.path().string()), Strings{(dir.path() / "docker-compose.yml").string()});
  dir.write("docker-compose.yaml", "services: {}\n");
  EXPECT_EQ(find_compose_files(dir.path().string()), Strings{(dir.path() / "docker-compose.yaml").string()});
  dir.write("compose.yml", "services: {}\n");
  EXPECT_EQ(find_compose_files(dir.path().string()), Strings{(dir.path() / "compose.yml").string()});
  dir.write("compose.yaml", "services: {}\n");
  EXPECT_EQ(find_compose_files(dir.path().string()), Strings{(dir.path() / "compose.yaml").string()});
}

TEST(Discovery, OverrideFileOfTheSameFamily) {
  test::TempDir dir;
  dir.write("compose.yaml", "services: {}\n");
  dir.write("docker-compose.override.yml", "services: {}\n");  // another family: not used
  EXPECT_EQ(find_compose_files(dir.path().string()).size(), 1u);
  dir.write("compose.override.yml", "services: {}\n");
  EXPECT_EQ(find_compose_files(dir.path().string()),
            (Strings{(dir.path() / "compose.yaml").string(), (dir.path() / "compose.override.yml").string()}));
}

TEST(Discovery, SearchesParentDirectories) {
  test::TempDir dir;
  dir.write("compose.yaml", "services: {}\n");
  std::filesystem::create_directories(dir.path() / "a/b/c");
  EXPECT_EQ(find_compose_files((dir.path() / "a/b/c").string()),
            Strings{(dir.path() / "compose.yaml").string()});
}

TEST(Discovery, NothingFound) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "empty");
  // The temp dir's parents (/tmp, /) have no compose file on a test machine.
  EXPECT_TRUE(find_compose_files((dir.path() / "empty").string()).empty());
}

TEST(Discovery, ComposeFileVariable) {
  EXPECT_EQ(split_compose_file_variable("a.yaml:b.yaml", ":"), (Strings{"a.yaml", "b.yaml"}));
  EXPECT_EQ(split_compose_file_variable("a.yaml;b.yaml", ";"), (Strings{"a.yaml", "b.yaml"}));
  EXPECT_EQ(split_compose_file_variable("a.yaml", ""), Strings{"a.yaml"});
  EXPECT_EQ(split_compose_file_variable("a.yaml::b.yaml:", ":"), (Strings{"a.yaml", "b.yaml"}));
  EXPECT_EQ(split_compose_file_variable("a||b", "||"), (Strings{"a", "b"}));
}

TEST(Discovery, ProjectNameNormalisation) {
  EXPECT_EQ(normalise_project_name("My App"), "myapp");
  EXPECT_EQ(normalise_project_name("web_2-x"), "web_2-x");
  EXPECT_EQ(normalise_project_name("__x"), "x");
  EXPECT_EQ(normalise_project_name("-_"), "");
  EXPECT_EQ(normalise_project_name("Prod.Stack!"), "prodstack");
  EXPECT_TRUE(valid_project_name("app_1"));
  EXPECT_FALSE(valid_project_name("App"));
  EXPECT_FALSE(valid_project_name("_app"));
  EXPECT_FALSE(valid_project_name(""));
}

TEST(Discovery, LoaderUsesDiscoveryAndTheOverride) {
  test::TempDir dir;
  dir.write("compose.yaml", "services:\n  web: {image: a}\n");
  dir.write("compose.override.yaml", "services:\n  web: {image: b}\n");
  std::filesystem::create_directories(dir.path() / "sub");
  LoadOptions o = testing::hermetic(dir);
  o.working_dir = (dir.path() / "sub").string();
  LoadResult r = load_project(o);
  EXPECT_EQ(r.project.services.at("web").image, "b");
  EXPECT_EQ(r.project.working_dir, dir.path().string());
  EXPECT_EQ(r.project.compose_files.size(), 2u);
}

TEST(Discovery, LoaderWithNoFileIsAClearError) {
  test::TempDir dir;
  LoadOptions o = testing::hermetic(dir);
  Error e = testing::error_of([&] { load_project(o); });
  EXPECT_TRUE(testing::contains(e.message(), "no compose file found")) << e.message();
  EXPECT_FALSE(e.hint().empty());
}

}  // namespace
}  // namespace berth::compose
