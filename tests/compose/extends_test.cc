#include "compose/extends.h"

#include <gtest/gtest.h>

#include "tests/compose/loader_test_support.h"

namespace berth::compose {
namespace {

using testing::contains;
using testing::error_of;
using testing::hermetic;
using testing::load_error;
using testing::load_text;

TEST(Extends, SameFile) {
  Project p = load_text(
      "services:\n"
      "  base:\n    image: busybox\n    environment: {A: 1}\n    command: [a]\n"
      "  web:\n    extends: base\n    environment: {B: 2}\n    command: [b]\n").project;
  const Service& web = p.services.at("web");
  EXPECT_EQ(web.image, "busybox");
  EXPECT_EQ(web.environment.at("A"), "1");
  EXPECT_EQ(web.environment.at("B"), "2");
  EXPECT_EQ(*web.command, std::vector<std::string>{"b"});
}

TEST(Extends, Chains) {
  Project p = load_text(
      "services:\n"
      "  a: {image: one, labels: {a: '1'}}\n"
      "  b: {extends: {service: a}, labels: {b: '2'}}\n"
      "  c: {extends: b, labels: {c: '3'}}\n").project;
  const Service& c = p.services.at("c");
  EXPECT_EQ(c.image, "one");
  EXPECT_EQ(c.labels.size(), 3u);
}

TEST(Extends, OtherFileWithPathsRelativeToThatFile) {
  test::TempDir dir;
  dir.write("common/base.yaml",
            "services:\n  base:\n    image: busybox\n    build: ./ctx\n    env_file: base.env\n"
            "    volumes: [\"./data:/data\"]\n");
  dir.write("common/base.env", "FROM_BASE=yes\n");
  dir.write("app/compose.yaml",
            "services:\n  web:\n    extends: {file: ../common/base.yaml, service: base}\n");
  LoadOptions o = hermetic(dir);
  o.files = {(dir.path() / "app/compose.yaml").string()};
  o.project_name = "x";
  Project p = load_project(o).project;
  const Service& web = p.services.at("web");
  std::string common = (dir.path() / "common").string();
  EXPECT_EQ(web.build->context, common + "/ctx");
  EXPECT_EQ(web.volumes.at(0).source, common + "/data");
  EXPECT_EQ(web.environment.at("FROM_BASE"), "yes");
}

TEST(Extends, CycleIsAnError) {
  Error e = load_error(
      "services:\n  a: {image: x, extends: b}\n  b: {image: x, extends: c}\n  c: {image: x, extends: a}\n");
  EXPECT_TRUE(contains(e.message(), "extends cycle")) << e.message();
  EXPECT_TRUE(contains(e.message(), "a -> b -> c -> a")) << e.message();
  EXPECT_GT(e.where().line, 0);
}

TEST(Extends, SelfIsACycle) {
  Error e = load_error("services:\n  a: {image: x, extends: a}\n");
  EXPECT_TRUE(contains(e.message(), "extends cycle")) << e.message();
}

TEST(Extends, MissingServiceIsAnError) {
  Error e = load_error("services:\n  web:\n    extends: nothere\n");
  EXPECT_TRUE(contains(e.message(), "'nothere'")) << e.message();
  EXPECT_EQ(e.path(), "services.web.extends.service");
  EXPECT_EQ(e.where().line, 3);
}

TEST(Extends, MissingFileIsAnError) {
  Error e = load_error("services:\n  web:\n    extends: {file: nope.yaml, service: base}\n");
  EXPECT_TRUE(contains(e.message(), "does not exist")) << e.message();
  EXPECT_EQ(e.path(), "services.web.extends.file");
}

TEST(Extends, MissingServiceInTheOtherFileIsAnError) {
  test::TempDir dir;
  dir.write("base.yaml", "services:\n  base: {image: x}\n");
  dir.write("compose.yaml", "services:\n  web:\n    extends: {file: base.yaml, service: other}\n");
  LoadOptions o = hermetic(dir);
  o.project_name = "x";
  Error e = error_of([&] { load_project(o); });
  EXPECT_TRUE(contains(e.message(), "'other' is not defined in")) << e.message();
}

TEST(Extends, ServiceNameIsRequired) {
  Error e = load_error("services:\n  web:\n    extends: {file: x.yaml}\n");
  EXPECT_TRUE(contains(e.message(), "needs the name of a service")) << e.message();
}

}  // namespace
}  // namespace berth::compose
