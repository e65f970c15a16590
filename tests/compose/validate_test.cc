#include "compose/validate.h"

#include <gtest/gtest.h>

#include "tests/compose/loader_test_support.h"

namespace berth::compose {
namespace {

using testing::contains;
using testing::load_error;

struct Expected {
  std::string message;
  std::string path;
  int line;
  int column;
  std::string hint;
};

void expect_error(const std::string& yaml, const Expected& x) {
  Error e = load_error(yaml);
  EXPECT_TRUE(contains(e.message(), x.message)) << e.message();
  EXPECT_EQ(e.path(), x.path) << e.message();
  EXPECT_TRUE(contains(e.where().file, "compose.yaml")) << e.where().file;
  EXPECT_EQ(e.where().line, x.line) << e.message();
  if (x.column) {
    EXPECT_EQ(e.where().column, x.column) << e.message();
  }
  EXPECT_TRUE(contains(e.hint(), x.hint)) << e.hint();
}

TEST(Validate, UnknownAttributeWithDidYouMean) {
  expect_error("services:\n  web:\n    image: a\n    enviroment: {A: 1}\n",
               {"unknown attribute 'enviroment'", "services.web.enviroment", 4, 5, "did you mean 'environment'"});
  expect_error("services:\n  web:\n    image: a\n    healthcheck:\n      intervall: 5s\n",
               {"unknown attribute 'intervall'", "services.web.healthcheck.intervall", 5, 7, "did you mean 'interval'"});
  expect_error("servics:\n  web: {image: a}\n", {"unknown attribute 'servics'", "servics", 1, 1, "did you mean 'services'"});
}

TEST(Validate, UnknownAttributeFarFromAnyIsToldToUseXPrefix) {
  expect_error("services:\n  web:\n    image: a\n    zzzzzzzzzz: 1\n",
               {"unknown attribute 'zzzzzzzzzz'", "services.web.zzzzzzzzzz", 4, 5, "x-"});
}

TEST(Validate, WrongTypes) {
  expect_error("services:\n  web:\n    image: [a]\n", {"must be a string", "services.web.image", 3, 12, "Compose Specification"});
  expect_error("services:\n  web:\n    image: a\n    privileged: maybe\n",
               {"must be a boolean", "services.web.privileged", 4, 17, ""});
  expect_error("services:\n  web:\n    image: a\n    cpu_shares: lots\n",
               {"must be an integer", "services.web.cpu_shares", 4, 17, ""});
}

TEST(Validate, MalformedValues) {
  expect_error("services:\n  web:\n    image: a\n    stop_grace_period: soon\n",
               {"'soon' is not a duration", "services.web.stop_grace_period", 4, 24, "1m30s"});
  expect_error("services:\n  web:\n    image: a\n    mem_limit: lots\n",
               {"'lots' is not a byte size", "services.web.mem_limit", 4, 16, "512k"});
  expect_error("services:\n  web:\n    image: a\n    ports: [\"80:x\"]\n",
               {"invalid port '80:x'", "services.web.ports[0]", 4, 13, "HOST_PORT"});
}

TEST(Validate, NeedsImageOrBuild) {
  expect_error("services:\n  web:\n    command: [x]\n", {"neither an image nor a build", "services.web", 2, 3, "image:"});
}

TEST(Validate, UndefinedReferences) {
  expect_error("services:\n  web:\n    image: a\n    depends_on: [dbb]\n  db: {image: b}\n",
               {"undefined service 'dbb'", "services.web.depends_on.dbb", 4, 18, "did you mean 'db'"});
  expect_error("services:\n  web:\n    image: a\n    networks: [fronts]\nnetworks:\n  front: {}\n",
               {"undefined network 'fronts'", "services.web.networks.fronts", 4, 16, "did you mean 'front'"});
  expect_error("services:\n  web:\n    image: a\n    volumes: [\"dat:/data\"]\nvolumes:\n  data: {}\n",
               {"undefined volume 'dat'", "services.web.volumes[0]", 4, 15, "did you mean 'data'"});
  expect_error("services:\n  web:\n    image: a\n    secrets: [tokn]\nsecrets:\n  token: {file: ./t}\n",
               {"undefined secret 'tokn'", "services.web.secrets[0]", 4, 15, "did you mean 'token'"});
  expect_error("services:\n  web:\n    image: a\n    configs: [x]\n", {"undefined config 'x'", "services.web.configs[0]", 4, 15, "top-level configs"});
  expect_error("services:\n  web:\n    image: a\n    network_mode: service:nope\n",
               {"undefined service 'nope'", "services.web.network_mode", 4, 19, ""});
  expect_error("services:\n  web:\n    image: a\n    volumes_from: [nope]\n",
               {"undefined service 'nope'", "services.web.volumes_from", 4, 19, ""});
  expect_error("services:\n  web:\n    image: a\n    volumes_from: [\"service:nope:ro\"]\n",
               {"undefined service 'nope'", "services.web.volumes_from", 4, 19, ""});
  expect_error("services:\n  web:\n    image: a\n    volumes_from: [\"web\"]\n",
               {"takes volumes from itself", "services.web.volumes_from", 4, 19, ""});
  expect_error("services:\n  web:\n    image: a\n    volumes_from: [\"db:z\"]\n  db: {image: a}\n",
               {"malformed volumes_from entry 'db:z'", "services.web.volumes_from", 4, 19, ":ro or :rw"});
  expect_error("services:\n  web:\n    image: a\n    links: [\"nope:alias\"]\n",
               {"undefined service 'nope'", "services.web.links", 4, 12, ""});
}

TEST(Validate, Enumerations) {
  expect_error("services:\n  web:\n    image: a\n    restart: sometimes\n",
               {"unknown restart policy 'sometimes'", "services.web.restart", 4, 14, "unless-stopped"});
  expect_error("services:\n  web:\n    image: a\n    pull_policy: often\n",
               {"unknown pull_policy 'often'", "services.web.pull_policy", 4, 18, "missing"});
  expect_error("services:\n  web:\n    image: a\n    depends_on:\n      db: {condition: service_ready}\n  db: {image: b}\n",
               {"unknown condition 'service_ready'", "services.web.depends_on.db", 5, 7, "service_healthy"});
  expect_error("services:\n  web:\n    image: a\n    healthcheck:\n      test: [RUN, x]\n",
               {"starts with CMD, CMD-SHELL or NONE", "services.web.healthcheck.test", 5, 13, "CMD"});
  expect_error("services:\n  web:\n    image: a\n    deploy:\n      restart_policy: {condition: sometimes}\n",
               {"unknown restart condition", "services.web.deploy.restart_policy.condition", 5, 35, "on-failure"});
}

TEST(Validate, Ports) {
  expect_error("services:\n  web:\n    image: a\n    ports:\n      - target: 70000\n",
               {"out of range", "services.web.ports[0]", 5, 9, "65535"});
  expect_error("services:\n  web:\n    image: a\n    ports:\n      - {target: 80, mode: wild}\n",
               {"unknown port mode 'wild'", "services.web.ports[0]", 5, 9, "ingress"});
}

TEST(Validate, Volumes) {
  expect_error("services:\n  web:\n    image: a\n    volumes:\n      - {type: nfs, target: /x}\n",
               {"unknown volume type 'nfs'", "services.web.volumes[0]", 5, 9, "bind"});
  expect_error("services:\n  web:\n    image: a\n    volumes:\n      - {type: volume, target: relative}\n",
               {"not an absolute path", "services.web.volumes[0]", 5, 9, "/"});
  expect_error("services:\n  web:\n    image: a\n    volumes:\n      - {type: bind, target: /x}\n",
               {"needs a source", "services.web.volumes[0]", 5, 9, "host path"});
}

TEST(Validate, ConflictingOptions) {
  expect_error("services:\n  web:\n    image: a\n    network_mode: host\n    networks: [default]\n",
               {"network_mode and networks cannot be used together", "services.web.network_mode", 4, 19, "remove"});
  expect_error("services:\n  a: {image: x, container_name: same}\n  b: {image: x, container_name: same}\n",
               {"same container_name 'same'", "services.b.container_name", 3, 3, "unique"});
  expect_error("services:\n  a: {image: x, container_name: one, scale: 2}\n",
               {"container_name and 2 replicas", "services.a.container_name", 2, 3, "remove container_name"});
}

TEST(Validate, SelfDependency) {
  expect_error("services:\n  web:\n    image: a\n    depends_on: [web]\n",
               {"depends on itself", "services.web.depends_on.web", 4, 18, ""});
}

TEST(Validate, DependencyCycleIsPrinted) {
  Error e = load_error(
      "services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x, depends_on: [c]}\n  c: {image: x, depends_on: [a]}\n");
  EXPECT_TRUE(contains(e.message(), "dependency cycle: a -> b -> c -> a")) << e.message();
  EXPECT_EQ(e.where().line, 2);
}

TEST(Validate, ErrorsRenderWithFileLineColumnAndHint) {
  Error e = load_error("services:\n  web:\n    image: a\n    enviroment: {A: 1}\n");
  std::string text = e.render();
  EXPECT_TRUE(contains(text, "compose.yaml:4:5")) << text;
  EXPECT_TRUE(contains(text, "did you mean")) << text;
}

}  // namespace
}  // namespace berth::compose
