#include "runtime/image/archive.h"

#include <gtest/gtest.h>

#include "runtime/image/assemble.h"
#include "tests/support/tar_builder.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tree.h"
#include "util/error.h"

using namespace berth::image;

namespace {
const Platform kAmd64{"linux", "amd64", ""};
}

TEST(ImageArchive, SaveThenLoadIntoAnotherStore) {
  berth::test::TempDir dir;
  Store a(dir.path() / "a");
  Store b(dir.path() / "b");
  auto archive = dir.write("in.tar", berth::test::make_oci_archive(
                                         {berth::test::make_layer({{"x", 'f', "1", "", 0600, 9, 9}}, berth::test::Compression::gzip)},
                                         "localhost/x:1"));
  EXPECT_EQ(load_images(a, archive, kAmd64), std::vector<std::string>{"localhost/x:1"});
  save_images(a, {"localhost/x:1"}, dir.path() / "out.tar");
  EXPECT_EQ(load_images(b, dir.path() / "out.tar", kAmd64), std::vector<std::string>{"localhost/x:1"});
  Image ia = a.find("localhost/x:1");
  Image ib = b.find("localhost/x:1");
  EXPECT_EQ(ia.manifest_digest, ib.manifest_digest);
  EXPECT_EQ(berth::test::describe_tree(ia.layer_dirs[0]), berth::test::describe_tree(ib.layer_dirs[0]));
}

TEST(ImageArchive, BlobsWhoseNamesLieAreRefused) {
  berth::test::TempDir dir;
  Store store(dir.path() / "s");
  std::string wrong = "sha256:" + std::string(64, 'e');
  auto archive = dir.write("bad.tar", berth::test::make_tar({{"oci-layout", 'f', "{}"},
                                                             {"index.json", 'f', R"({"manifests":[]})"},
                                                             {"blobs/sha256/" + wrong.substr(7), 'f', "not that"}}));
  try {
    load_images(store, archive, kAmd64);
    FAIL();
  } catch (const berth::Error& e) {
    EXPECT_NE(e.message().find("does not match its digest"), std::string::npos) << e.message();
  }
  EXPECT_FALSE(store.has_blob(wrong));
}

TEST(ImageArchive, MissingLayerIsAnErrorAndNoImage) {
  berth::test::TempDir dir;
  Store store(dir.path() / "s");
  auto l = berth::test::make_layer({{"x", 'f', "1"}});
  // An archive whose manifest names a layer blob that is not in it.
  std::string config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[")" + l.diff_id + R"("]}})";
  std::string manifest = R"({"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
                         berth::test::sha256(config) + R"(","size":)" + std::to_string(config.size()) +
                         R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" +
                         berth::test::sha256(l.blob) + R"(","size":)" + std::to_string(l.blob.size()) + "}]}";
  std::string index = R"({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                      berth::test::sha256(manifest) + R"(","size":)" + std::to_string(manifest.size()) +
                      R"(,"annotations":{"org.opencontainers.image.ref.name":"localhost/x:1"}}]})";
  auto archive = dir.write("partial.tar", berth::test::make_tar({{"oci-layout", 'f', "{}"},
                                                            {"index.json", 'f', index},
                                                            {"blobs/sha256/" + berth::test::sha256(config).substr(7), 'f', config},
                                                            {"blobs/sha256/" + berth::test::sha256(manifest).substr(7), 'f', manifest}}));
  try {
    load_images(store, archive, kAmd64);
    FAIL();
  } catch (const berth::Error& e) {
    EXPECT_NE(e.message().find("lacks layer"), std::string::npos) << e.message();
  }
  EXPECT_TRUE(store.references().empty());
}

TEST(ImageArchive, UnknownImageCannotBeSaved) {
  berth::test::TempDir dir;
  Store store(dir.path() / "s");
  EXPECT_THROW(save_images(store, {"nothing:here"}, dir.path() / "o.tar"), berth::Error);
  EXPECT_THROW(save_images(store, {}, dir.path() / "o.tar"), berth::Error);
}
