#include "runtime/image/store.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/image/assemble.h"
#include "runtime/image/digest.h"
#include "tests/support/tar_builder.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tree.h"
#include "util/error.h"
#include "util/fs.h"

using namespace berth::image;
using berth::test::Compression;

namespace {

struct StoreFixture : ::testing::Test {
  berth::test::TempDir dir;
  Store store{dir.path() / "images"};

  Descriptor put_layer(const berth::test::TestLayer& l) {
    return {l.media_type, store.put_blob(l.blob), static_cast<int64_t>(l.blob.size()), {}, {}};
  }

  // An image of `layers`, stored and tagged `ref`; returns the manifest digest.
  std::string add_image(const std::vector<berth::test::TestLayer>& layers, const std::string& ref) {
    ImageConfig c;
    c.architecture = "amd64";
    std::vector<Descriptor> descs;
    for (const auto& l : layers) {
      descs.push_back(put_layer(l));
      c.diff_ids.push_back(l.diff_id);
    }
    c.cmd = std::vector<std::string>{"sh"};
    std::string m = assemble_image(store, c, descs);
    store.set_reference(parse_reference(ref), m, media::kOciManifest);
    return m;
  }

  size_t count(const char* sub) {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(store.root() / sub)) ++n;
    return n;
  }
};

berth::test::TestLayer layer_a() {
  return berth::test::make_layer({{"a", 'f', "A"}, {"shared/", 'd'}}, Compression::gzip);
}
berth::test::TestLayer layer_b() {
  return berth::test::make_layer({{"b", 'f', "B"}, {".wh.a", 'f'}}, Compression::zstd);
}

}  // namespace

TEST_F(StoreFixture, BlobsAreCheckedOnTheWayInAndOut) {
  std::string d = store.put_blob("hello");
  EXPECT_EQ(d, sha256_digest("hello"));
  EXPECT_EQ(store.read_blob(d), "hello");
  EXPECT_THROW(store.put_blob("x", sha256_digest("y")), berth::Error);
  EXPECT_FALSE(store.has_blob(sha256_digest("x")));
  berth::fs::write_file_atomic(store.blob_path(d), "tampered");
  EXPECT_THROW(store.read_blob(d), berth::Error);
  EXPECT_THROW(store.blob_path("sha256:../../../etc/passwd"), berth::Error);
}

TEST_F(StoreFixture, ImagesAreStoredFoundAndListed) {
  std::string m = add_image({layer_a(), layer_b()}, "localhost/app:1");
  Image img = store.find("localhost/app:1");
  EXPECT_EQ(img.manifest_digest, m);
  ASSERT_EQ(img.layer_dirs.size(), 2u);
  EXPECT_TRUE(std::filesystem::exists(img.layer_dirs[0] / "a"));
  auto tree = berth::test::describe_tree(img.layer_dirs[1]);
  EXPECT_EQ(tree["a"], "0 0:0 chardev 0:0");
  EXPECT_EQ(store.find(img.config_digest.substr(7, 12)).manifest_digest, m);
  EXPECT_EQ(store.find(img.config_digest).manifest_digest, m);
  auto refs = store.references();
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].reference.str(), "localhost/app:1");
  // index.json is an OCI index with the reference as annotation.
  auto index = nlohmann::json::parse(berth::fs::read_file(store.root() / "index.json"));
  EXPECT_EQ(index["manifests"][0]["digest"], m);
  EXPECT_EQ(index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"], "localhost/app:1");
  EXPECT_TRUE(std::filesystem::exists(store.root() / "oci-layout"));
}

TEST_F(StoreFixture, MissingImageSaysHowToGetIt) {
  try {
    store.find("nothing:here");
    FAIL();
  } catch (const berth::Error& e) {
    EXPECT_NE(e.message().find("no such image: nothing:here"), std::string::npos);
    EXPECT_NE(e.hint().find("pull"), std::string::npos);
  }
}

TEST_F(StoreFixture, AnImageWithoutAllItsLayersIsNeverReferenced) {
  auto l = layer_a();
  ImageConfig c;
  c.diff_ids = {l.diff_id};
  Manifest m;
  m.media_type = media::kOciManifest;
  std::string config = image_config_json(c);
  m.config = {media::kOciConfig, store.put_blob(config), static_cast<int64_t>(config.size()), {}, {}};
  m.layers = {{l.media_type, sha256_digest(l.blob), static_cast<int64_t>(l.blob.size()), {}, {}}};
  std::string md = store.put_blob(manifest_json(m));
  EXPECT_THROW(store.set_reference(parse_reference("half:done"), md, media::kOciManifest), berth::Error);
  EXPECT_TRUE(store.references().empty());
}

TEST_F(StoreFixture, WrongDiffIdLeavesNoLayer) {
  auto l = layer_a();
  std::string digest = store.put_blob(l.blob);
  std::string wrong = sha256_digest("something else");
  try {
    store.ensure_layer(digest, wrong);
    FAIL();
  } catch (const berth::Error& e) {
    EXPECT_NE(e.message().find("does not match its diff_id"), std::string::npos) << e.message();
  }
  EXPECT_EQ(count("layers"), 0u);
  EXPECT_EQ(count("tmp"), 0u);
}

TEST_F(StoreFixture, BadLayerLeavesNothingBehind) {
  auto bad = berth::test::make_layer({{"ok", 'f', "1"}, {"../escape", 'f', "2"}});
  std::string digest = store.put_blob(bad.blob);
  EXPECT_THROW(store.ensure_layer(digest, bad.diff_id), berth::Error);
  EXPECT_EQ(count("layers"), 0u);
  EXPECT_EQ(count("tmp"), 0u);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "escape"));
}

TEST_F(StoreFixture, GarbageCollectionFreesOnlyWhatNothingUses) {
  add_image({layer_a(), layer_b()}, "localhost/two:1");
  add_image({layer_a()}, "localhost/one:1");
  EXPECT_EQ(count("layers"), 2u);
  ASSERT_TRUE(store.remove_reference(parse_reference("localhost/two:1")));
  EXPECT_FALSE(store.remove_reference(parse_reference("localhost/two:1")));
  auto r = store.collect_garbage();
  EXPECT_EQ(r.layers_removed, 1);   // b; a is still used by one:1
  EXPECT_EQ(r.blobs_removed, 3);    // b's blob, two's config and manifest
  EXPECT_EQ(count("layers"), 1u);
  EXPECT_NO_THROW(store.check_complete(store.find("localhost/one:1").manifest_digest));
  store.remove_reference(parse_reference("localhost/one:1"));
  store.collect_garbage();
  EXPECT_EQ(count("layers"), 0u);
  EXPECT_EQ(count("blobs/sha256"), 0u);
}

TEST_F(StoreFixture, RetaggingReplacesTheReference) {
  add_image({layer_a()}, "localhost/app:1");
  std::string second = add_image({layer_b()}, "localhost/app:1");
  ASSERT_EQ(store.references().size(), 1u);
  EXPECT_EQ(store.references()[0].manifest_digest, second);
}

TEST_F(StoreFixture, PinsKeepAnUntaggedImageForItsContainer) {
  std::string m = add_image({layer_a(), layer_b()}, "localhost/app:1");
  store.pin("c0ffee", m);
  EXPECT_EQ(store.pinned_by(m), std::vector<std::string>{"c0ffee"});
  store.remove_reference(parse_reference("localhost/app:1"));
  store.collect_garbage();
  EXPECT_EQ(count("layers"), 2u);
  EXPECT_NO_THROW(store.check_complete(m));
  store.unpin("c0ffee");
  EXPECT_TRUE(store.pinned_by(m).empty());
  store.collect_garbage();
  EXPECT_EQ(count("layers"), 0u);
  EXPECT_THROW(store.pin("../escape", m), berth::Error);
}
