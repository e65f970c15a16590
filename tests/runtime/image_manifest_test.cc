#include "runtime/image/manifest.h"

#include <gtest/gtest.h>

#include "util/error.h"

using namespace berth::image;

namespace {
std::string d(char c) { return "sha256:" + std::string(64, c); }

std::string index_doc() {
  return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
    {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + d('1') + R"(","size":10,
     "platform":{"os":"linux","architecture":"amd64"}},
    {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + d('2') + R"(","size":10,
     "platform":{"os":"linux","architecture":"arm64"}},
    {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + d('3') + R"(","size":10,
     "platform":{"os":"linux","architecture":"arm","variant":"v7"}},
    {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + d('4') + R"(","size":10,
     "platform":{"os":"unknown","architecture":"unknown"}}]})";
}
}  // namespace

TEST(ImageManifest, ParsesDockerSchema2) {
  std::string doc = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
    "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7,"digest":")" + d('a') + R"("},
    "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":100,"digest":")" + d('b') + R"("}]})";
  EXPECT_FALSE(is_index_document(doc));
  auto m = parse_manifest(doc);
  EXPECT_EQ(m.media_type, media::kDockerManifest);
  EXPECT_EQ(m.config.digest, d('a'));
  ASSERT_EQ(m.layers.size(), 1u);
  EXPECT_EQ(m.layers[0].size, 100);
  auto again = parse_manifest(manifest_json(m));
  EXPECT_EQ(again.layers[0].digest, d('b'));
}

TEST(ImageManifest, RejectsBadDocuments) {
  EXPECT_THROW(parse_manifest("not json"), berth::Error);
  EXPECT_THROW(parse_manifest(R"({"schemaVersion":1})"), berth::Error);
  EXPECT_THROW(parse_manifest(R"({"schemaVersion":2,"config":{"digest":"sha256:zz","size":1}})"), berth::Error);
  EXPECT_THROW(parse_manifest(index_doc()), berth::Error);
}

TEST(ImageManifest, IndexPlatformSelection) {
  EXPECT_TRUE(is_index_document(index_doc()));
  auto idx = parse_index(index_doc());
  EXPECT_EQ(select_platform(idx, {"linux", "amd64", ""}).digest, d('1'));
  EXPECT_EQ(select_platform(idx, {"linux", "arm64", "v8"}).digest, d('2'));  // no variant = v8
  EXPECT_EQ(select_platform(idx, {"linux", "arm", "v7"}).digest, d('3'));
  try {
    select_platform(idx, {"linux", "s390x", ""});
    FAIL();
  } catch (const berth::Error& e) {
    EXPECT_NE(e.hint().find("linux/amd64"), std::string::npos) << e.hint();
    EXPECT_EQ(e.hint().find("unknown"), std::string::npos) << e.hint();
  }
}

TEST(ImageManifest, PlatformParsing) {
  EXPECT_EQ(parse_platform("linux/arm64/v8").variant, "v8");
  EXPECT_EQ(parse_platform("linux/amd64").str(), "linux/amd64");
  EXPECT_THROW(parse_platform("amd64"), berth::Error);
  EXPECT_THROW(parse_platform("linux/"), berth::Error);
  EXPECT_THROW(parse_platform("linux/arm/v7/x"), berth::Error);
  EXPECT_FALSE(host_platform().architecture.empty());
}
