// berth image ... end to end: the berth binary against a real docker-registry on 127.0.0.1.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/registry.h"
#include "tests/support/run_berth.h"
#include "tests/support/tar_builder.h"
#include "tests/support/token_server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tree.h"

namespace stdfs = std::filesystem;
using berth::test::Compression;
using berth::test::LocalRegistry;
using berth::test::run_berth;
using berth::test::TarEntry;
using berth::test::TempDir;
using nlohmann::json;

namespace {

// One berth state: its own image store and docker client config.
struct Berth {
  TempDir dir;
  std::map<std::string, std::string> env{{"BERTH_ROOT", (dir.path() / "root").string()},
                                         {"BERTH_RUN_ROOT", (dir.path() / "run").string()},
                                         {"DOCKER_CONFIG", (dir.path() / "docker").string()},
                                         {"BERTH_REGISTRY_STALL_SECONDS", "3"}};

  berth::test::Result operator()(const std::vector<std::string>& args) const {
    return run_berth(args, dir.path().string(), env);
  }
  stdfs::path images() const { return dir.path() / "root" / "images"; }
  std::map<std::string, std::string> layers() const {
    if (!stdfs::exists(images() / "layers")) return {};
    return berth::test::describe_tree(images() / "layers");
  }
  size_t count(const char* sub) const {
    size_t n = 0;
    if (stdfs::exists(images() / sub))
      for ([[maybe_unused]] const auto& e : stdfs::directory_iterator(images() / sub)) ++n;
    return n;
  }
  json inspect(const std::string& name) const {
    auto r = (*this)({"image", "inspect", name});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out)[0];
  }
  std::string layer_dir(const std::string& name, size_t i) const {
    return inspect(name)["GraphDriver"]["Data"]["LowerDirs"][i].get<std::string>();
  }
};

#define EXPECT_OK(r) EXPECT_EQ((r).exit_code, 0) << (r).err << (r).out
#define EXPECT_FAILS_WITH(r, text)                                         \
  do {                                                                     \
    auto res_ = (r);                                                       \
    EXPECT_NE(res_.exit_code, 0) << res_.out;                              \
    EXPECT_NE(res_.err.find(text), std::string::npos) << res_.err;         \
  } while (0)

// Three layers: files with owners and modes, then deletions and an opaque dir, then more.
std::vector<berth::test::TestLayer> multi_layer_image() {
  return {
      berth::test::make_layer({
          {"etc/", 'd', "", "", 0755},
          {"etc/passwd", 'f', "root:x:0:0::/root:/bin/sh\n", "", 0644},
          {"etc/old", 'f', "to be deleted", "", 0600, 5, 6},
          {"app/", 'd', "", "", 0750, 1000, 1000},
          {"app/data", 'f', std::string(300000, 'd'), "", 0640, 1000, 1000},
          {"app/run", 'f', "#!/bin/sh\n", "", 04755},
          {"app/link", 'l', "", "run", 0777},
          {"app/hard", 'h', "", "app/run"},
          {"app/fifo", 'p', "", "", 0620},
          {"cache/", 'd', "", "", 0755},
          {"cache/a", 'f', "a"},
          {"cache/b", 'f', "b"},
          {"tmp/", 'd', "", "", 01777},
      }, Compression::gzip),
      berth::test::make_layer({
          {"etc/.wh.old", 'f'},
          {"cache/", 'd', "", "", 0700},
          {"cache/.wh..wh..opq", 'f'},
          {"cache/c", 'f', "c", "", 0444, 7, 8},
          {"app/data", 'f', "changed", "", 0600, 1000, 1000},
      }, Compression::zstd),
      berth::test::make_layer({
          {"srv/", 'd', "", "", 0711, 33, 33},
          {"srv/index.html", 'f', "<h1>hi</h1>", "", 0644, 33, 33},
          {"app/.wh.link", 'f'},
      }),
  };
}

std::string write_file(const TempDir& dir, const std::string& name, const std::string& data) {
  return dir.write(name, data).string();
}

}  // namespace

TEST(ImageE2E, ImportBusyboxDirectoryKeepsEveryByteOwnerAndMode) {
  Berth b;
  TempDir src;
  auto rootfs = src.path() / "rootfs";
  ASSERT_EQ(std::system((std::string(BERTH_SOURCE_DIR) + "/scripts/make-busybox-rootfs.sh " + rootfs.string()).c_str()), 0);
  auto r = b({"image", "import", rootfs.string(), "busybox:test", "--change", R"(CMD ["sh"])", "--change",
              "ENV GREETING=hello", "-c", "WORKDIR /home/app", "-c", "USER app", "-c", "EXPOSE 8080",
              "-c", "LABEL org.example=yes", "-c", "ENTRYPOINT [\"/bin/busybox\"]"});
  EXPECT_OK(r);
  EXPECT_EQ(r.out.rfind("sha256:", 0), 0u) << r.out;
  auto ls = b({"image", "ls"});
  EXPECT_NE(ls.out.find("busybox"), std::string::npos) << ls.out;
  EXPECT_NE(ls.out.find("test"), std::string::npos) << ls.out;
  json info = b.inspect("busybox:test");
  EXPECT_EQ(info["Config"]["Cmd"], json::array({"sh"}));
  EXPECT_EQ(info["Config"]["Entrypoint"], json::array({"/bin/busybox"}));
  EXPECT_EQ(info["Config"]["WorkingDir"], "/home/app");
  EXPECT_EQ(info["Config"]["User"], "app");
  EXPECT_TRUE(info["Config"]["ExposedPorts"].contains("8080/tcp"));
  EXPECT_EQ(info["Config"]["Labels"]["org.example"], "yes");
  EXPECT_EQ(info["Config"]["Env"][1], "GREETING=hello");
  EXPECT_EQ(info["RepoTags"][0], "busybox:test");
  // The unpacked layer is the directory that went in, byte for byte, owners and modes included.
  EXPECT_EQ(berth::test::describe_tree(info["GraphDriver"]["Data"]["LowerDirs"][0].get<std::string>()),
            berth::test::describe_tree(rootfs));
}

TEST(ImageE2E, ImportTarballAndBadChanges) {
  Berth b;
  TempDir src;
  auto tarball = write_file(src, "rootfs.tar.gz",
                            berth::test::make_tar({{"bin/", 'd', "", "", 0755}, {"bin/tool", 'f', "x", "", 0755}},
                                                  Compression::gzip));
  EXPECT_OK(b({"image", "import", tarball, "localhost/tool:1"}));
  EXPECT_TRUE(stdfs::exists(stdfs::path(b.layer_dir("localhost/tool:1", 0)) / "bin/tool"));
  EXPECT_FAILS_WITH(b({"image", "import", tarball, "x:1", "-c", "RUN make"}), "'RUN' is not an instruction");
  EXPECT_FAILS_WITH(b({"image", "import", tarball, "x:1", "-c", "CMD [\"unclosed\""}), "JSON array");
  EXPECT_FAILS_WITH(b({"image", "import", tarball, "x:1", "-c", "EXPOSE http"}), "PORT");
  EXPECT_FAILS_WITH(b({"image", "import", tarball, "Bad:Name"}), "invalid image reference");
  EXPECT_FAILS_WITH(b({"image", "import", (src.path() / "missing.tar").string(), "x:1"}), "no such file");
  auto evil = write_file(src, "evil.tar", berth::test::make_tar({{"ok", 'f', "1"}, {"../../evil", 'f', "2"}}));
  EXPECT_FAILS_WITH(b({"image", "import", evil, "x:1"}), "contains '..'");
  EXPECT_FAILS_WITH(b({"image", "inspect", "x:1"}), "no such image");
  EXPECT_EQ(b.count("tmp"), 0u);
}

TEST(ImageE2E, TagRemoveAndPruneFreeWhatNothingUses) {
  Berth b;
  TempDir src;
  auto tarball = write_file(src, "a.tar", berth::test::make_tar({{"a", 'f', "a"}}));
  EXPECT_OK(b({"image", "import", tarball, "localhost/a:1"}));
  EXPECT_OK(b({"image", "tag", "localhost/a:1", "localhost/a:2"}));
  auto id = b.inspect("localhost/a:2")["Id"].get<std::string>();
  EXPECT_EQ(b.inspect("localhost/a:1")["Id"], id);
  EXPECT_FAILS_WITH(b({"image", "rm", id.substr(7, 12)}), "has 2 tags");
  auto r = b({"image", "rm", "localhost/a:1"});
  EXPECT_OK(r);
  EXPECT_NE(r.out.find("Untagged: localhost/a:1"), std::string::npos);
  EXPECT_EQ(r.out.find("Deleted"), std::string::npos) << r.out;
  EXPECT_EQ(b.count("layers"), 1u);
  r = b({"image", "rm", "localhost/a:2"});
  EXPECT_NE(r.out.find("Deleted: " + id), std::string::npos) << r.out;
  EXPECT_EQ(b.count("layers"), 0u);
  EXPECT_EQ(b.count("blobs/sha256"), 0u);
  EXPECT_FAILS_WITH(b({"image", "rm", "localhost/a:2"}), "no such image");
  // prune removes leftovers of an interrupted pull.
  std::ofstream(b.images() / "partial" / std::string(64, 'a')) << "half a layer";
  EXPECT_OK(b({"image", "prune", "-f"}));
  EXPECT_EQ(b.count("partial"), 0u);
}

TEST(ImageE2E, RemovingAnImageAContainerUsesNeedsForce) {
  Berth b;
  TempDir src;
  EXPECT_OK(b({"image", "import", write_file(src, "a.tar", berth::test::make_tar({{"a", 'f', "a"}})), "localhost/a:1"}));
  std::string manifest = b.inspect("localhost/a:1")["Manifest"]["Digest"];
  // What the containers module records through Store::pin.
  std::ofstream(b.images() / "pins" / "0123456789abcdef") << manifest << "\n";
  EXPECT_FAILS_WITH(b({"image", "rm", "localhost/a:1"}), "is used by container 0123456789ab");
  EXPECT_OK(b({"image", "rm", "-f", "localhost/a:1"}));
  EXPECT_EQ(b({"image", "ls", "-q"}).out, "");
  EXPECT_EQ(b.count("layers"), 1u);  // kept for the container
}

TEST(ImageE2E, DamagedImageIsReportedAndRemovable) {
  Berth b;
  TempDir src;
  EXPECT_OK(b({"image", "import", write_file(src, "a.tar", berth::test::make_tar({{"a", 'f', "a"}})), "localhost/a:1"}));
  EXPECT_OK(b({"image", "import", write_file(src, "b.tar", berth::test::make_tar({{"b", 'f', "b"}})), "localhost/b:1"}));
  std::string config = b.inspect("localhost/a:1")["Id"];
  std::ofstream(b.images() / "blobs/sha256" / config.substr(7)) << "rot";
  auto ls = b({"image", "ls"});
  EXPECT_OK(ls);
  EXPECT_NE(ls.out.find("localhost/b"), std::string::npos);
  EXPECT_NE(ls.err.find("localhost/a:1 is damaged"), std::string::npos) << ls.err;
  EXPECT_FAILS_WITH(b({"image", "inspect", "localhost/a:1"}), "does not match its digest");
  EXPECT_OK(b({"image", "rm", "localhost/a:1"}));
  EXPECT_OK(b({"image", "ls"}));
  EXPECT_EQ(b({"image", "ls", "-q"}).out.size(), 13u);  // only b's ID left
}

TEST(ImageE2E, LoadOciArchiveWithWhiteoutsAndOpaqueDirs) {
  Berth b;
  TempDir src;
  auto layers = multi_layer_image();
  auto archive = write_file(src, "img.tar", berth::test::make_oci_archive(layers, "localhost/multi:1", R"({"Cmd":["sh"]})"));
  auto r = b({"image", "load", "-i", archive});
  EXPECT_OK(r);
  EXPECT_NE(r.out.find("Loaded image: localhost/multi:1"), std::string::npos) << r.out;
  auto l0 = berth::test::describe_tree(b.layer_dir("localhost/multi:1", 0));
  auto l1 = berth::test::describe_tree(b.layer_dir("localhost/multi:1", 1));
  auto l2 = berth::test::describe_tree(b.layer_dir("localhost/multi:1", 2));
  EXPECT_EQ(l0["app"], "750 1000:1000 dir");
  EXPECT_EQ(l0["etc/old"].substr(0, 15), "600 5:6 file 13");
  EXPECT_EQ(l0["app/run"].substr(0, 10), "4755 0:0 f");
  EXPECT_NE(l0["app/hard"].find("links=2"), std::string::npos);
  EXPECT_EQ(l0["app/fifo"], "620 0:0 fifo");
  EXPECT_EQ(l0["tmp"], "1777 0:0 dir");
  EXPECT_EQ(l1["etc/old"], "0 0:0 chardev 0:0");
  EXPECT_EQ(l1["cache"], "700 0:0 dir opaque=y");
  EXPECT_EQ(l1["cache/c"].substr(0, 13), "444 7:8 file ");
  EXPECT_EQ(l1.count("cache/.wh..wh..opq"), 0u);
  EXPECT_EQ(l2["app/link"], "0 0:0 chardev 0:0");
  EXPECT_EQ(l2["srv"], "711 33:33 dir");
}

TEST(ImageE2E, SaveAndLoadRoundTripBothFormats) {
  Berth a, b, c;
  TempDir src;
  auto archive = write_file(src, "img.tar", berth::test::make_oci_archive(multi_layer_image(), "localhost/multi:1"));
  EXPECT_OK(a({"image", "load", "-i", archive}));
  auto saved = (src.path() / "saved.tar").string();
  EXPECT_OK(a({"image", "save", "-o", saved, "localhost/multi:1"}));
  EXPECT_OK(b({"image", "load", "-i", saved}));
  EXPECT_EQ(b.inspect("localhost/multi:1")["Id"], a.inspect("localhost/multi:1")["Id"]);
  EXPECT_EQ(b.layers(), a.layers());

  // The older `docker save` layout: <id>/layer.tar, <config>.json, manifest.json.
  auto l = berth::test::make_layer({{"hello", 'f', "world", "", 0640, 3, 4}});
  std::string config = json{{"architecture", "amd64"}, {"os", "linux"}, {"config", {{"Cmd", {"sh"}}}},
                            {"rootfs", {{"type", "layers"}, {"diff_ids", {l.diff_id}}}}}.dump();
  std::string config_name = berth::test::sha256(config).substr(7) + ".json";
  std::string manifest = json::array({{{"Config", config_name}, {"RepoTags", {"legacy:1"}},
                                        {"Layers", {"abc/layer.tar"}}}}).dump();
  auto legacy = write_file(src, "legacy.tar", berth::test::make_tar({{"abc/", 'd'}, {"abc/layer.tar", 'f', l.blob},
                                                                     {config_name, 'f', config},
                                                                     {"manifest.json", 'f', manifest}}));
  auto r = c({"image", "load", "-i", legacy});
  EXPECT_OK(r);
  EXPECT_NE(r.out.find("Loaded image: legacy:1"), std::string::npos) << r.out;
  EXPECT_EQ(berth::test::describe_tree(c.layer_dir("legacy:1", 0))["hello"].substr(0, 14), "640 3:4 file 5");

  EXPECT_FAILS_WITH(c({"image", "load", "-i", write_file(src, "junk.tar", berth::test::make_tar({{"x", 'f', "y"}}))}),
                    "not an image archive");
  // A truncated archive loads nothing.
  std::ifstream in(saved, std::ios::binary);
  std::string whole((std::istreambuf_iterator<char>(in)), {});
  Berth d;
  auto cut = write_file(src, "cut.tar", whole.substr(0, whole.size() / 2));
  auto res = d({"image", "load", "-i", cut});
  EXPECT_NE(res.exit_code, 0);
  EXPECT_FALSE(res.err.empty());
  EXPECT_EQ(d({"image", "ls", "-q"}).out, "");
  EXPECT_EQ(d.count("tmp"), 0u);
}

namespace {

// A loaded multi-layer image pushed to `registry` as REPO:TAG from state `a`.
std::string push_multi(const Berth& a, const LocalRegistry& registry, const std::string& repo_tag) {
  TempDir src;
  auto archive = write_file(src, "img.tar", berth::test::make_oci_archive(multi_layer_image(), "localhost/multi:1"));
  EXPECT_OK(a({"image", "load", "-i", archive}));
  std::string target = registry.address() + "/" + repo_tag;
  EXPECT_OK(a({"image", "tag", "localhost/multi:1", target}));
  return target;
}

// A TCP listener that accepts connections and never answers: a stalled registry.
struct SilentServer {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int port = 0;
  SilentServer() {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    ::listen(fd, 16);
  }
  ~SilentServer() { ::close(fd); }
};

stdfs::path registry_blob(const LocalRegistry& registry, const std::string& digest) {
  std::string hex = digest.substr(7);
  return registry.storage() / "docker/registry/v2/blobs/sha256" / hex.substr(0, 2) / hex / "data";
}

}  // namespace

TEST(ImageRegistryE2E, PushThenPullGivesTheSameTreesByteForByte) {
  LocalRegistry registry;
  Berth a, b;
  std::string target = push_multi(a, registry, "team/multi:v1");
  auto r = a({"image", "push", target});
  EXPECT_OK(r);
  EXPECT_NE(r.out.find("Pushed"), std::string::npos) << r.out;
  // A second push finds every blob there already.
  r = a({"image", "push", target});
  EXPECT_NE(r.out.find("Layer already exists"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Pushed"), std::string::npos) << r.out;

  r = b({"--progress", "plain", "image", "pull", target});
  EXPECT_OK(r);
  EXPECT_NE(r.out.find("Pull complete"), std::string::npos) << r.out;
  EXPECT_EQ(b.inspect(target)["Id"], a.inspect(target)["Id"]);
  EXPECT_EQ(b.inspect(target)["Manifest"]["Digest"], a.inspect(target)["Manifest"]["Digest"]);
  EXPECT_EQ(b.layers(), a.layers());
  EXPECT_FALSE(b.layers().empty());

  // By digest, into a third store; again, layers present are not fetched twice.
  std::string digest = a.inspect(target)["Manifest"]["Digest"];
  std::string by_digest = registry.address() + "/team/multi@" + digest;
  EXPECT_OK(b({"image", "pull", by_digest}));
  r = b({"--progress", "plain", "image", "pull", target});
  EXPECT_NE(r.out.find("Already exists"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Downloading"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Status: Image is up to date"), std::string::npos) << r.out;
}

TEST(ImageRegistryE2E, ManifestListPicksThePlatform) {
  LocalRegistry registry;
  Berth a, b;
  TempDir src;
  std::string repo = registry.address() + "/multiarch";
  auto one = write_file(src, "one.tar", berth::test::make_tar({{"which", 'f', "amd64"}}));
  auto two = write_file(src, "two.tar", berth::test::make_tar({{"which", 'f', "arm64"}}));
  EXPECT_OK(a({"image", "import", one, repo + ":amd64"}));
  EXPECT_OK(a({"image", "import", two, repo + ":arm64"}));
  EXPECT_OK(a({"image", "push", repo + ":amd64"}));
  EXPECT_OK(a({"image", "push", repo + ":arm64"}));
  auto desc = [&](const std::string& tag, const std::string& arch) {
    auto info = a.inspect(repo + ":" + tag);
    std::string m = info["Manifest"]["Digest"];
    auto size = stdfs::file_size(a.images() / "blobs/sha256" / m.substr(7));
    return json{{"mediaType", "application/vnd.oci.image.manifest.v1+json"}, {"digest", m}, {"size", size},
                {"platform", {{"os", "linux"}, {"architecture", arch}}}};
  };
  json index = {{"schemaVersion", 2}, {"mediaType", "application/vnd.oci.image.index.v1+json"},
                {"manifests", {desc("amd64", "amd64"), desc("arm64", "arm64")}}};
  auto index_file = write_file(src, "index.json", index.dump());
  std::string cmd = "curl -sf -X PUT -H 'Content-Type: application/vnd.oci.image.index.v1+json' --data-binary @" +
                    index_file + " http://" + registry.address() + "/v2/multiarch/manifests/latest";
  ASSERT_EQ(std::system(cmd.c_str()), 0);

  EXPECT_OK(b({"image", "pull", "--platform", "linux/arm64", repo}));
  auto arm = berth::test::describe_tree(b.layer_dir(repo, 0));
  EXPECT_EQ(arm["which"].substr(0, 13), "644 0:0 file ");
  std::ifstream in(stdfs::path(b.layer_dir(repo, 0)) / "which");
  std::string which;
  in >> which;
  EXPECT_EQ(which, "arm64");
  EXPECT_OK(b({"image", "pull", "--platform", "linux/amd64", repo}));
  std::ifstream in2(stdfs::path(b.layer_dir(repo, 0)) / "which");
  in2 >> which;
  EXPECT_EQ(which, "amd64");
  EXPECT_FAILS_WITH(b({"image", "pull", "--platform", "linux/s390x", repo}), "no variant for platform linux/s390x");
}

TEST(ImageRegistryE2E, BasicAuthLoginLogout) {
  LocalRegistry registry("tester", "s3cret-pass");
  Berth a, b;
  std::string target = push_multi(a, registry, "private/app:1");
  EXPECT_FAILS_WITH(a({"image", "push", target}), "berth login " + registry.address());
  auto wrong = a({"login", "-u", "tester", "-p", "wrong", registry.address()});
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.err.find("refused"), std::string::npos) << wrong.err;
  EXPECT_OK(a({"login", "-u", "tester", "-p", "s3cret-pass", registry.address()}));
  EXPECT_OK(a({"image", "push", target}));
  // The credentials are docker's format: another client reading ~/.docker/config.json finds them.
  auto config = json::parse(std::ifstream(a.dir.path() / "docker/config.json"));
  EXPECT_TRUE(config["auths"].contains(registry.address()));
  EXPECT_FAILS_WITH(b({"image", "pull", target}), "refused access");
  EXPECT_EQ(b({"image", "ls", "-q"}).out, "");
  stdfs::create_directories(b.dir.path() / "docker");
  stdfs::copy_file(a.dir.path() / "docker/config.json", b.dir.path() / "docker/config.json");
  EXPECT_OK(b({"image", "pull", target}));
  EXPECT_EQ(b.layers(), a.layers());
  auto out = a({"logout", registry.address()});
  EXPECT_NE(out.out.find("Removing login credentials"), std::string::npos) << out.out;
  EXPECT_FAILS_WITH(a({"image", "pull", target}), "log in first");
}

TEST(ImageRegistryE2E, RegistryErrorsAreClearAndLeaveNoImage) {
  LocalRegistry registry;
  Berth a, b;
  std::string target = push_multi(a, registry, "errs/app:1");
  EXPECT_OK(a({"image", "push", target}));

  EXPECT_FAILS_WITH(b({"image", "pull", registry.address() + "/errs/app:missing"}), "not found");
  EXPECT_FAILS_WITH(b({"image", "pull", registry.address() + "/errs/nothing:1"}), "not found");

  // A layer whose bytes the registry serves wrongly: the digest check catches it.
  auto info = a.inspect(target);
  auto manifest = json::parse(std::ifstream(a.images() / "blobs/sha256" /
                                            info["Manifest"]["Digest"].get<std::string>().substr(7)));
  std::string layer = manifest["layers"][2]["digest"];
  auto data = registry_blob(registry, layer);
  std::string original;
  {
    std::ifstream in(data, std::ios::binary);
    original.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::string tampered = original;
  tampered[tampered.size() / 2] ^= 0x55;
  std::ofstream(data, std::ios::binary | std::ios::trunc) << tampered;
  EXPECT_FAILS_WITH(b({"image", "pull", target}), "does not match its digest");
  EXPECT_EQ(b({"image", "ls", "-q"}).out, "");
  EXPECT_EQ(b.count("tmp"), 0u);

  // A registry failing inside (its tag link replaced by a directory): a 500 and a clear error.
  std::ofstream(data, std::ios::binary | std::ios::trunc) << original;
  auto link = registry.storage() / "docker/registry/v2/repositories/errs/app/_manifests/tags/1/current/link";
  ASSERT_TRUE(stdfs::exists(link));
  stdfs::remove(link);
  stdfs::create_directory(link);
  EXPECT_FAILS_WITH(b({"image", "pull", target}), "answered 500");
  EXPECT_EQ(b({"image", "ls", "-q"}).out, "");

  // A registry that never answers: a stall error, not a hang.
  SilentServer silent;
  EXPECT_FAILS_WITH(b({"image", "pull", "127.0.0.1:" + std::to_string(silent.port) + "/x:1"}), "stalled");
  // Nothing listening at all.
  EXPECT_FAILS_WITH(b({"image", "pull", "127.0.0.1:" + std::to_string(berth::test::free_port()) + "/x:1"}),
                    "cannot reach");
}

TEST(ImageRegistryE2E, InterruptedDownloadResumes) {
  LocalRegistry registry;
  Berth a, b;
  TempDir src;
  std::string noise(2 << 20, '\0');
  unsigned x = 12345;
  for (auto& ch : noise) ch = static_cast<char>((x = x * 1103515245 + 12345) >> 16);
  std::string target = registry.address() + "/resume/app:1";
  EXPECT_OK(a({"image", "import", write_file(src, "big.tar", berth::test::make_tar({{"noise", 'f', noise}})), target}));
  EXPECT_OK(a({"image", "push", target}));
  auto manifest = json::parse(std::ifstream(
      a.images() / "blobs/sha256" / a.inspect(target)["Manifest"]["Digest"].get<std::string>().substr(7)));
  std::string layer = manifest["layers"][0]["digest"];
  std::string blob;
  {
    std::ifstream in(a.images() / "blobs/sha256" / layer.substr(7), std::ios::binary);
    blob.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GT(blob.size(), 1000u);
  stdfs::create_directories(b.images() / "partial");
  // A wrong first half proves the rest is fetched with a range: the result cannot match, is
  // discarded, and the next pull starts that layer afresh.
  std::string wrong = blob.substr(0, blob.size() / 2);
  wrong[10] ^= 1;
  std::ofstream(b.images() / "partial" / layer.substr(7), std::ios::binary) << wrong;
  EXPECT_FAILS_WITH(b({"image", "pull", target}), "does not match its digest");
  EXPECT_FALSE(stdfs::exists(b.images() / "partial" / layer.substr(7)));
  // A right first half is continued and completes the pull.
  std::ofstream(b.images() / "partial" / layer.substr(7), std::ios::binary) << blob.substr(0, blob.size() / 2);
  EXPECT_OK(b({"image", "pull", target}));
  EXPECT_EQ(b.layers(), a.layers());
  EXPECT_EQ(b.count("partial"), 0u);
}

TEST(ImageE2E, BadLayerInArchiveLeavesNothingBehind) {
  Berth a;
  TempDir src;
  auto evil = berth::test::make_layer({{"ok", 'f', "1"}, {"link", 'l', "", "../../../../tmp"}});
  auto archive = write_file(src, "evil.tar", berth::test::make_oci_archive({evil}, "localhost/evil:1"));
  EXPECT_FAILS_WITH(a({"image", "load", "-i", archive}), "points outside the layer");
  EXPECT_EQ(a({"image", "ls", "-q"}).out, "");
  EXPECT_EQ(a.count("layers"), 0u);
  EXPECT_EQ(a.count("tmp"), 0u);
}

TEST(ImageRegistryE2E, ChunkedUploadAndCrossRepositoryMount) {
  LocalRegistry registry;
  Berth a, b;
  TempDir src;
  std::string noise(1 << 20, '\0');
  unsigned x = 777;
  for (auto& ch : noise) ch = static_cast<char>((x = x * 1103515245 + 12345) >> 16);
  std::string first = registry.address() + "/one/app:1";
  EXPECT_OK(a({"image", "import", write_file(src, "n.tar", berth::test::make_tar({{"noise", 'f', noise}})), first}));
  a.env["BERTH_PUSH_CHUNK_BYTES"] = "100000";  // about 11 PATCH requests for the layer
  auto r = a({"--progress", "plain", "image", "push", first});
  EXPECT_OK(r);
  EXPECT_NE(r.out.find("Pushed"), std::string::npos) << r.out;
  EXPECT_NE(registry.log().find("PATCH"), std::string::npos);
  // The same image under another repository: the registry mounts the blobs from the first.
  std::string second = registry.address() + "/two/app:1";
  EXPECT_OK(a({"image", "tag", first, second}));
  r = a({"--progress", "plain", "image", "push", second});
  EXPECT_OK(r);
  EXPECT_NE(r.out.find("Mounted from one/app"), std::string::npos) << r.out;
  EXPECT_OK(b({"image", "pull", second}));
  EXPECT_EQ(b.layers(), a.layers());
}

TEST(ImageRegistryE2E, RepeatedLayerIsFetchedOnce) {
  LocalRegistry registry;
  Berth a, b;
  TempDir src;
  auto same = berth::test::make_layer({{"same", 'f', std::string(500000, 's')}}, Compression::gzip);
  auto other = berth::test::make_layer({{"other", 'f', "o"}});
  std::string target = registry.address() + "/repeat/app:1";
  auto archive = write_file(src, "r.tar", berth::test::make_oci_archive({same, other, same}, target));
  EXPECT_OK(a({"image", "load", "-i", archive}));
  EXPECT_OK(a({"image", "push", target}));
  auto r = b({"--progress", "plain", "image", "pull", target});
  EXPECT_OK(r);
  EXPECT_EQ(b.layers(), a.layers());
  EXPECT_EQ(b.count("layers"), 2u);
  EXPECT_EQ(b.inspect(target)["GraphDriver"]["Data"]["LowerDirs"].size(), 3u);
}

TEST(ImageRegistryE2E, BearerTokenAuthFromTheChallenge) {
  berth::test::TokenServer tokens("tokenuser", "tokenpass");
  LocalRegistry registry({}, {}, tokens.registry_auth_yaml());
  Berth a, b;
  std::string target = push_multi(a, registry, "bearer/app:1");
  EXPECT_FAILS_WITH(a({"image", "push", target}), "refused access");
  EXPECT_NE(a({"login", "-u", "tokenuser", "-p", "wrong", registry.address()}).exit_code, 0);
  EXPECT_OK(a({"login", "-u", "tokenuser", "-p", "tokenpass", registry.address()}));
  EXPECT_OK(a({"image", "push", target}));
  bool asked_for_push = false;
  for (const auto& line : tokens.requests())
    if (line.find("scope=repository:bearer/app:pull,push") != std::string::npos &&
        line.find("service=berth-test") != std::string::npos)
      asked_for_push = true;
  EXPECT_TRUE(asked_for_push);
  stdfs::create_directories(b.dir.path() / "docker");
  stdfs::copy_file(a.dir.path() / "docker/config.json", b.dir.path() / "docker/config.json");
  EXPECT_OK(b({"image", "pull", target}));
  EXPECT_EQ(b.layers(), a.layers());
}

// skopeo (containers/image) as an independent peer: it reads what berth pushed and saved, and
// berth reads what it pushed.
TEST(ImageRegistryE2E, SkopeoReadsWhatBerthWritesAndBack) {
  if (::access("/usr/bin/skopeo", X_OK) != 0) GTEST_SKIP() << "skopeo is not installed (scripts/install-deps.sh)";
  LocalRegistry registry;
  Berth a, b;
  TempDir work;
  std::string target = push_multi(a, registry, "peer/app:1");
  EXPECT_OK(a({"image", "push", target}));
  auto run = [](const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); };
  std::string policy = write_file(work, "policy.json", R"({"default":[{"type":"insecureAcceptAnything"}]})");
  std::string skopeo = "skopeo --policy " + policy + " ";
  // skopeo fetches berth's push (checking every digest itself) into an OCI layout...
  ASSERT_EQ(run(skopeo + "copy --src-tls-verify=false docker://" + target + " oci:" + (work.path() / "oci").string() + ":x"), 0);
  // ...and pushes it to another repository, from which berth pulls.
  std::string back = registry.address() + "/peer/back:1";
  ASSERT_EQ(run(skopeo + "copy --dest-tls-verify=false oci:" + (work.path() / "oci").string() + ":x docker://" + back), 0);
  EXPECT_OK(b({"image", "pull", back}));
  EXPECT_EQ(b.layers(), a.layers());
  // berth's save is an OCI archive skopeo reads.
  auto saved = (work.path() / "saved.tar").string();
  EXPECT_OK(a({"image", "save", "-o", saved, target}));
  std::string from_archive = registry.address() + "/peer/archive:1";
  ASSERT_EQ(run(skopeo + "copy --dest-tls-verify=false oci-archive:" + saved + " docker://" + from_archive), 0);
  Berth c;
  EXPECT_OK(c({"image", "pull", from_archive}));
  EXPECT_EQ(c.layers(), a.layers());
  EXPECT_EQ(c.inspect(from_archive)["Id"], a.inspect(target)["Id"]);
}

TEST(ImageE2E, SaveToAPipeAndLoadFromIt) {
  Berth a, b;
  TempDir src;
  auto archive = write_file(src, "img.tar", berth::test::make_oci_archive(multi_layer_image(), "localhost/multi:1"));
  EXPECT_OK(a({"image", "load", "-i", archive}));
  std::string cmd = "BERTH_ROOT=" + a.env.at("BERTH_ROOT") + " " BERTH_BINARY " image save localhost/multi:1 | BERTH_ROOT=" +
                    b.env.at("BERTH_ROOT") + " " BERTH_BINARY " image load > " + (src.path() / "out").string();
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(b.layers(), a.layers());
  std::ifstream out(src.path() / "out");
  std::string line;
  std::getline(out, line);
  EXPECT_EQ(line, "Loaded image: localhost/multi:1");
  // An import from stdin too.
  auto tar = write_file(src, "root.tar", berth::test::make_tar({{"f", 'f', "from stdin"}}));
  cmd = "BERTH_ROOT=" + b.env.at("BERTH_ROOT") + " " BERTH_BINARY " image import - localhost/stdin:1 < " + tar + " > /dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_TRUE(stdfs::exists(stdfs::path(b.layer_dir("localhost/stdin:1", 0)) / "f"));
}
