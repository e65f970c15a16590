#include "runtime/image/registry_client.h"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace berth::image::registry;

TEST(ImageRegistryClient, ParsesBearerChallenges) {
  auto c = parse_challenge(R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull")");
  EXPECT_EQ(c.scheme, "bearer");
  EXPECT_EQ(c.params["realm"], "https://auth.docker.io/token");
  EXPECT_EQ(c.params["service"], "registry.docker.io");
  EXPECT_EQ(c.params["scope"], "repository:library/busybox:pull");
}

TEST(ImageRegistryClient, ParsesBasicAndOddChallenges) {
  auto b = parse_challenge(R"(Basic realm="berth-test")");
  EXPECT_EQ(b.scheme, "basic");
  EXPECT_EQ(b.params["realm"], "berth-test");
  auto q = parse_challenge(R"(Bearer realm="https://x/token", error="insufficient_scope",scope="a:b:pull,push")");
  EXPECT_EQ(q.params["scope"], "a:b:pull,push");
  EXPECT_EQ(q.params["error"], "insufficient_scope");
  auto u = parse_challenge("Bearer realm=https://x/t,service=reg");
  EXPECT_EQ(u.params["realm"], "https://x/t");
  EXPECT_EQ(u.params["service"], "reg");
  EXPECT_EQ(parse_challenge("").scheme, "");
}

TEST(ImageRegistryClient, PlainHttpOnlyForInsecureRegistries) {
  ::unsetenv("BERTH_INSECURE_REGISTRIES");
  EXPECT_TRUE(is_insecure("localhost"));
  EXPECT_TRUE(is_insecure("localhost:5000"));
  EXPECT_TRUE(is_insecure("127.0.0.1:41000"));
  EXPECT_TRUE(is_insecure("[::1]:5000"));
  EXPECT_FALSE(is_insecure("docker.io"));
  EXPECT_FALSE(is_insecure("registry.example:5000"));
  EXPECT_FALSE(is_insecure("localhost.example.com"));
  ::setenv("BERTH_INSECURE_REGISTRIES", "registry.lan:5000,other.lan", 1);
  EXPECT_TRUE(is_insecure("registry.lan:5000"));
  EXPECT_TRUE(is_insecure("other.lan:443"));
  EXPECT_FALSE(is_insecure("registry.lan:6000"));
  ::unsetenv("BERTH_INSECURE_REGISTRIES");
}
