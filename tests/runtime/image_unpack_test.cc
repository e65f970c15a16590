#include "runtime/image/unpack.h"

#include <gtest/gtest.h>
#include <sys/xattr.h>


#include "tests/support/tar_builder.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tree.h"
#include "util/error.h"

using namespace berth::image;
using berth::test::Compression;
using berth::test::TarEntry;

namespace {

// A sandbox: the layer goes to sandbox/layer; anything else appearing in the sandbox escaped.
struct Sandbox {
  berth::test::TempDir dir;
  std::filesystem::path layer = dir.path() / "layer";
  Sandbox() { std::filesystem::create_directory(layer); }

  std::string unpack(const std::string& blob) {
    auto file = dir.write("blob", blob);
    auto diff_id = unpack_layer(file, layer);
    std::filesystem::remove(file);
    return diff_id;
  }
  // Everything in the sandbox outside the layer dir.
  std::vector<std::string> outside() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
      if (e.path() != layer && e.path().filename() != "blob") out.push_back(e.path().filename());
    return out;
  }
};

std::vector<TarEntry> sample() {
  return {
      {"etc/", 'd', "", "", 0755},
      {"etc/config", 'f', "hello\n", "", 0640, 0, 42},
      {"home/app/", 'd', "", "", 0700, 1000, 1000},
      {"home/app/run.sh", 'f', "#!/bin/sh\necho hi\n", "", 04755, 1000, 1000},
      {"bin/busybox", 'f', std::string(100000, 'b'), "", 0755},
      {"bin/sh", 'l', "", "busybox", 0777},
      {"bin/ls", 'h', "", "bin/busybox"},
      {"usr/lib/abs", 'l', "", "/etc/config", 0777},
      {"var/fifo", 'p', "", "", 0600},
      {"xattr-file", 'f', "x", "", 0644, 0, 0, 0, 0, {{"user.note", "kept"}}},
  };
}

}  // namespace

class ImageUnpackCompression : public ::testing::TestWithParam<Compression> {};

TEST_P(ImageUnpackCompression, KeepsContentOwnersModesAndLinks) {
  Sandbox box;
  auto layer = berth::test::make_layer(sample(), GetParam());
  EXPECT_EQ(box.unpack(layer.blob), layer.diff_id);
  auto tree = berth::test::describe_tree(box.layer);
  EXPECT_EQ(tree["etc/config"], "640 0:42 file 6 " + berth::test::sha256("hello\n") + " links=1");
  EXPECT_EQ(tree["home/app"], "700 1000:1000 dir");
  EXPECT_EQ(tree["home/app/run.sh"].substr(0, 20), "4755 1000:1000 file ");
  EXPECT_EQ(tree["bin/sh"], "777 0:0 symlink -> busybox");
  EXPECT_NE(tree["bin/ls"].find("links=2"), std::string::npos) << tree["bin/ls"];
  EXPECT_NE(tree["bin/busybox"].find("links=2"), std::string::npos);
  EXPECT_EQ(tree["usr/lib/abs"], "777 0:0 symlink -> /etc/config");
  EXPECT_EQ(tree["var/fifo"], "600 0:0 fifo");
  char value[16] = {};
  ASSERT_EQ(::lgetxattr((box.layer / "xattr-file").c_str(), "user.note", value, sizeof value), 4);
  EXPECT_EQ(std::string(value), "kept");
  EXPECT_TRUE(box.outside().empty());
}

INSTANTIATE_TEST_SUITE_P(All, ImageUnpackCompression,
                         ::testing::Values(Compression::none, Compression::gzip, Compression::zstd));

TEST(ImageUnpack, WhiteoutsBecomeOverlayWhiteouts) {
  Sandbox box;
  auto layer = berth::test::make_layer({
      {"etc/.wh.removed", 'f'},
      {"deep/new/.wh.gone", 'f'},  // its directory has no entry of its own
      {"opaque/", 'd', "", "", 0750},
      {"opaque/.wh..wh..opq", 'f'},
      {"opaque/fresh", 'f', "new"},
      {".wh..wh.plnk", 'd'},  // AUFS metadata: ignored
      {"already/overlay", 'c', "", "", 0, 0, 0, 0, 0},
  });
  box.unpack(layer.blob);
  auto tree = berth::test::describe_tree(box.layer);
  EXPECT_EQ(tree["etc/removed"], "0 0:0 chardev 0:0");
  EXPECT_EQ(tree["deep/new/gone"], "0 0:0 chardev 0:0");
  EXPECT_EQ(tree["opaque"], "750 0:0 dir opaque=y");
  EXPECT_EQ(tree["already/overlay"], "0 0:0 chardev 0:0");
  EXPECT_EQ(tree.count("etc/.wh.removed"), 0u);
  EXPECT_EQ(tree.count("opaque/.wh..wh..opq"), 0u);
  EXPECT_EQ(tree.count(".wh..wh.plnk"), 0u);
  EXPECT_TRUE(tree.count("opaque/fresh"));
}

TEST(ImageUnpack, ArchiveCannotForgeOverlayXattrs) {
  Sandbox box;
  auto layer = berth::test::make_layer({
      {"d/", 'd', "", "", 0755, 0, 0, 0, 0, {{"trusted.overlay.opaque", "y"}, {"user.a", "1"}}},
  });
  box.unpack(layer.blob);
  EXPECT_EQ(berth::test::describe_tree(box.layer)["d"], "755 0:0 dir");
}

struct BadLayer {
  const char* name;
  std::vector<TarEntry> entries;
  const char* expect;  // a piece of the error message
};

class ImageUnpackRefuses : public ::testing::TestWithParam<BadLayer> {};

TEST_P(ImageUnpackRefuses, WithAClearErrorAndNothingOutside) {
  Sandbox box;
  auto layer = berth::test::make_layer(GetParam().entries);
  try {
    box.unpack(layer.blob);
    ADD_FAILURE() << "unpacked " << GetParam().name;
  } catch (const berth::Error& e) {
    EXPECT_NE(e.message().find(GetParam().expect), std::string::npos) << e.message();
  }
  EXPECT_EQ(box.outside(), std::vector<std::string>{});
}

INSTANTIATE_TEST_SUITE_P(
    Bad, ImageUnpackRefuses,
    ::testing::Values(
        BadLayer{"dotdot", {{"../escaped", 'f', "x"}}, "contains '..'"},
        BadLayer{"dotdot_inner", {{"a/", 'd'}, {"a/../../escaped", 'f', "x"}}, "contains '..'"},
        BadLayer{"absolute", {{"/tmp/berth-abs-escape", 'f', "x"}}, "absolute path"},
        BadLayer{"symlink_escape", {{"evil", 'l', "", "../escaped"}}, "points outside the layer"},
        BadLayer{"symlink_deep_escape", {{"a/b/evil", 'l', "", "../../../../etc"}}, "points outside"},
        BadLayer{"through_symlink",
                 {{"link", 'l', "", "/tmp", 0777}, {"link/berth-through-symlink", 'f', "x"}},
                 "is a symlink"},
        BadLayer{"through_relative_symlink",
                 {{"link", 'l', "", ".", 0777}, {"link/x", 'f', "x"}}, "is a symlink"},
        BadLayer{"hardlink_out", {{"h", 'h', "", "../escaped"}}, "contains '..'"},
        BadLayer{"hardlink_abs", {{"h", 'h', "", "/etc/passwd"}}, "absolute path"},
        BadLayer{"hardlink_missing", {{"h", 'h', "", "nothing/here"}}, "not in the layer"},
        BadLayer{"hardlink_via_symlink",
                 {{"s", 'l', "", "/etc", 0777}, {"h", 'h', "", "s/passwd"}}, "is a symlink"},
        BadLayer{"chardev", {{"dev/null", 'c', "", "", 0666, 0, 0, 1, 3}}, "device node"},
        BadLayer{"blockdev", {{"dev/sda", 'b', "", "", 0660, 0, 0, 8, 0}}, "device node"}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(ImageUnpack, TruncatedTarIsAnError) {
  Sandbox box;
  auto layer = berth::test::make_layer({{"big", 'f', std::string(200000, 'z')}});
  try {
    box.unpack(layer.blob.substr(0, 50000));
    FAIL() << "a truncated layer unpacked";
  } catch (const berth::Error& e) {
    EXPECT_NE(e.message().find("damaged or ends early"), std::string::npos) << e.message();
  }
}

TEST(ImageUnpack, TruncatedGzipIsAnError) {
  Sandbox box;
  auto layer = berth::test::make_layer({{"big", 'f', std::string(200000, 'z')}}, Compression::gzip);
  EXPECT_THROW(box.unpack(layer.blob.substr(0, layer.blob.size() / 2)), berth::Error);
}

TEST(ImageUnpack, GarbageIsAnError) {
  Sandbox box;
  EXPECT_THROW(box.unpack(std::string(4096, '\x7f')), berth::Error);
}

TEST(ImageUnpack, PathCleaning) {
  EXPECT_EQ(clean_entry_path("./a//b/"), "a/b");
  EXPECT_EQ(clean_entry_path("."), "");
  EXPECT_EQ(clean_entry_path("./"), "");
  EXPECT_THROW(clean_entry_path("/a"), berth::Error);
  EXPECT_THROW(clean_entry_path("a/../b"), berth::Error);
  EXPECT_NO_THROW(clean_entry_path("a/..b/c.."));
}

TEST(ImageUnpack, SymlinkEscapeRule) {
  EXPECT_FALSE(symlink_escapes("", "/etc/passwd"));
  EXPECT_FALSE(symlink_escapes("a/b", "../c"));
  EXPECT_FALSE(symlink_escapes("a/b", "../../c"));
  EXPECT_TRUE(symlink_escapes("a/b", "../../../c"));
  EXPECT_TRUE(symlink_escapes("", ".."));
  EXPECT_FALSE(symlink_escapes("a", "./b/../c"));
  EXPECT_TRUE(symlink_escapes("a", "b/../../../c"));
}
