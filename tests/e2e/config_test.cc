// berth config and berth graph through the binary.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/support/run_berth.h"
#include "tests/support/temp_dir.h"
#include "util/fs.h"

namespace {

using berth::test::run_berth;
using berth::test::TempDir;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

const char* kProject = R"(name: shop
services:
  web:
    image: nginx:${TAG:-1.25}
    ports: ["8080:80"]
    depends_on:
      api: {condition: service_healthy}
    volumes: ["static:/usr/share/nginx/html:ro"]
  api:
    build: ./api
    environment: [MODE=prod]
    depends_on: [db, cache]
    networks: [back]
    healthcheck:
      test: curl -f http://localhost/health
      interval: 90s
  db:
    image: postgres:16
    networks: [back]
    volumes: ["dbdata:/var/lib/postgresql/data"]
  cache:
    image: redis
    networks: [back]
  debug:
    image: busybox
    profiles: [debug, tools]
volumes:
  static: {}
  dbdata: {}
networks:
  back: {}
)";

// The environment berth sees: nothing from the test runner's COMPOSE_* variables.
const std::map<std::string, std::string> kEnv = {
    {"COMPOSE_FILE", ""}, {"COMPOSE_PROJECT_NAME", ""}, {"COMPOSE_PROFILES", ""}};

class ConfigE2E : public ::testing::Test {
 protected:
  void SetUp() override { dir_.write("compose.yaml", kProject); }
  berth::test::Result berth(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    for (const auto& [k, v] : kEnv) env.try_emplace(k, v);
    return run_berth(args, dir_.path().string(), env);
  }
  TempDir dir_;
};

TEST_F(ConfigE2E, Yaml) {
  auto r = berth({"config"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("name: shop\nservices:\n", 0), 0u) << r.out;
  EXPECT_TRUE(contains(r.out, "    image: nginx:1.25\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "      interval: 1m30s\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "        published: \"8080\"\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "    name: shop_dbdata\n")) << r.out;
  EXPECT_FALSE(contains(r.out, "debug:")) << r.out;  // off by profile
}

TEST_F(ConfigE2E, JsonIsTheSameProject) {
  auto r = berth({"config", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["name"], "shop");
  EXPECT_EQ(json["services"]["web"]["ports"][0]["target"], 80);
  EXPECT_EQ(json["services"]["api"]["healthcheck"]["test"][0], "CMD-SHELL");
  EXPECT_EQ(json["services"]["api"]["build"]["context"], (dir_.path() / "api").string());
  // Loaded again, the printed project is the same.
  dir_.write("printed.json", r.out);
  auto again = berth({"-f", "printed.json", "config", "--format", "json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, r.out);
}

TEST_F(ConfigE2E, LiteralDollarsArePrintedEscapedAndLoadBack) {
  dir_.write("dollar.yaml", "services:\n  web:\n    image: a\n    command: [\"echo\", \"$$HOME\"]\n");
  auto r = berth({"-p", "d", "-f", "dollar.yaml", "config"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "      - $$HOME\n")) << r.out;
  dir_.write("printed.yaml", r.out);
  auto again = berth({"-p", "d", "-f", "printed.yaml", "config"});
  EXPECT_EQ(again.out, r.out);
  // Without interpolation the text is printed as written.
  EXPECT_TRUE(contains(berth({"-p", "d", "-f", "dollar.yaml", "config", "--no-interpolate"}).out, "- $$HOME\n"));
}

TEST_F(ConfigE2E, Listings) {
  EXPECT_EQ(berth({"config", "--services"}).out, "api\ncache\ndb\nweb\n");
  EXPECT_EQ(berth({"config", "--volumes"}).out, "dbdata\nstatic\n");
  EXPECT_EQ(berth({"config", "--networks"}).out, "back\ndefault\n");
  EXPECT_EQ(berth({"--profile", "debug", "config", "--profiles"}).out, "debug\ntools\n");
  EXPECT_EQ(berth({"--profile", "debug", "config", "--services"}).out, "api\ncache\ndb\ndebug\nweb\n");
  EXPECT_EQ(berth({"config", "--images"}).out, "shop-api\nredis\npostgres:16\nnginx:1.25\n");
}

TEST_F(ConfigE2E, Hashes) {
  auto all = berth({"config", "--hash", "*"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'), 4);
  EXPECT_TRUE(contains(all.out, "web ")) << all.out;
  auto two = berth({"config", "--hash", "web,db"});
  EXPECT_EQ(std::count(two.out.begin(), two.out.end(), '\n'), 2);
  std::string web_line = all.out.substr(all.out.find("web "));
  EXPECT_TRUE(contains(two.out, web_line)) << two.out;
  // Another image tag is another container.
  auto other = berth({"config", "--hash", "web"}, {{"TAG", "1.26"}});
  EXPECT_FALSE(contains(other.out, web_line)) << other.out;
}

TEST_F(ConfigE2E, NoInterpolateAndNoNormalize) {
  auto raw = berth({"config", "--no-interpolate"});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_TRUE(contains(raw.out, "image: \"nginx:${TAG:-1.25}\"")) << raw.out;
  auto plain = berth({"config", "--no-normalize"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_FALSE(contains(plain.out, "shop_dbdata")) << plain.out;
  EXPECT_FALSE(contains(plain.out, "default")) << plain.out;
}

TEST_F(ConfigE2E, QuietAndOutputFile) {
  auto q = berth({"config", "-q"});
  EXPECT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(q.out, "");
  auto o = berth({"config", "-o", "out.yaml"});
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(berth::fs::read_file((dir_.path() / "out.yaml").string()), berth({"config"}).out);
}

TEST_F(ConfigE2E, ErrorsNameFileLineAndColumn) {
  dir_.write("bad.yaml", "services:\n  web:\n    image: a\n    ports: [\"80:x\"]\n");
  auto r = berth({"-f", "bad.yaml", "config", "-q"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "bad.yaml:4:13")) << r.err;
  EXPECT_TRUE(contains(r.err, "invalid port '80:x'")) << r.err;
  EXPECT_TRUE(contains(r.err, "hint:")) << r.err;
  EXPECT_EQ(r.out, "");

  dir_.write("typo.yaml", "services:\n  web:\n    image: a\n    enviroment: [A=1]\n");
  r = berth({"-f", "typo.yaml", "config"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "typo.yaml:4:5")) << r.err;
  EXPECT_TRUE(contains(r.err, "did you mean 'environment'")) << r.err;

  dir_.write("broken.yaml", "services:\n  web:\n    image: \"a\n");
  r = berth({"-f", "broken.yaml", "config"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "broken.yaml:")) << r.err;
  EXPECT_TRUE(contains(r.err, "invalid YAML")) << r.err;
}

TEST_F(ConfigE2E, StdinFile) {
  dir_.write("piped.yaml", "services:\n  web: {image: from-stdin}\n");
  std::string cmd = "cd '" + dir_.path().string() + "' && COMPOSE_FILE= '" BERTH_BINARY
                    "' -p piped -f - config --services < piped.yaml > piped.out 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(berth::fs::read_file((dir_.path() / "piped.out").string()), "web\n");
}

TEST_F(ConfigE2E, GraphFormats) {
  auto text = berth({"graph"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out, "layer 1: cache db\nlayer 2: api (after cache, db)\nlayer 3: web (after api)\n");
  auto dot = berth({"graph", "--format", "dot"});
  EXPECT_EQ(dot.exit_code, 0) << dot.err;
  EXPECT_EQ(dot.out.rfind("digraph \"shop\" {", 0), 0u) << dot.out;
  EXPECT_TRUE(contains(dot.out, "\"web\" -> \"api\" [label=\"service_healthy\"];")) << dot.out;
  auto mermaid = berth({"graph", "--format", "mermaid"});
  EXPECT_EQ(mermaid.exit_code, 0) << mermaid.err;
  EXPECT_TRUE(contains(mermaid.out, "api -->|service_started| db")) << mermaid.out;
  EXPECT_NE(berth({"graph", "--format", "svg"}).exit_code, 0);
}

TEST_F(ConfigE2E, GraphPrintsACycle) {
  dir_.write("cycle.yaml", "services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x, depends_on: [a]}\n");
  auto r = berth({"-f", "cycle.yaml", "graph"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "dependency cycle: a -> b -> a")) << r.err;
  EXPECT_TRUE(contains(r.err, "cycle.yaml:2:3")) << r.err;
}

}  // namespace
