#include "compose/merge.h"

#include <gtest/gtest.h>

#include "compose/canonical.h"
#include "compose/yaml_writer.h"
#include "tests/compose/loader_test_support.h"

namespace berth::compose {
namespace {

using testing::yaml;

// services.web after merging the override onto the base (both a web service's attributes).
std::string merged(const std::string& base, const std::string& over) {
  Node a = yaml("services:\n  web:\n" + base);
  Node b = yaml("services:\n  web:\n" + over);
  canonicalise(a);
  canonicalise(b);
  merge_documents(a, b);
  apply_tags(a);
  std::string out = to_json(*a.find("services")->find("web"), -1);
  out.pop_back();
  return out;
}

TEST(Merge, MappingsMergeKeyByKey) {
  EXPECT_EQ(merged("    image: a\n    environment: {A: 1, B: 2}\n",
                   "    image: b\n    environment: {B: 3, C: 4}\n"),
            R"({"image":"b","environment":{"A":"1","B":"3","C":"4"}})");
  EXPECT_EQ(merged("    labels: [x=1]\n", "    labels: {y: 2}\n"), R"({"labels":{"x":"1","y":"2"}})");
}

TEST(Merge, ABareKeyKeepsTheBaseValue) {
  EXPECT_EQ(merged("    image: a\n", "    image:\n"), R"({"image":"a"})");
}

TEST(Merge, PlainSequencesAppend) {
  EXPECT_EQ(merged("    volumes_from: [a]\n", "    volumes_from: [b]\n"), R"({"volumes_from":["a","b"]})");
  EXPECT_EQ(merged("    env_file: [a.env]\n", "    env_file: [a.env]\n"),
            R"({"env_file":[{"path":"a.env"},{"path":"a.env"}]})");
}

TEST(Merge, SetLikeSequencesAppendOnlyNewValues) {
  EXPECT_EQ(merged("    dns: [1.1.1.1]\n    cap_add: [NET_ADMIN]\n",
                   "    dns: [1.1.1.1, 8.8.8.8]\n    cap_add: [SYS_TIME, NET_ADMIN]\n"),
            R"({"dns":["1.1.1.1","8.8.8.8"],"cap_add":["NET_ADMIN","SYS_TIME"]})");
  EXPECT_EQ(merged("    expose: [80]\n", "    expose: [\"80\", 81]\n"), R"({"expose":["80","81"]})");
}

TEST(Merge, PortsAreUniqueByTheirKey) {
  EXPECT_EQ(merged("    ports: [\"8080:80\"]\n", "    ports: [\"8080:80\", \"9090:90\"]\n"),
            R"({"ports":[{"mode":"ingress","target":80,"published":"8080","protocol":"tcp"},)"
            R"({"mode":"ingress","target":90,"published":"9090","protocol":"tcp"}]})");
  // Another host port for the same container port is another port.
  EXPECT_EQ(merged("    ports: [\"8080:80\"]\n", "    ports: [\"8081:80\"]\n"),
            R"({"ports":[{"mode":"ingress","target":80,"published":"8080","protocol":"tcp"},)"
            R"({"mode":"ingress","target":80,"published":"8081","protocol":"tcp"}]})");
}

TEST(Merge, VolumesAreUniqueByTarget) {
  EXPECT_EQ(merged("    volumes: [\"data:/data\", \"/cache\"]\n", "    volumes: [\"other:/data:ro\"]\n"),
            R"({"volumes":[{"type":"volume","source":"other","target":"/data","volume":{},"read_only":true},)"
            R"({"type":"volume","target":"/cache","volume":{}}]})");
}

TEST(Merge, SecretsAndConfigsAreUniqueByTarget) {
  EXPECT_EQ(merged("    secrets: [a, {source: b, target: /run/b}]\n",
                   "    secrets: [a, {source: c, target: /run/b}]\n"),
            R"({"secrets":[{"source":"a"},{"source":"c","target":"/run/b"}]})");
  EXPECT_EQ(merged("    configs: [x]\n", "    configs: [y]\n"),
            R"({"configs":[{"source":"x"},{"source":"y"}]})");
}

TEST(Merge, DevicesAreUniqueByTarget) {
  EXPECT_EQ(merged("    devices: [\"/dev/a:/dev/x\"]\n", "    devices: [\"/dev/b:/dev/x:r\"]\n"),
            R"({"devices":[{"source":"/dev/b","target":"/dev/x","permissions":"r"}]})");
}

TEST(Merge, CommandEntrypointAndHealthcheckTestAreReplaced) {
  EXPECT_EQ(merged("    command: [a, b]\n    entrypoint: [x]\n",
                   "    command: c\n    entrypoint: [y, z]\n"),
            R"({"command":["c"],"entrypoint":["y","z"]})");
  EXPECT_EQ(merged("    healthcheck: {test: [CMD, a], interval: 5s}\n",
                   "    healthcheck: {test: [CMD, b]}\n"),
            R"({"healthcheck":{"test":["CMD","b"],"interval":"5s"}})");
}

TEST(Merge, ResetRemovesAValue) {
  EXPECT_EQ(merged("    image: a\n    ports: [\"80:80\"]\n    environment: {A: 1, B: 2}\n",
                   "    ports: !reset []\n    environment:\n      A: !reset\n"),
            R"({"image":"a","environment":{"B":"2"}})");
}

TEST(Merge, OverrideReplacesAValueWhole) {
  EXPECT_EQ(merged("    environment: {A: 1, B: 2}\n    ports: [\"80:80\"]\n",
                   "    environment: !override {C: 3}\n    ports: !override [\"90:90\"]\n"),
            R"({"environment":{"C":"3"},"ports":[{"mode":"ingress","target":90,"published":"90","protocol":"tcp"}]})");
}

TEST(Merge, ResetInASingleFileIsDropped) {
  Node doc = yaml("services:\n  web:\n    image: a\n    ports: !reset []\n");
  apply_tags(doc);
  EXPECT_EQ(doc.find("services")->find("web")->find("ports"), nullptr);
  EXPECT_EQ(doc.find("services")->find("web")->find("image")->tag(), "");
}

TEST(Merge, LoggingOfAnotherDriverReplacesTheSection) {
  EXPECT_EQ(merged("    logging: {driver: json-file, options: {max-size: 1m}}\n",
                   "    logging: {driver: syslog, options: {tag: x}}\n"),
            R"({"logging":{"driver":"syslog","options":{"tag":"x"}}})");
  EXPECT_EQ(merged("    logging: {driver: json-file, options: {max-size: 1m}}\n",
                   "    logging: {driver: json-file, options: {max-file: 3}}\n"),
            R"({"logging":{"driver":"json-file","options":{"max-size":"1m","max-file":3}}})");
  EXPECT_EQ(merged("    logging: {driver: json-file, options: {max-size: 1m}}\n",
                   "    logging: {options: {max-file: 3}}\n"),
            R"({"logging":{"driver":"json-file","options":{"max-size":"1m","max-file":3}}})");
}

TEST(Merge, TopLevelSectionsMergeByName) {
  Node a = yaml("services: {a: {image: x}}\nnetworks: {n1: {driver: bridge}}\nx-one: 1\n");
  Node b = yaml("services: {b: {image: y}}\nnetworks: {n1: {internal: true}, n2: {}}\nx-two: 2\n");
  canonicalise(a);
  canonicalise(b);
  merge_documents(a, b);
  EXPECT_EQ(to_json(a, -1),
            R"({"services":{"a":{"image":"x"},"b":{"image":"y"}},"networks":{"n1":{"driver":"bridge","internal":true},"n2":{}},"x-one":1,"x-two":2})" "\n");
}

TEST(Merge, MergeService) {
  Node base = yaml("image: a\ncommand: [x]\nports: [{target: 80}]\n");
  Node over = yaml("command: [y]\nports: [{target: 81}]\n");
  merge_service(base, over);
  EXPECT_EQ(to_json(base, -1), R"({"image":"a","command":["y"],"ports":[{"target":80},{"target":81}]})" "\n");
}

}  // namespace
}  // namespace berth::compose
