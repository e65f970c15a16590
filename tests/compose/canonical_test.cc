#include "compose/canonical.h"

#include <gtest/gtest.h>

#include "compose/yaml_writer.h"
#include "tests/compose/loader_test_support.h"

namespace berth::compose {
namespace {

using testing::contains;
using testing::error_of;
using testing::yaml;

// The canonical form of one attribute of a service, as compact JSON.
std::string canonical(const std::string& attribute_yaml) {
  Node doc = yaml("services:\n  web:\n" + attribute_yaml);
  canonicalise(doc);
  const Node& web = *doc.find("services")->find("web");
  std::string out = to_json(web.entries().at(0).value, -1);
  out.pop_back();
  return out;
}

TEST(Canonical, CommandAndEntrypointStringsAreSplitIntoWords) {
  EXPECT_EQ(canonical("    command: echo 'hello world'\n"), R"(["echo","hello world"])");
  EXPECT_EQ(canonical("    entrypoint: [\"/bin/sh\", -c]\n"), R"(["/bin/sh","-c"])");
  EXPECT_EQ(canonical("    command: [sleep, 10]\n"), R"(["sleep","10"])");  // numbers become strings
  EXPECT_EQ(canonical("    entrypoint: []\n"), "[]");
}

TEST(Canonical, UnclosedQuoteInACommandIsAnError) {
  Error e = error_of([] { canonical("    command: echo 'oops\n"); });
  EXPECT_TRUE(contains(e.message(), "quote is not closed")) << e.message();
  EXPECT_EQ(e.path(), "services.web.command");
  EXPECT_EQ(e.where().line, 3);
}

TEST(Canonical, HealthcheckTestString) {
  EXPECT_EQ(canonical("    healthcheck:\n      test: curl -f http://x\n"),
            R"({"test":["CMD-SHELL","curl -f http://x"]})");
  EXPECT_EQ(canonical("    healthcheck:\n      test: [CMD, true]\n"), R"({"test":["CMD","true"]})");
}

TEST(Canonical, EnvironmentListAndMap) {
  EXPECT_EQ(canonical("    environment: [A=1, B=, C, D=x=y]\n"),
            R"({"A":"1","B":"","C":null,"D":"x=y"})");
  EXPECT_EQ(canonical("    environment: {A: 1, B: true, C: null, D: ''}\n"),
            R"({"A":"1","B":"true","C":null,"D":""})");
}

TEST(Canonical, EnvironmentOfNestedValuesIsAnError) {
  Error e = error_of([] { canonical("    environment:\n      A: [1, 2]\n"); });
  EXPECT_EQ(e.path(), "services.web.environment.A");
  EXPECT_TRUE(contains(e.message(), "must be a string")) << e.message();
}

TEST(Canonical, LabelsWithoutValuesAreEmptyStrings) {
  EXPECT_EQ(canonical("    labels: [a=1, b]\n"), R"({"a":"1","b":""})");
  EXPECT_EQ(canonical("    labels: {a: , b: 2}\n"), R"({"a":"","b":"2"})");
}

TEST(Canonical, Ports) {
  EXPECT_EQ(canonical("    ports: [\"8080:80\", 443]\n"),
            R"([{"mode":"ingress","target":80,"published":"8080","protocol":"tcp"},)"
            R"({"mode":"ingress","target":443,"protocol":"tcp"}])");
  EXPECT_EQ(canonical("    ports:\n      - target: 80\n        published: 8080\n"),
            R"([{"target":80,"published":"8080"}])");
}

TEST(Canonical, ExposeVolumesDevices) {
  EXPECT_EQ(canonical("    expose: [3000, \"4000\"]\n"), R"(["3000","4000"])");
  EXPECT_EQ(canonical("    volumes: [\"db:/data\"]\n"),
            R"([{"type":"volume","source":"db","target":"/data","volume":{}}])");
  EXPECT_EQ(canonical("    devices: [\"/dev/fuse\"]\n"),
            R"([{"source":"/dev/fuse","target":"/dev/fuse","permissions":"rwm"}])");
}

TEST(Canonical, SecretsAndConfigs) {
  EXPECT_EQ(canonical("    secrets: [token, {source: key, target: /k, uid: 0}]\n"),
            R"([{"source":"token"},{"source":"key","target":"/k","uid":"0"}])");
  EXPECT_EQ(canonical("    configs: [app]\n"), R"([{"source":"app"}])");
}

TEST(Canonical, DependsOnList) {
  EXPECT_EQ(canonical("    depends_on: [db, cache]\n"),
            R"({"db":{"condition":"service_started"},"cache":{"condition":"service_started"}})");
  EXPECT_EQ(canonical("    depends_on:\n      db: {condition: service_healthy}\n"),
            R"({"db":{"condition":"service_healthy"}})");
  Error e = error_of([] { canonical("    depends_on: [[a]]\n"); });
  EXPECT_EQ(e.path(), "services.web.depends_on[0]");
}

TEST(Canonical, NetworksList) {
  EXPECT_EQ(canonical("    networks: [front, back]\n"), R"({"front":null,"back":null})");
}

TEST(Canonical, ExtraHosts) {
  EXPECT_EQ(canonical("    extra_hosts: [\"a:1.2.3.4\", \"b=::1\"]\n"), R"(["a=1.2.3.4","b=::1"])");
  EXPECT_EQ(canonical("    extra_hosts: {a: 1.2.3.4, b: [10.0.0.1, 10.0.0.2]}\n"),
            R"(["a=1.2.3.4","b=10.0.0.1","b=10.0.0.2"])");
  Error e = error_of([] { canonical("    extra_hosts: [nohost]\n"); });
  EXPECT_TRUE(contains(e.message(), "no IP address")) << e.message();
}

TEST(Canonical, EnvFile) {
  EXPECT_EQ(canonical("    env_file: a.env\n"), R"([{"path":"a.env"}])");
  EXPECT_EQ(canonical("    env_file: [a.env, {path: b.env, required: false}]\n"),
            R"([{"path":"a.env"},{"path":"b.env","required":false}])");
}

TEST(Canonical, StringsToLists) {
  EXPECT_EQ(canonical("    dns: 8.8.8.8\n"), R"(["8.8.8.8"])");
  EXPECT_EQ(canonical("    tmpfs: /run\n"), R"(["/run"])");
  EXPECT_EQ(canonical("    profiles: debug\n"), R"(["debug"])");
}

TEST(Canonical, Build) {
  EXPECT_EQ(canonical("    build: ./app\n"), R"({"context":"./app"})");
  EXPECT_EQ(canonical("    build:\n      context: .\n      args: [A=1, B]\n      ssh: {default: null, k: /p}\n"
                      "      cache_from: x\n"),
            R"({"context":".","args":{"A":"1","B":null},"ssh":["default","k=/p"],"cache_from":["x"]})");
  EXPECT_EQ(canonical("    build:\n      ulimits: [nofile=1024:2048, nproc=64]\n"),
            R"({"ulimits":{"nofile":{"soft":1024,"hard":2048},"nproc":64}})");
}

TEST(Canonical, ExtendsAndGpus) {
  EXPECT_EQ(canonical("    extends: base\n"), R"({"service":"base"})");
  EXPECT_EQ(canonical("    gpus: all\n"), R"([{"count":-1}])");
}

TEST(Canonical, TopLevelResources) {
  Node doc = yaml(
      "services: {}\nnetworks:\n  a:\n  b:\n    external:\n      name: real\n"
      "volumes:\n  v:\n    labels: [x=1]\n");
  canonicalise(doc);
  EXPECT_EQ(to_json(*doc.find("networks"), -1), R"({"a":{},"b":{"external":true,"name":"real"}})" "\n");
  EXPECT_EQ(to_json(*doc.find("volumes"), -1), R"({"v":{"labels":{"x":"1"}}})" "\n");
}

TEST(Canonical, ServicesMustBeAMapping) {
  Node doc = yaml("services: [web]\n");
  Error e = error_of([&] { canonicalise(doc); });
  EXPECT_EQ(e.path(), "services");
  EXPECT_TRUE(contains(e.message(), "must be a mapping")) << e.message();
}

TEST(Canonical, AnEmptyServiceIsAnEmptyMapping) {
  Node doc = yaml("services:\n  web:\n");
  canonicalise(doc);
  EXPECT_TRUE(doc.find("services")->find("web")->is_mapping());
}

}  // namespace
}  // namespace berth::compose
