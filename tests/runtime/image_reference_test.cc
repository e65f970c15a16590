#include "runtime/image/reference.h"

#include <gtest/gtest.h>

#include "util/error.h"

using berth::image::parse_reference;

TEST(ImageReference, DockerHubDefaultsAndLibraryPrefix) {
  auto r = parse_reference("busybox");
  EXPECT_EQ(r.registry, "docker.io");
  EXPECT_EQ(r.repository, "library/busybox");
  EXPECT_EQ(r.tag, "latest");
  EXPECT_EQ(r.digest, "");
  EXPECT_EQ(r.str(), "docker.io/library/busybox:latest");
  EXPECT_EQ(r.familiar(), "busybox:latest");
  EXPECT_EQ(r.api_host(), "registry-1.docker.io");
}

TEST(ImageReference, UserRepositoryOnHubHasNoLibraryPrefix) {
  auto r = parse_reference("grafana/grafana:10.2");
  EXPECT_EQ(r.repository, "grafana/grafana");
  EXPECT_EQ(r.tag, "10.2");
  EXPECT_EQ(r.familiar(), "grafana/grafana:10.2");
}

TEST(ImageReference, ExplicitHubNamesNormalise) {
  EXPECT_EQ(parse_reference("docker.io/library/alpine:3").str(), "docker.io/library/alpine:3");
  EXPECT_EQ(parse_reference("docker.io/alpine").str(), "docker.io/library/alpine:latest");
  EXPECT_EQ(parse_reference("index.docker.io/library/alpine").registry, "docker.io");
}

TEST(ImageReference, RegistryWithPortIsNotATag) {
  auto r = parse_reference("localhost:5000/team/app");
  EXPECT_EQ(r.registry, "localhost:5000");
  EXPECT_EQ(r.repository, "team/app");
  EXPECT_EQ(r.tag, "latest");
  auto s = parse_reference("127.0.0.1:41234/app:v1.2-rc");
  EXPECT_EQ(s.registry, "127.0.0.1:41234");
  EXPECT_EQ(s.repository, "app");  // no library/ outside docker.io
  EXPECT_EQ(s.tag, "v1.2-rc");
  EXPECT_EQ(s.familiar(), "127.0.0.1:41234/app:v1.2-rc");
  EXPECT_EQ(parse_reference("localhost/app").registry, "localhost");
  EXPECT_EQ(parse_reference("ghcr.io/o/r").api_host(), "ghcr.io");
}

TEST(ImageReference, DigestsWithAndWithoutTag) {
  std::string d = "sha256:" + std::string(64, 'a');
  auto r = parse_reference("busybox@" + d);
  EXPECT_EQ(r.digest, d);
  EXPECT_EQ(r.tag, "");
  EXPECT_EQ(r.str(), "docker.io/library/busybox@" + d);
  auto t = parse_reference("busybox:1.36@" + d);
  EXPECT_EQ(t.tag, "1.36");
  EXPECT_EQ(t.digest, d);
}

TEST(ImageReference, BadReferencesSayWhy) {
  for (const char* bad : {"", "Busybox", "busybox:", "busybox:-x", "a//b", "busybox@sha256:abc",
                          "busybox@md5:" "0123", "-lead", "trail-", "a..b", "x/y:" "tag with space"}) {
    try {
      parse_reference(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const berth::Error& e) {
      EXPECT_NE(e.message().find("invalid image reference"), std::string::npos) << e.message();
      EXPECT_FALSE(e.hint().empty());
    }
  }
}

TEST(ImageReference, SeparatorsInComponents) {
  EXPECT_NO_THROW(parse_reference("a_b/c__d/e-f/g.h/i---j"));
  EXPECT_THROW(parse_reference("a___b"), berth::Error);
  EXPECT_THROW(parse_reference("a_/b"), berth::Error);
}
