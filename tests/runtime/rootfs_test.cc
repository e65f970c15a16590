#include "runtime/rootfs.h"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <fstream>

#include "runtime/image/assemble.h"
#include "runtime/image/store.h"
#include "tests/support/tar_builder.h"
#include "tests/support/temp_dir.h"
#include "util/error.h"
#include "util/fs.h"

using namespace berth;

namespace {

std::vector<std::filesystem::path> store_layers(image::Store& store,
                                                const std::vector<test::TestLayer>& layers) {
  std::vector<std::filesystem::path> dirs;
  for (const auto& l : layers) {
    std::string digest = store.put_blob(l.blob);
    store.ensure_layer(digest, l.diff_id);
    dirs.push_back(store.layer_dir(l.diff_id));
  }
  return dirs;
}

}  // namespace

TEST(Rootfs, LayersStackWithWhiteoutsAndOpaqueDirs) {
  test::TempDir dir;
  image::Store store(dir.path() / "images");
  auto dirs = store_layers(store, {
      test::make_layer({{"gone", 'f', "old"}, {"keep", 'f', "v1"}, {"d/", 'd'}, {"d/x", 'f', "x"}}),
      test::make_layer({{".wh.gone", 'f'}, {"keep", 'f', "v2"}, {"d/", 'd'}, {"d/.wh..wh..opq", 'f'},
                        {"d/y", 'f', "y"}}),
  });
  auto target = dir.path() / "rootfs";
  {
    runtime::OverlayRootfs root(dirs, dir.path() / "c1", target);
    EXPECT_FALSE(std::filesystem::exists(target / "gone"));
    EXPECT_EQ(fs::read_file(target / "keep"), "v2");
    EXPECT_FALSE(std::filesystem::exists(target / "d" / "x"));
    EXPECT_EQ(fs::read_file(target / "d" / "y"), "y");
    std::ofstream(target / "new") << "written";
  }
  // Unmounted by the destructor; the write went to the container's upper dir, not the image.
  EXPECT_FALSE(std::filesystem::exists(target / "keep"));
  EXPECT_EQ(fs::read_file(dir.path() / "c1" / "upper" / "new"), "written");
  for (const auto& d : dirs) EXPECT_FALSE(std::filesystem::exists(d / "new"));
}

TEST(Rootfs, ManyLayersFitTheMountOptions) {
  EXPECT_LT(runtime::overlay_options(500).size(), 4096u);
  test::TempDir dir;
  image::Store store(dir.path() / "images");
  std::vector<test::TestLayer> layers;
  for (int i = 0; i < 150; ++i)
    layers.push_back(test::make_layer({{"f" + std::to_string(i), 'f', std::to_string(i)},
                                       {"top", 'f', std::to_string(i)}}));
  auto dirs = store_layers(store, layers);
  runtime::OverlayRootfs root(dirs, dir.path() / "c", dir.path() / "rootfs");
  EXPECT_EQ(fs::read_file(root.target() / "f0"), "0");
  EXPECT_EQ(fs::read_file(root.target() / "f149"), "149");
  EXPECT_EQ(fs::read_file(root.target() / "top"), "149");  // the last layer wins
}

TEST(Rootfs, ReleasedMountStaysUntilUnmounted) {
  test::TempDir dir;
  image::Store store(dir.path() / "images");
  auto dirs = store_layers(store, {test::make_layer({{"f", 'f', "1"}})});
  auto target = dir.path() / "rootfs";
  {
    runtime::OverlayRootfs root(dirs, dir.path() / "c", target);
    root.release();
  }
  EXPECT_TRUE(std::filesystem::exists(target / "f"));
  runtime::unmount_rootfs(target);
  EXPECT_FALSE(std::filesystem::exists(target / "f"));
}

TEST(Rootfs, TooManyLayersIsAClearError) {
  test::TempDir dir;
  std::vector<std::filesystem::path> dirs(501, dir.path());
  EXPECT_THROW(runtime::OverlayRootfs(dirs, dir.path() / "c", dir.path() / "r"), Error);
}

TEST(Rootfs, OptionsNameWholePathsWhenTheyFit) {
  auto options = runtime::overlay_options_direct({"/s/layers/b", "/s/layers/a"}, "/s/c/upper", "/s/c/work");
  ASSERT_TRUE(options);
  EXPECT_EQ(*options, "lowerdir=/s/layers/b:/s/layers/a,upperdir=/s/c/upper,workdir=/s/c/work");
  // overlayfs would split these paths: the short links take over.
  EXPECT_FALSE(runtime::overlay_options_direct({"/s/a,b"}, "/s/c/upper", "/s/c/work"));
  EXPECT_FALSE(runtime::overlay_options_direct({"/s/a"}, "/s/c:d/upper", "/s/c:d/work"));
  std::vector<std::filesystem::path> many(60, std::filesystem::path("/var/lib/berth/images/layers/" + std::string(64, 'a')));
  EXPECT_FALSE(runtime::overlay_options_direct(many, "/s/c/upper", "/s/c/work"));
}

TEST(Rootfs, ADirThatOverlayfsWouldSplitMountsThroughLinks) {
  test::TempDir dir;
  image::Store store(dir.path() / "images");
  auto dirs = store_layers(store, {test::make_layer({{"a", 'f', "1"}}), test::make_layer({{"b", 'f', "2"}})});
  auto state = dir.path() / "c,1";  // a comma would end the upperdir option
  runtime::OverlayRootfs root(dirs, state, dir.path() / "rootfs");
  EXPECT_EQ(fs::read_file(root.target() / "a"), "1");
  EXPECT_EQ(fs::read_file(root.target() / "b"), "2");
  EXPECT_TRUE(std::filesystem::is_symlink(state / "l" / "0"));
}

TEST(Rootfs, FewLayersMountByWholePathsWithoutLinks) {
  test::TempDir dir;
  image::Store store(dir.path() / "images");
  auto dirs = store_layers(store, {test::make_layer({{"a", 'f', "1"}})});
  runtime::OverlayRootfs root(dirs, dir.path() / "c", dir.path() / "rootfs");
  EXPECT_EQ(fs::read_file(root.target() / "a"), "1");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "c" / "l"));
}
