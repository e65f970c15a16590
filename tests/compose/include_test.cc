#include "compose/include.h"

#include <gtest/gtest.h>

#include "tests/compose/loader_test_support.h"

namespace berth::compose {
namespace {

using testing::contains;
using testing::error_of;
using testing::hermetic;

Project load_dir(const test::TempDir& dir, std::map<std::string, std::string> env = {}) {
  LoadOptions o = hermetic(dir, std::move(env));
  o.project_name = "x";
  return load_project(o).project;
}

Error load_dir_error(const test::TempDir& dir) {
  return error_of([&] { load_dir(dir); });
}

TEST(Include, ShortForm) {
  test::TempDir dir;
  dir.write("db/compose.yaml",
            "services:\n  db:\n    image: postgres:${PG:-15}\n    volumes: [\"./init:/init\"]\n"
            "volumes:\n  dbdata: {}\n");
  dir.write("compose.yaml", "include:\n  - db/compose.yaml\nservices:\n  web: {image: nginx, depends_on: [db]}\n");
  Project p = load_dir(dir);
  ASSERT_TRUE(p.services.count("db"));
  EXPECT_EQ(p.services.at("db").image, "postgres:15");
  // Relative paths of the included file are against its own directory.
  EXPECT_EQ(p.services.at("db").volumes.at(0).source, (dir.path() / "db/init").string());
  EXPECT_TRUE(p.volumes.count("dbdata"));
}

TEST(Include, IncludedFileReadsItsOwnDotEnv) {
  test::TempDir dir;
  dir.write("db/.env", "PG=16\n");
  dir.write("db/compose.yaml", "services:\n  db:\n    image: postgres:${PG:-15}\n");
  dir.write("compose.yaml", "include: [db/compose.yaml]\nservices:\n  web: {image: nginx}\n");
  EXPECT_EQ(load_dir(dir).services.at("db").image, "postgres:16");
}

TEST(Include, LongFormWithProjectDirectoryAndEnvFile) {
  test::TempDir dir;
  dir.write("parts/db.yaml", "services:\n  db:\n    image: postgres:${PG}\n    build: ./ctx\n");
  dir.write("parts/db.env", "PG=17\n");
  dir.write("compose.yaml",
            "include:\n  - path: parts/db.yaml\n    project_directory: other\n    env_file: parts/db.env\n"
            "services:\n  web: {image: nginx}\n");
  Project p = load_dir(dir);
  EXPECT_EQ(p.services.at("db").image, "postgres:17");
  EXPECT_EQ(p.services.at("db").build->context, (dir.path() / "other/ctx").string());
}

TEST(Include, SeveralPathsAreMerged) {
  test::TempDir dir;
  dir.write("a.yaml", "services:\n  db: {image: one, environment: {A: 1}}\n");
  dir.write("b.yaml", "services:\n  db: {image: two}\n");
  dir.write("compose.yaml", "include:\n  - path: [a.yaml, b.yaml]\nservices:\n  web: {image: nginx}\n");
  Project p = load_dir(dir);
  EXPECT_EQ(p.services.at("db").image, "two");
  EXPECT_EQ(p.services.at("db").environment.at("A"), "1");
}

TEST(Include, ConflictIsAnError) {
  test::TempDir dir;
  dir.write("other.yaml", "services:\n  web: {image: other}\n");
  dir.write("compose.yaml", "include: [other.yaml]\nservices:\n  web: {image: nginx}\n");
  Error e = load_dir_error(dir);
  EXPECT_TRUE(contains(e.message(), "conflicts")) << e.message();
  EXPECT_EQ(e.path(), "services.web");
}

TEST(Include, CycleIsAnError) {
  test::TempDir dir;
  dir.write("a.yaml", "include: [b.yaml]\nservices:\n  a: {image: x}\n");
  dir.write("b.yaml", "include: [a.yaml]\nservices:\n  b: {image: x}\n");
  dir.write("compose.yaml", "include: [a.yaml]\nservices:\n  web: {image: nginx}\n");
  Error e = load_dir_error(dir);
  EXPECT_TRUE(contains(e.message(), "include cycle")) << e.message();
}

TEST(Include, MissingFileIsAnError) {
  test::TempDir dir;
  dir.write("compose.yaml", "include: [missing.yaml]\nservices:\n  web: {image: nginx}\n");
  Error e = load_dir_error(dir);
  EXPECT_TRUE(contains(e.message(), "does not exist")) << e.message();
  EXPECT_EQ(e.path(), "include[0]");
  EXPECT_EQ(e.where().line, 1);
}

TEST(Include, UnknownAttributeIsAnError) {
  test::TempDir dir;
  dir.write("a.yaml", "services:\n  a: {image: x}\n");
  dir.write("compose.yaml", "include:\n  - path: a.yaml\n    pth: x\nservices:\n  web: {image: nginx}\n");
  Error e = load_dir_error(dir);
  EXPECT_TRUE(contains(e.message(), "unknown attribute 'pth'")) << e.message();
  EXPECT_EQ(e.where().line, 3);
}

TEST(Include, NotAListIsAnError) {
  test::TempDir dir;
  dir.write("compose.yaml", "include: a.yaml\nservices:\n  web: {image: nginx}\n");
  EXPECT_TRUE(contains(load_dir_error(dir).message(), "must be a list"));
}

}  // namespace
}  // namespace berth::compose
