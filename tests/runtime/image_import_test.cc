#include "runtime/image/import.h"

#include <gtest/gtest.h>

#include "runtime/image/store.h"
#include "tests/support/tar_builder.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tree.h"
#include "util/error.h"

using namespace berth::image;

TEST(ImageImport, ChangesInDockerfileSyntax) {
  ImageConfig c;
  apply_change(c, R"(CMD ["nginx", "-g", "daemon off;"])");
  EXPECT_EQ(*c.cmd, (std::vector<std::string>{"nginx", "-g", "daemon off;"}));
  apply_change(c, "cmd echo hello world");
  EXPECT_EQ(*c.cmd, (std::vector<std::string>{"/bin/sh", "-c", "echo hello world"}));
  apply_change(c, R"(ENTRYPOINT ["/init"])");
  EXPECT_EQ(c.entrypoint, std::vector<std::string>{"/init"});
  apply_change(c, R"(ENV A=1 B="two words" C=x\ y)");
  apply_change(c, "ENV D old style value");
  apply_change(c, "ENV A=replaced");
  EXPECT_EQ(c.env, (std::vector<std::string>{"A=replaced", "B=two words", "C=x y", "D=old style value"}));
  apply_change(c, "WORKDIR /srv/app");
  EXPECT_EQ(c.working_dir, "/srv/app");
  apply_change(c, "USER 1000:1000");
  EXPECT_EQ(c.user, "1000:1000");
  apply_change(c, "EXPOSE 80 53/udp 8000-8010");
  EXPECT_EQ(c.exposed_ports, (std::set<std::string>{"80/tcp", "53/udp", "8000-8010/tcp"}));
  apply_change(c, R"(LABEL org.opencontainers.image.title="My app" tier=web)");
  EXPECT_EQ(c.labels.at("org.opencontainers.image.title"), "My app");
  EXPECT_EQ(c.labels.at("tier"), "web");
}

TEST(ImageImport, BadChangesSayWhatIsAllowed) {
  ImageConfig c;
  for (const char* bad : {"RUN apt-get update", "", "CMD", "CMD [1, 2]", "ENV =x", "ENV", "USER a b",
                          "EXPOSE 80/icmp", "EXPOSE", "WORKDIR", "LABEL \"unclosed"}) {
    try {
      apply_change(c, bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const berth::Error& e) {
      EXPECT_NE(e.message().find("invalid --change"), std::string::npos);
      EXPECT_NE(e.hint().find("CMD, ENTRYPOINT, ENV"), std::string::npos);
    }
  }
}

TEST(ImageImport, TarballBecomesAOneLayerImage) {
  berth::test::TempDir dir;
  Store store(dir.path() / "images");
  auto tar = dir.write("rootfs.tar.zst", berth::test::make_tar({{"bin/", 'd', "", "", 0755},
                                                                {"bin/x", 'f', "x", "", 0700, 1, 2}},
                                                               berth::test::Compression::zstd));
  auto ref = parse_reference("localhost/imported:1");
  std::string m = import_image(store, tar.string(), ref, {"CMD [\"/bin/x\"]"});
  Image img = store.find("localhost/imported:1");
  EXPECT_EQ(img.manifest_digest, m);
  ASSERT_EQ(img.layer_dirs.size(), 1u);
  EXPECT_EQ(img.manifest.layers[0].media_type, media::kOciLayer);
  EXPECT_EQ(img.manifest.layers[0].digest, img.config.diff_ids[0]);  // stored uncompressed
  EXPECT_EQ(berth::test::describe_tree(img.layer_dirs[0])["bin/x"].substr(0, 13), "700 1:2 file ");
  EXPECT_EQ(img.config.env[0].rfind("PATH=", 0), 0u);
  EXPECT_FALSE(img.config.created.empty());
}

TEST(ImageImport, BadChangeFailsBeforeAnythingIsStored) {
  berth::test::TempDir dir;
  Store store(dir.path() / "images");
  auto tar = dir.write("rootfs.tar", berth::test::make_tar({{"f", 'f', "x"}}));
  EXPECT_THROW(import_image(store, tar.string(), parse_reference("x:1"), {"FROM scratch"}), berth::Error);
  EXPECT_TRUE(std::filesystem::is_empty(store.root() / "blobs/sha256"));
}
