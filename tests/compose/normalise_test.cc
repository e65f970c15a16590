#include "compose/normalise.h"

#include <gtest/gtest.h>

#include "tests/compose/loader_test_support.h"

namespace berth::compose {
namespace {

using testing::load_text;

TEST(Normalise, DefaultNetworkForServicesWithoutNetworks) {
  Project p = load_text("services:\n  web: {image: a}\n  host: {image: b, network_mode: host}\n").project;
  EXPECT_TRUE(p.services.at("web").networks.count("default"));
  EXPECT_TRUE(p.services.at("host").networks.empty());
  ASSERT_TRUE(p.networks.count("default"));
  EXPECT_EQ(p.networks.at("default").name, "test_default");
}

TEST(Normalise, NoDefaultNetworkWhenNobodyUsesIt) {
  Project p = load_text("services:\n  web: {image: a, networks: [front]}\nnetworks:\n  front: {}\n").project;
  EXPECT_FALSE(p.networks.count("default"));
}

TEST(Normalise, ResourceNames) {
  Project p = load_text(
      "services:\n  web: {image: a}\n"
      "volumes:\n  data: {}\n  ext: {external: true}\n  named: {name: custom}\n"
      "secrets:\n  s: {file: ./s}\nconfigs:\n  c: {file: ./c}\n").project;
  EXPECT_EQ(p.volumes.at("data").name, "test_data");
  EXPECT_EQ(p.volumes.at("ext").name, "ext");
  EXPECT_EQ(p.volumes.at("named").name, "custom");
  EXPECT_EQ(p.secrets.at("s").name, "test_s");
  EXPECT_EQ(p.configs.at("c").name, "test_c");
}

TEST(Normalise, DependsOnDefaults) {
  Project p = load_text("services:\n  web: {image: a, depends_on: {db: {}}}\n  db: {image: b}\n").project;
  const DependsOn& d = p.services.at("web").depends_on.at("db");
  EXPECT_EQ(d.condition, "service_started");
  EXPECT_EQ(d.required, true);
}

TEST(Normalise, ImplicitDependencies) {
  Project p = load_text(
      "services:\n"
      "  db: {image: a}\n  cache: {image: a}\n  files: {image: a}\n  logs: {image: a}\n  ns: {image: a}\n"
      "  web:\n    image: a\n    links: [\"db:database\"]\n"
      "    volumes_from: [\"files:ro\", \"container:other\", \"service:logs:rw\"]\n"
      "    network_mode: service:ns\n  side: {image: a, ipc: service:cache, pid: service:cache}\n").project;
  const auto& deps = p.services.at("web").depends_on;
  EXPECT_TRUE(deps.count("db"));
  EXPECT_TRUE(deps.count("files"));
  EXPECT_TRUE(deps.count("logs"));  // service:NAME, not a service named "service"
  EXPECT_TRUE(deps.count("ns"));
  EXPECT_FALSE(deps.count("other"));
  EXPECT_EQ(deps.size(), 4u);
  EXPECT_TRUE(p.services.at("side").depends_on.count("cache"));
}

TEST(Normalise, DockerfileDefault) {
  Project p = load_text("services:\n  a: {build: .}\n  b: {build: {context: ., dockerfile: Other}}\n"
                        "  c: {build: {context: ., dockerfile_inline: 'FROM x'}}\n").project;
  EXPECT_EQ(p.services.at("a").build->dockerfile, "Dockerfile");
  EXPECT_EQ(p.services.at("b").build->dockerfile, "Other");
  EXPECT_EQ(p.services.at("c").build->dockerfile, "");
}

TEST(Normalise, ScaleBecomesReplicas) {
  Project p = load_text("services:\n  a: {image: x, scale: 3}\n  b: {image: x, scale: 2, deploy: {replicas: 5}}\n").project;
  EXPECT_FALSE(p.services.at("a").scale.has_value());
  EXPECT_EQ(p.services.at("a").deploy->replicas, 3);
  EXPECT_EQ(p.services.at("b").deploy->replicas, 5);
}

TEST(Normalise, PullPolicySpelling) {
  Project p = load_text("services:\n  a: {image: x, pull_policy: if_not_present}\n").project;
  EXPECT_EQ(p.services.at("a").pull_policy, "missing");
}

TEST(Normalise, PortDefaults) {
  Project p = load_text("services:\n  a:\n    image: x\n    ports:\n      - target: 80\n").project;
  EXPECT_EQ(p.services.at("a").ports.at(0).protocol, "tcp");
  EXPECT_EQ(p.services.at("a").ports.at(0).mode, "ingress");
}

TEST(Normalise, OffWithTheOption) {
  test::TempDir dir;
  dir.write("compose.yaml", "services:\n  a: {image: x, scale: 2}\n");
  LoadOptions o = testing::hermetic(dir);
  o.project_name = "p";
  o.normalize = false;
  Project p = load_project(o).project;
  EXPECT_TRUE(p.networks.empty());
  EXPECT_EQ(p.services.at("a").scale, 2);
}

TEST(Normalise, IgnoredAttributesAreReported) {
  LoadResult r = load_text(
      "services:\n  a:\n    image: x\n    deploy:\n      placement: {constraints: [x]}\n      mode: global\n");
  int found = 0;
  for (const auto& w : r.warnings)
    if (w.find("deploy.placement: ignored") != std::string::npos || w.find("deploy.mode: ignored") != std::string::npos)
      ++found;
  EXPECT_EQ(found, 2);
}

}  // namespace
}  // namespace berth::compose
