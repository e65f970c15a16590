#include "runtime/image/registry_credentials.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/support/temp_dir.h"
#include "util/error.h"
#include "util/fs.h"

using namespace berth::image::registry;

namespace {
struct ConfigDir {
  berth::test::TempDir dir;
  ConfigDir() { ::setenv("DOCKER_CONFIG", dir.path().c_str(), 1); }
  ~ConfigDir() { ::unsetenv("DOCKER_CONFIG"); }
};
}  // namespace

TEST(ImageRegistryCredentials, Base64) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("user:p@ss"), "dXNlcjpwQHNz");
  EXPECT_EQ(base64_decode("dXNlcjpwQHNz"), "user:p@ss");
  EXPECT_EQ(base64_decode("Zg=="), "f");
  EXPECT_THROW(base64_decode("not*base64"), berth::Error);
}

TEST(ImageRegistryCredentials, ReadsDockerConfigAuths) {
  ConfigDir c;
  berth::fs::write_file_atomic(c.dir.path() / "config.json", R"({
    "auths": {"https://index.docker.io/v1/": {"auth": "aHViOnNlY3JldA=="},
              "registry.lan:5000": {"auth": "bGFuOnB3"},
              "https://ghcr.io": {"auth": "Z2g6dG9r"},
              "tok.example": {"identitytoken": "xyz"}},
    "credsStore": "desktop"})");
  EXPECT_EQ(find_credentials("docker.io")->username, "hub");
  EXPECT_EQ(find_credentials("docker.io")->password, "secret");
  EXPECT_EQ(find_credentials("registry.lan:5000")->password, "pw");
  EXPECT_EQ(find_credentials("ghcr.io")->username, "gh");
  EXPECT_EQ(find_credentials("tok.example")->password, "xyz");
  EXPECT_FALSE(find_credentials("quay.io"));
}

TEST(ImageRegistryCredentials, LoginAndLogoutKeepOtherSettings) {
  ConfigDir c;
  berth::fs::write_file_atomic(c.dir.path() / "config.json", R"({"credsStore":"x","auths":{"a.lan":{"auth":"YTpi"}}})");
  store_credentials("docker.io", {"me", "pw:with:colons"});
  store_credentials("localhost:5000", {"u", "p"});
  EXPECT_EQ(find_credentials("docker.io")->password, "pw:with:colons");
  auto doc = nlohmann::json::parse(berth::fs::read_file(c.dir.path() / "config.json"));
  EXPECT_EQ(doc["credsStore"], "x");
  EXPECT_TRUE(doc["auths"].contains("https://index.docker.io/v1/"));
  EXPECT_TRUE(remove_credentials("localhost:5000"));
  EXPECT_FALSE(remove_credentials("localhost:5000"));
  EXPECT_FALSE(find_credentials("localhost:5000"));
  EXPECT_EQ(find_credentials("a.lan")->username, "a");
}

TEST(ImageRegistryCredentials, MissingOrDamagedConfig) {
  ConfigDir c;
  EXPECT_FALSE(find_credentials("docker.io"));
  berth::fs::write_file_atomic(c.dir.path() / "config.json", "{not json");
  EXPECT_THROW(find_credentials("docker.io"), berth::Error);
}
