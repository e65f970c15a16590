// Broken and hostile compose files: the loader answers each with a berth::Error (or loads it),
// never with another exception, a crash or a hang.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>

#include "compose/loader.h"
#include "compose/yaml_writer.h"
#include "tests/support/temp_dir.h"
#include "util/fs.h"

namespace berth::compose {
namespace {

namespace stdfs = std::filesystem;

// Loads `text` as `-f -` in an empty directory. Returns whether it loaded; fails the test on any
// exception other than berth::Error.
bool survives(const std::string& text, const std::string& label = {}) {
  static test::TempDir scratch;
  LoadOptions o;
  o.files = {"-"};
  o.stdin_content = text;
  o.working_dir = scratch.path().string();
  o.use_process_environment = false;
  o.environment = {{"HOME", scratch.path().string()}};
  o.project_name = "hostile";
  try {
    LoadResult r = load_project(o);
    Node tree = encode_project(r.project);
    (void)to_yaml(tree);
    (void)to_json(tree);
    return true;
  } catch (const Error& e) {
    EXPECT_FALSE(e.message().empty()) << label;
    return false;
  } catch (const std::exception& e) {
    ADD_FAILURE() << label << ": " << typeid(e).name() << ": " << std::string(e.what()).substr(0, 300)
                  << "\ninput:\n" << text.substr(0, 500);
  } catch (...) {
    ADD_FAILURE() << label << ": unknown exception\ninput:\n" << text.substr(0, 500);
  }
  return false;
}

const char* kSample = R"(name: sample
x-common: &common
  restart: unless-stopped
  labels: {team: core}
services:
  web:
    <<: *common
    image: nginx:${TAG:-1}
    ports: ["8080:80", "127.0.0.1:9000-9001:9000-9001/udp"]
    volumes: ["./html:/usr/share/nginx/html:ro", "cache:/cache"]
    environment: [A=1, B]
    depends_on:
      api: {condition: service_healthy, restart: true}
    healthcheck: {test: curl -f http://localhost, interval: 1m30s, retries: 3}
    deploy: {resources: {limits: {cpus: "0.5", memory: 512m}}, replicas: 2}
    extra_hosts: {db: 10.0.0.2}
    ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 64}
  api:
    build: {context: ./api, args: [X=1]}
    command: ["serve", "--port", "80"]
    secrets: [token]
    networks: {back: {aliases: [api.local]}}
    logging: {driver: json-file, options: {max-size: 10m}}
volumes:
  cache: {}
networks:
  back: {}
secrets:
  token: {environment: HOME}
)";

TEST(HostileInput, TheSampleLoads) { EXPECT_TRUE(survives(kSample)); }

TEST(HostileInput, TruncatedAtEveryByte) {
  std::string sample = kSample;
  for (size_t n = 0; n < sample.size(); ++n) survives(sample.substr(0, n), "truncated at " + std::to_string(n));
}

TEST(HostileInput, WrongTypesEverywhere) {
  const char* attributes[] = {
      "image", "build", "command", "entrypoint", "environment", "env_file", "ports", "expose",
      "volumes", "volumes_from", "depends_on", "networks", "network_mode", "healthcheck", "deploy",
      "labels", "logging", "restart", "secrets", "configs", "devices", "dns", "extra_hosts",
      "ulimits", "tmpfs", "cap_add", "sysctls", "profiles", "extends", "links", "mem_limit",
      "cpus", "stop_grace_period", "user", "working_dir", "privileged", "scale", "gpus", "develop",
      "blkio_config", "credential_spec", "post_start", "pre_stop", "models", "provider", "label_file",
      "annotations", "storage_opt", "shm_size", "pids_limit", "init", "attach", "external_links"};
  const char* values[] = {"{}", "[]", "x", "42", "-1", "null", "true", "{a: [1, {b: c}]}", "[[1], {x: y}]",
                          "\"\"", "[null]", "{a: null}", "!reset", "!override x", "[{}]", "999999999999999999999"};
  for (const char* a : attributes)
    for (const char* v : values)
      survives(std::string("services:\n  web:\n    image: a\n    ") + a + ": " + v + "\n",
               std::string(a) + ": " + v);
  // And the top-level sections.
  for (const char* section : {"services", "networks", "volumes", "secrets", "configs", "include", "name", "models"})
    for (const char* v : values)
      survives(std::string(section) + ": " + v + "\n", std::string(section) + ": " + v);
  // Nested attributes.
  for (const char* v : values) {
    survives(std::string("services:\n  web:\n    image: a\n    ports:\n      - target: ") + v + "\n", v);
    survives(std::string("services:\n  web:\n    image: a\n    healthcheck:\n      test: ") + v + "\n", v);
    survives(std::string("services:\n  web:\n    image: a\n    deploy:\n      resources: ") + v + "\n", v);
    survives(std::string("services:\n  web:\n    image: a\n    volumes:\n      - type: ") + v + "\n", v);
    survives(std::string("services:\n  web:\n    image: a\n    depends_on:\n      db: ") + v + "\n", v);
    survives(std::string("services:\n  web:\n    image: a\n    extends: {service: ") + v + "}\n", v);
    survives(std::string("include:\n  - path: ") + v + "\n", v);
    survives(std::string("include:\n  - path: a.yaml\n    project_directory: ") + v + "\n", v);
    survives(std::string("include:\n  - path: a.yaml\n    env_file: ") + v + "\n", v);
  }
}

TEST(HostileInput, DeepNesting) {
  for (size_t depth : {100, 499, 501, 2000, 100000}) {
    survives("x: " + std::string(depth, '[') + std::string(depth, ']') + "\n", "flow sequence");
    survives("x: " + std::string(depth, '{') + "\n", "unclosed flow mappings");
    std::string block = "services:\n";
    std::string indent = "  ";
    for (size_t i = 0; i < std::min<size_t>(depth, 3000); ++i) {
      block += indent + "k:\n";
      indent += " ";
    }
    survives(block, "block mappings");
  }
}

TEST(HostileInput, HugeAnchorsAndAliasBombs) {
  std::string big = "x-big: &big [";
  for (int i = 0; i < 10000; ++i) big += (i ? "," : "") + std::to_string(i);
  big += "]\nx-use: [";
  for (int i = 0; i < 150; ++i) big += std::string(i ? "," : "") + "*big";
  big += "]\nservices:\n  web: {image: a}\n";
  auto start = std::chrono::steady_clock::now();
  survives(big, "huge anchor");
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'z'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", " : "") + "*" + static_cast<char>(c - 1);
    bomb += "]\n";
  }
  EXPECT_FALSE(survives(bomb, "alias bomb"));
  EXPECT_FALSE(survives("a: &a {<<: *a}\n", "self merge"));
  EXPECT_FALSE(survives("a: &a [*a]\n", "self alias"));
  EXPECT_FALSE(survives("a: *nowhere\n", "unknown anchor"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(60));
}

TEST(HostileInput, InvalidUtf8AndControlCharacters) {
  std::string sample = kSample;
  for (const char* bad : {"\xff", "\xc3", "\xed\xa0\x80", "\xf8\x88\x80\x80\x80", "\x00", "\x01", "\x1b[31m", "\xef\xbb\xbf"})
    for (size_t at : {size_t{0}, size_t{10}, sample.size() / 2, sample.size()})
      survives(sample.substr(0, at) + std::string(bad, std::max<size_t>(1, std::strlen(bad))) + sample.substr(at),
               "bytes at " + std::to_string(at));
}

TEST(HostileInput, PathsTooLongForTheFileSystem) {
  std::string longname(5000, 'x');
  for (const char* attribute : {"include:\n  - ", "services:\n  web:\n    extends: {service: a, file: ",
                                "services:\n  web:\n    image: a\n    env_file: ",
                                "services:\n  web:\n    image: a\n    label_file: "}) {
    std::string text = attribute + longname + (std::string(attribute).find('{') != std::string::npos ? "}" : "") + "\n";
    EXPECT_FALSE(survives(text, attribute));
  }
  EXPECT_FALSE(survives("include:\n  - path: a.yaml\n    project_directory: " + longname + "\n"));
}

TEST(HostileInput, OddButValidYaml) {
  for (const char* text : {"---\n...\n", "--- !!map\n? services\n: {}\n", "%YAML 1.2\n---\nservices: {}\n",
                           "services: {web: {image: a}}\n---\n", "? [a]\n: b\n", "services: !!str x\n",
                           "'services': {\"web\": {'image': \"a\\u0000b\"}}\n", "services:\n  web:\n    image: |\n      a\n      b\n",
                           "&a services: *a\n", "services: &s\n  web: {image: a, x-self: *s}\n"})
    survives(text, text);
}

// Corpus compose files with random edits: bit flips, YAML punctuation, deleted and duplicated
// spans. A fixed seed, so a failure reproduces.
TEST(HostileInput, RandomMutationsOfCorpusFiles) {
  stdfs::path corpus = stdfs::path(BERTH_SOURCE_DIR) / ".." / "shared" / "conformance";
  std::vector<std::string> texts{kSample};
  std::error_code ec;
  for (auto it = stdfs::recursive_directory_iterator(corpus, ec); !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!it->is_regular_file() || name == "case.yaml" || name.rfind("expected", 0) == 0) continue;
    if (it->path().extension() != ".yaml" && it->path().extension() != ".yml") continue;
    if (auto text = fs::read_file_if_exists(it->path().string()); text && text->size() < 100'000)
      texts.push_back(std::move(*text));
  }
  std::sort(texts.begin(), texts.end());
  std::mt19937 rng(20261128);
  const std::string punctuation = ":-[]{},&*!|>'\"%@`#?<$\n\t \\";
  int mutations = 0;
  for (const std::string& original : texts) {
    for (int round = 0; round < 12; ++round) {
      std::string t = original;
      int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !t.empty(); ++e) {
        size_t at = rng() % t.size();
        switch (rng() % 5) {
          case 0: t[at] = static_cast<char>(t[at] ^ (1 << (rng() % 8))); break;
          case 1: t.insert(at, 1, punctuation[rng() % punctuation.size()]); break;
          case 2: t.erase(at, 1 + rng() % 16); break;
          case 3: t.insert(at, t.substr(rng() % t.size(), 1 + rng() % 64)); break;
          default: t[at] = punctuation[rng() % punctuation.size()]; break;
        }
      }
      survives(t, "mutation " + std::to_string(mutations));
      ++mutations;
    }
  }
  EXPECT_GE(mutations, 12);
}

}  // namespace
}  // namespace berth::compose
