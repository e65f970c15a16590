#include "compose/profiles.h"

#include <gtest/gtest.h>

#include "tests/compose/loader_test_support.h"

namespace berth::compose {
namespace {

using testing::contains;
using testing::hermetic;

const char* kProject =
    "services:\n"
    "  web: {image: a}\n"
    "  debug: {image: b, profiles: [debug]}\n"
    "  tools: {image: c, profiles: [tools, debug]}\n";

std::vector<std::string> services_with(std::vector<std::string> profiles,
                                       std::map<std::string, std::string> env = {}) {
  test::TempDir dir;
  dir.write("compose.yaml", kProject);
  LoadOptions o = hermetic(dir, std::move(env));
  o.project_name = "x";
  o.profiles = std::move(profiles);
  std::vector<std::string> out;
  for (const auto& [name, _] : load_project(o).project.services) out.push_back(name);
  return out;
}

using Strings = std::vector<std::string>;

TEST(Profiles, ServicesWithoutProfilesAreAlwaysOn) {
  EXPECT_EQ(services_with({}), Strings{"web"});
}

TEST(Profiles, ActiveProfilesEnableTheirServices) {
  EXPECT_EQ(services_with({"tools"}), (Strings{"tools", "web"}));
  EXPECT_EQ(services_with({"debug"}), (Strings{"debug", "tools", "web"}));
  EXPECT_EQ(services_with({"*"}), (Strings{"debug", "tools", "web"}));
  EXPECT_EQ(services_with({"other"}), Strings{"web"});
}

TEST(Profiles, ComposeProfilesVariable) {
  EXPECT_EQ(services_with({}, {{"COMPOSE_PROFILES", "tools"}}), (Strings{"tools", "web"}));
  EXPECT_EQ(services_with({}, {{"COMPOSE_PROFILES", "other,debug"}}), (Strings{"debug", "tools", "web"}));
  // --profile wins over the variable.
  EXPECT_EQ(services_with({"tools"}, {{"COMPOSE_PROFILES", "debug"}}), (Strings{"tools", "web"}));
}

TEST(Profiles, DisabledServicesAreRemembered) {
  Project p;
  Service a, b;
  a.profiles = {"x"};
  p.services["a"] = a;
  p.services["b"] = b;
  apply_profiles(p, {});
  EXPECT_EQ(p.disabled_services, Strings{"a"});
  EXPECT_EQ(p.services.size(), 1u);
}

TEST(Profiles, AllProfiles) {
  Project p;
  Service a, b;
  a.profiles = {"z", "a"};
  b.profiles = {"a", "m"};
  p.services["a"] = a;
  p.services["b"] = b;
  EXPECT_EQ(all_profiles(p), (Strings{"a", "m", "z"}));
}

TEST(Profiles, DependencyOnADisabledServiceIsAnError) {
  Error e = testing::load_error(
      "services:\n  web:\n    image: a\n    depends_on: [debug]\n  debug: {image: b, profiles: [debug]}\n");
  EXPECT_TRUE(contains(e.message(), "no active profile enables")) << e.message();
  EXPECT_TRUE(contains(e.hint(), "--profile")) << e.hint();
  EXPECT_EQ(e.where().line, 4);
}

TEST(Profiles, OptionalDependencyOnADisabledServiceIsFine) {
  Project p = testing::load_text(
      "services:\n  web:\n    image: a\n    depends_on:\n      debug: {condition: service_started, required: false}\n"
      "  debug: {image: b, profiles: [debug]}\n").project;
  EXPECT_EQ(p.services.size(), 1u);
}

}  // namespace
}  // namespace berth::compose
