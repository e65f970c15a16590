#include "compose/config_hash.h"

#include <gtest/gtest.h>

#include "tests/compose/loader_test_support.h"

namespace berth::compose {
namespace {

std::string hash_of(const std::string& web) {
  Project p = testing::load_text("services:\n  db: {image: d}\n  web:\n" + web).project;
  return service_config_hash(p.services.at("web"));
}

const char* kBase = "    image: nginx\n    environment: {A: 1}\n    ports: [\"80:80\"]\n";

TEST(ConfigHash, StableAndHex) {
  std::string h = hash_of(kBase);
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(h, hash_of(kBase));
  // The same meaning written another way.
  EXPECT_EQ(h, hash_of("    ports:\n      - {target: 80, published: \"80\"}\n    environment: [A=1]\n    image: nginx\n"));
}

TEST(ConfigHash, ChangesWithWhatMakesTheContainer) {
  std::string h = hash_of(kBase);
  for (const char* extra : {"    command: [x]\n", "    user: nobody\n", "    volumes: [\"/data\"]\n",
                            "    labels: {a: b}\n", "    mem_limit: 1g\n", "    restart: always\n"})
    EXPECT_NE(h, hash_of(std::string(kBase) + extra)) << extra;
  EXPECT_NE(h, hash_of("    image: nginx:2\n    environment: {A: 1}\n    ports: [\"80:80\"]\n"));
  EXPECT_NE(h, hash_of("    image: nginx\n    environment: {A: 2}\n    ports: [\"80:80\"]\n"));
  EXPECT_NE(h, hash_of("    image: nginx\n    environment: {A: 1}\n    ports: [\"81:80\"]\n"));
}

TEST(ConfigHash, NotWithScaleDependenciesProfilesOrPullPolicy) {
  std::string h = hash_of(kBase);
  for (const char* extra : {"    scale: 3\n", "    deploy: {replicas: 4}\n", "    depends_on: [db]\n",
                            "    pull_policy: always\n"})
    EXPECT_EQ(h, hash_of(std::string(kBase) + extra)) << extra;
  Project p = testing::load_text(std::string("services:\n  web:\n") + kBase).project;
  Service web = p.services.at("web");
  web.profiles = {"debug"};
  EXPECT_EQ(h, service_config_hash(web));
}

}  // namespace
}  // namespace berth::compose
