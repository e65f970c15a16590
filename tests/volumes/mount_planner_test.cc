#include "volumes/mount_planner.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <fstream>

#include "tests/volumes/mount_namespace.h"
#include "tests/volumes/state_roots.h"
#include "tests/volumes/tree_listing.h"
#include "util/error.h"

using berth::Error;
using berth::runtime::Mount;
using berth::test::StateRoots;
using namespace berth::volumes;
namespace fs = std::filesystem;

namespace {
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.render();
  }
  return "(no error)";
}

MountSpec bind(std::string source, std::string target) {
  MountSpec s;
  s.kind = MountKind::bind;
  s.source = std::move(source);
  s.target = std::move(target);
  return s;
}
MountSpec volume(std::string source, std::string target) {
  MountSpec s;
  s.kind = MountKind::volume;
  s.source = std::move(source);
  s.target = std::move(target);
  return s;
}
MountSpec tmpfs(std::string target) {
  MountSpec s;
  s.kind = MountKind::tmpfs;
  s.target = std::move(target);
  return s;
}

struct Fixture {
  StateRoots roots;
  VolumeStore store;
  MountRequest request;
  Fixture() {
    request.project = "shop";
    request.container = "shop-web-1";
    request.project_dir = roots.path() / "project";
    fs::create_directories(request.project_dir);
    request.volumes["data"] = VolumeDefinition{"shop_data", false, "", {}, {}};
  }
  // Nothing of the project's made: no volume, nothing new in the project directory.
  void expect_nothing_created() {
    EXPECT_TRUE(store.list().empty());
    EXPECT_TRUE(fs::is_empty(request.project_dir));
  }
};
}  // namespace

TEST(MountPlanner, BindRelativeCreatedReadOnlyWithPropagation) {
  Fixture f;
  auto spec = bind("./site/html", "/usr/share/nginx/html");
  spec.create_host_path = true;
  spec.read_only = true;
  spec.propagation = "rslave";
  f.request.mounts = {spec};
  auto out = prepare_mounts(f.store, f.request);
  ASSERT_EQ(out.mounts.size(), 1u);
  const Mount& m = out.mounts[0];
  EXPECT_EQ(m.destination, "/usr/share/nginx/html");
  EXPECT_EQ(m.type, "bind");
  EXPECT_EQ(m.source, fs::canonical(f.request.project_dir / "site/html").string());
  EXPECT_EQ(m.options, (std::vector<std::string>{"rbind", "ro", "rslave"}));
  EXPECT_TRUE(fs::is_directory(f.request.project_dir / "site/html"));
}

TEST(MountPlanner, BindTildeIsTheHomeDirectory) {
  Fixture f;
  auto home = f.roots.path() / "home";
  fs::create_directories(home / ".config");
  const char* old = std::getenv("HOME");
  std::string saved = old ? old : "";
  ::setenv("HOME", home.c_str(), 1);
  f.request.mounts = {bind("~/.config", "/config")};
  auto out = prepare_mounts(f.store, f.request);
  if (old) ::setenv("HOME", saved.c_str(), 1);
  ASSERT_EQ(out.mounts.size(), 1u);
  EXPECT_EQ(out.mounts[0].source, fs::canonical(home / ".config").string());
  EXPECT_EQ(out.mounts[0].options, (std::vector<std::string>{"rbind", "rw", "rprivate"}));
}

TEST(MountPlanner, MissingBindSourceWithoutCreateHostPathIsAnError) {
  Fixture f;
  f.request.mounts = {bind("./nothing-here", "/data")};
  auto err = error_of([&] { prepare_mounts(f.store, f.request); });
  EXPECT_NE(err.find("does not exist"), std::string::npos) << err;
  EXPECT_NE(err.find("create_host_path"), std::string::npos) << err;
  f.expect_nothing_created();
}

TEST(MountPlanner, BrokenSymlinkBindSourceIsAnErrorAndCreatesNothing) {
  Fixture f;
  fs::create_symlink(f.roots.path() / "gone/deeper", f.request.project_dir / "link");
  auto spec = bind("./link", "/data");
  spec.create_host_path = true;  // must not create the symlink's target either
  spec.where = "services.web.volumes[0]";
  f.request.mounts = {volume("data", "/var/lib/data"), spec};
  auto err = error_of([&] { prepare_mounts(f.store, f.request); });
  EXPECT_NE(err.find("services.web.volumes[0]"), std::string::npos) << err;
  EXPECT_NE(err.find("is a symlink to"), std::string::npos) << err;
  EXPECT_NE(err.find("does not exist"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(f.roots.path() / "gone"));
  EXPECT_TRUE(f.store.list().empty());
}

TEST(MountPlanner, SymlinkLoopBindSourceIsAnError) {
  Fixture f;
  fs::create_symlink("loop", f.request.project_dir / "loop");
  f.request.mounts = {bind("./loop", "/data")};
  EXPECT_NE(error_of([&] { prepare_mounts(f.store, f.request); }).find("loops"), std::string::npos);
}

TEST(MountPlanner, TargetMustBeAbsolute) {
  Fixture f;
  auto created = bind("./made", "/made");
  created.create_host_path = true;
  f.request.mounts = {created, volume("data", "var/lib/data")};
  auto err = error_of([&] { prepare_mounts(f.store, f.request); });
  EXPECT_NE(err.find("'var/lib/data' is not an absolute path"), std::string::npos) << err;
  f.expect_nothing_created();
}

TEST(MountPlanner, UndefinedVolumeIsAnError) {
  Fixture f;
  f.request.mounts = {volume("data", "/a"), volume("dtaa", "/b")};
  auto err = error_of([&] { prepare_mounts(f.store, f.request); });
  EXPECT_NE(err.find("volume 'dtaa' is not defined"), std::string::npos) << err;
  EXPECT_NE(err.find("top-level 'volumes:'"), std::string::npos) << err;
  f.expect_nothing_created();
}

TEST(MountPlanner, DuplicateTargetIsAnError) {
  Fixture f;
  f.request.mounts = {volume("data", "/a/"), tmpfs("/a")};
  EXPECT_NE(error_of([&] { prepare_mounts(f.store, f.request); }).find("mounted twice"),
            std::string::npos);
  f.expect_nothing_created();
}

TEST(MountPlanner, UnknownPropagationIsAnError) {
  Fixture f;
  auto spec = bind(".", "/src");
  spec.propagation = "everywhere";
  f.request.mounts = {spec};
  EXPECT_NE(error_of([&] { prepare_mounts(f.store, f.request); }).find("unknown propagation"),
            std::string::npos);
}

TEST(MountPlanner, NamedVolumeIsCreatedWithProjectLabelsAndCounted) {
  Fixture f;
  f.request.mounts = {volume("data", "/var/lib/data")};
  auto out = prepare_mounts(f.store, f.request);
  auto record = f.store.inspect("shop_data");
  EXPECT_EQ(record.labels.at(kProjectLabel), "shop");
  EXPECT_EQ(record.labels.at(kVolumeLabel), "data");
  EXPECT_EQ(record.users, std::vector<std::string>{"shop-web-1"});
  ASSERT_EQ(out.mounts.size(), 1u);
  EXPECT_EQ(out.mounts[0].source, f.store.data_dir("shop_data").string());
  EXPECT_EQ(out.mounts[0].options, (std::vector<std::string>{"rbind", "rw", "rprivate"}));
  EXPECT_EQ(out.volumes, std::vector<std::string>{"shop_data"});
  EXPECT_TRUE(out.anonymous_volumes.empty());
  release_mounts(f.store, f.request.container, f.request.anonymous_owner(), out.volumes, true);
  EXPECT_TRUE(f.store.inspect("shop_data").users.empty());
  EXPECT_TRUE(f.store.find("shop_data"));  // named volumes outlive their containers
}

TEST(MountPlanner, ExternalVolumeMustExistAndIsNotCreated) {
  Fixture f;
  f.request.volumes["ext"] = VolumeDefinition{"company-data", true, "", {}, {}};
  f.request.mounts = {volume("data", "/a"), volume("ext", "/b")};
  auto err = error_of([&] { prepare_mounts(f.store, f.request); });
  EXPECT_NE(err.find("external volume 'company-data' not found"), std::string::npos) << err;
  // shop_data was created before the external one was looked up: it is removed again.
  EXPECT_TRUE(f.store.list().empty());
  f.store.create({"company-data", "local", {}, {}});
  auto out = prepare_mounts(f.store, f.request);
  EXPECT_EQ(out.mounts[1].source, f.store.data_dir("company-data").string());
  EXPECT_TRUE(f.store.inspect("company-data").labels.empty());
}

TEST(MountPlanner, AnonymousVolumeIsGeneratedKeptAcrossRecreationAndRemovedWithRmV) {
  Fixture f;
  f.request.mounts = {volume("", "/cache")};
  f.request.container = "0123first";  // a container id; its name stays the same on recreation
  f.request.owner = "shop-web-1";
  auto first = prepare_mounts(f.store, f.request);
  ASSERT_EQ(first.anonymous_volumes.size(), 1u);
  std::string name = first.anonymous_volumes[0];
  EXPECT_EQ(name.size(), 64u);
  EXPECT_EQ(name.find_first_not_of("0123456789abcdef"), std::string::npos);
  auto record = f.store.inspect(name);
  EXPECT_TRUE(record.anonymous());
  EXPECT_EQ(record.labels.at(kContainerLabel), "shop-web-1");
  std::ofstream(f.store.data_dir(name) / "kept") << "survives recreation";

  // The container is recreated (same name, new id): it gets the same anonymous volume back.
  release_mounts(f.store, f.request.container, f.request.anonymous_owner(), first.volumes, false);
  EXPECT_TRUE(f.store.inspect(name).users.empty());
  f.request.container = "4567second";
  auto second = prepare_mounts(f.store, f.request);
  EXPECT_EQ(f.store.inspect(name).users, std::vector<std::string>{"4567second"});
  EXPECT_EQ(second.anonymous_volumes, first.anonymous_volumes);
  EXPECT_TRUE(fs::exists(f.store.data_dir(name) / "kept"));

  // rm -v: its anonymous volumes go with it.
  release_mounts(f.store, f.request.container, f.request.anonymous_owner(), second.volumes, true);
  EXPECT_FALSE(f.store.find(name));
}

TEST(MountPlanner, TmpfsSizeModeAndReadOnly) {
  Fixture f;
  auto spec = tmpfs("/run/cache");
  spec.tmpfs_size = 64 * 1024 * 1024;
  spec.tmpfs_mode = 01777;
  spec.read_only = true;
  f.request.mounts = {spec};
  auto out = prepare_mounts(f.store, f.request);
  ASSERT_EQ(out.mounts.size(), 1u);
  EXPECT_EQ(out.mounts[0].type, "tmpfs");
  EXPECT_EQ(out.mounts[0].options,
            (std::vector<std::string>{"nosuid", "nodev", "ro", "size=67108864", "mode=1777"}));
  auto bad = tmpfs("/x");
  bad.tmpfs_mode = 070000;
  f.request.mounts = {bad};
  EXPECT_NE(error_of([&] { prepare_mounts(f.store, f.request); }).find("not a file mode"),
            std::string::npos);
}

TEST(MountPlanner, SubpathEscapingTheVolumeIsRefusedBeforeAnythingIsCreated) {
  Fixture f;
  auto made = bind("./would-be-made", "/m");
  made.create_host_path = true;
  for (std::string sub : {"../../etc", "/etc", "a/../../b"}) {
    auto spec = volume("data", "/var/lib/data");
    spec.subpath = sub;
    f.request.mounts = {made, spec};
    auto err = error_of([&] { prepare_mounts(f.store, f.request); });
    EXPECT_NE(err.find("leads out of the volume"), std::string::npos) << sub << ": " << err;
    f.expect_nothing_created();
  }
}

TEST(MountPlanner, SubpathSymlinksResolveInsideTheVolume) {
  Fixture f;
  f.store.create({"shop_data", "local", {}, {}});
  auto data = f.store.data_dir("shop_data");
  fs::create_directories(data / "sites/blog");
  fs::create_symlink("/etc", data / "to-etc");
  fs::create_symlink("../../../../../..", data / "way-up");

  auto ok = volume("data", "/blog");
  ok.subpath = "sites/blog";
  f.request.mounts = {ok};
  EXPECT_EQ(prepare_mounts(f.store, f.request).mounts[0].source, (data / "sites/blog").string());

  // A link to /etc means the volume's /etc, which does not exist: an error, not the host's /etc.
  auto etc = volume("data", "/conf");
  etc.subpath = "to-etc";
  etc.where = "services.web.volumes[1]";
  f.request.mounts = {etc};
  auto err = error_of([&] { prepare_mounts(f.store, f.request); });
  EXPECT_NE(err.find("services.web.volumes[1]: volume data:/conf: cannot open 'subpath to-etc"),
            std::string::npos)
      << err;
  // A link that climbs stops at the volume's root.
  auto up = volume("data", "/up");
  up.subpath = "way-up";
  f.request.mounts = {up};
  EXPECT_EQ(prepare_mounts(f.store, f.request).mounts[0].source, data.string());
}

TEST(MountPlanner, FailureAfterCreationRemovesWhatThisCallCreated) {
  Fixture f;
  auto made = bind("./made/here", "/m");
  made.create_host_path = true;
  auto missing = volume("data", "/d");
  missing.subpath = "not-there";  // passes the checks, fails when the new volume is opened
  f.request.mounts = {made, missing};
  auto err = error_of([&] { prepare_mounts(f.store, f.request); });
  EXPECT_NE(err.find("subpath not-there"), std::string::npos) << err;
  f.expect_nothing_created();
}

TEST(MountPlanner, VolumesFromCopiesMountsReadOnlyUnlessOverridden) {
  Fixture f;
  VolumesFrom from;
  from.from = "service:db";
  from.read_only = true;
  from.mounts = {{"/var/lib/db", "bind", "/somewhere/db", {"rbind", "rw", "rprivate"}},
                 {"/logs", "bind", "/somewhere/logs", {"rbind", "rprivate"}}};
  f.request.volumes_from = {from};
  f.request.mounts = {tmpfs("/logs")};
  auto out = prepare_mounts(f.store, f.request);
  ASSERT_EQ(out.mounts.size(), 2u);
  EXPECT_EQ(out.mounts[0].type, "tmpfs");  // its own mount wins over the copied /logs
  EXPECT_EQ(out.mounts[1].destination, "/var/lib/db");
  EXPECT_EQ(out.mounts[1].options, (std::vector<std::string>{"rbind", "rprivate", "ro"}));
}

TEST(MountPlanner, VolumesFromKeepsModesOrMakesThemWritableAndCountsTheVolumes) {
  Fixture f;
  f.store.create({"shop_data", "local", {}, {}});
  VolumesFrom from;
  from.from = "container:db";
  from.mounts = {{"/data", "bind", f.store.data_dir("shop_data").string(), {"rbind", "ro", "rprivate"}},
                 {"/logs", "bind", "/somewhere/logs", {"rbind", "rw", "rprivate"}}};
  from.volumes = {"shop_data"};
  f.request.volumes_from = {from};
  auto kept = prepare_mounts(f.store, f.request);
  ASSERT_EQ(kept.mounts.size(), 2u);
  EXPECT_EQ(kept.mounts[0].options, (std::vector<std::string>{"rbind", "ro", "rprivate"}));
  EXPECT_EQ(kept.mounts[1].options, (std::vector<std::string>{"rbind", "rw", "rprivate"}));
  EXPECT_EQ(kept.volumes, std::vector<std::string>{"shop_data"});
  EXPECT_TRUE(kept.anonymous_volumes.empty());
  EXPECT_EQ(f.store.inspect("shop_data").users, std::vector<std::string>{"shop-web-1"});
  // In use through volumes_from: not removed.
  EXPECT_THROW(f.store.remove("shop_data"), berth::Error);

  f.request.volumes_from[0].read_only = false;
  f.request.container = "shop-web-2";
  auto writable = prepare_mounts(f.store, f.request);
  EXPECT_EQ(writable.mounts[0].options, (std::vector<std::string>{"rbind", "rprivate", "rw"}));
  EXPECT_EQ(writable.mounts[1].options, (std::vector<std::string>{"rbind", "rprivate", "rw"}));
  release_mounts(f.store, "shop-web-1", "shop-web-1", kept.volumes, true);
  release_mounts(f.store, "shop-web-2", "shop-web-2", writable.volumes, true);
  EXPECT_TRUE(f.store.inspect("shop_data").users.empty());  // rm -v spares what is not its own
}

TEST(MountPlanner, CopyUpFromTheImageUnlessNocopy) {
  Fixture f;
  auto image = f.roots.path() / "image";
  berth::test::make_rich_tree(image);
  f.request.image_root = image;
  f.request.volumes["other"] = VolumeDefinition{"shop_other", false, "", {}, {}};
  auto nocopy = volume("other", "/app");
  nocopy.nocopy = true;
  f.request.mounts = {volume("data", "/app")};
  prepare_mounts(f.store, f.request);
  EXPECT_EQ(berth::test::tree_listing(f.store.data_dir("shop_data")),
            berth::test::tree_listing(image / "app"));
  f.request.mounts = {nocopy};
  prepare_mounts(f.store, f.request);
  EXPECT_TRUE(fs::is_empty(f.store.data_dir("shop_other")));
}

// The planned mounts applied as a runtime would, in a mount namespace of a forked child: a volume
// keeps what is written through it, a read-only bind shows host edits and refuses writes, a tmpfs
// has its size and mode.
TEST(MountPlanner, PlannedMountsWorkWhenMounted) {
  Fixture f;
  std::ofstream(f.request.project_dir / "app.conf") << "version 1\n";
  auto conf = bind("./app.conf", "/etc/app.conf");
  conf.read_only = true;
  auto scratch = tmpfs("/scratch");
  scratch.tmpfs_size = 1024 * 1024;
  scratch.tmpfs_mode = 01770;
  f.request.mounts = {volume("data", "/data"), conf, scratch};
  auto out = prepare_mounts(f.store, f.request);
  ASSERT_EQ(out.mounts.size(), 3u);
  auto rootfs = f.roots.path() / "rootfs";
  fs::create_directories(rootfs / "data");
  fs::create_directories(rootfs / "etc");
  fs::create_directories(rootfs / "scratch");
  std::ofstream(rootfs / "etc/app.conf") << "";
  std::ofstream(f.request.project_dir / "app.conf") << "version 2\n";  // edited after planning

  int rc = berth::test::in_private_mount_namespace([&] {
    for (const auto& m : out.mounts)
      if (!berth::test::apply_mount(m, (rootfs / m.destination.substr(1)).string())) return 10;
    std::ofstream(rootfs / "data/written") << "by the container";
    std::ifstream conf_in(rootfs / "etc/app.conf");
    std::string line;
    std::getline(conf_in, line);
    if (line != "version 2") return 11;
    if (::open((rootfs / "etc/app.conf").c_str(), O_WRONLY) >= 0 || errno != EROFS) return 12;
    struct statfs sfs {};
    if (::statfs((rootfs / "scratch").c_str(), &sfs) != 0) return 13;
    if (static_cast<uint64_t>(sfs.f_blocks) * sfs.f_bsize != 1024 * 1024) return 14;
    struct stat st {};
    if (::stat((rootfs / "scratch").c_str(), &st) != 0 || (st.st_mode & 07777) != 01770) return 15;
    return 0;
  });
  EXPECT_EQ(rc, 0);
  std::ifstream written(f.store.data_dir("shop_data") / "written");
  std::string text;
  std::getline(written, text);
  EXPECT_EQ(text, "by the container");  // kept in the volume after the "container" is gone
  EXPECT_TRUE(fs::is_empty(rootfs / "scratch"));
}

TEST(MountPlanner, KeptDriverMountGoesWithItsLastUser) {
  Fixture f;
  f.request.volumes["mem"] =
      VolumeDefinition{"shop_mem", false, "local", {{"type", "tmpfs"}, {"device", "tmpfs"}}, {}};
  f.request.mounts = {volume("mem", "/mem")};
  auto data = f.store.data_dir("shop_mem");
  std::vector<std::string> used;
  {
    auto out = prepare_mounts(f.store, f.request);
    ASSERT_EQ(out.driver_mounts.size(), 1u);
    EXPECT_TRUE(is_mount_point(data));
    for (auto& handle : out.driver_mounts) handle.release();  // the container runs
    used = out.volumes;
  }
  EXPECT_TRUE(is_mount_point(data));
  // A second container shares the mount.
  auto second = f.request;
  second.container = "shop-web-2";
  auto out2 = prepare_mounts(f.store, second);
  EXPECT_TRUE(out2.driver_mounts.empty());
  release_mounts(f.store, f.request.container, f.request.anonymous_owner(), used, false);
  EXPECT_TRUE(is_mount_point(data));  // shop-web-2 still uses it
  release_mounts(f.store, second.container, second.anonymous_owner(), out2.volumes, false);
  EXPECT_FALSE(is_mount_point(data));
}

TEST(MountPlanner, TargetsAreCleanedAndRootIsRefused) {
  Fixture f;
  f.request.mounts = {tmpfs("/var/./cache/../tmp/")};
  EXPECT_EQ(prepare_mounts(f.store, f.request).mounts[0].destination, "/var/tmp");
  f.request.mounts = {volume("data", "/x/..")};
  auto err = error_of([&] { prepare_mounts(f.store, f.request); });
  EXPECT_NE(err.find("cannot mount over the container's root"), std::string::npos) << err;
  f.expect_nothing_created();
}

// A copy-up that cannot finish (the volume's file system is full) leaves the volume empty, not
// half filled: the next start would otherwise take the half copy for user data.
TEST(MountPlanner, FailedCopyUpLeavesTheVolumeEmpty) {
  Fixture f;
  auto image = f.roots.path() / "image";
  berth::test::make_rich_tree(image);  // holds a 100000-byte file
  f.request.image_root = image;
  f.request.mounts = {volume("data", "/app")};
  f.store.create({"shop_data", "local", {}, {}});
  auto data = f.store.data_dir("shop_data");
  int rc = berth::test::in_private_mount_namespace([&] {
    if (::mount("tmpfs", data.c_str(), "tmpfs", 0, "size=64k") != 0) return 10;
    try {
      prepare_mounts(f.store, f.request);
      return 11;
    } catch (const Error& e) {
      if (std::string(e.what()).find("No space left") == std::string::npos) return 12;
    }
    if (!fs::is_empty(data)) return 13;
    return 0;
  });
  EXPECT_EQ(rc, 0);
  EXPECT_TRUE(f.store.inspect("shop_data").users.empty());  // the failed start counts no user
}

TEST(MountPlanner, BindRecursiveModes) {
  Fixture f;
  auto spec = bind(".", "/src");
  spec.recursive = "disabled";
  f.request.mounts = {spec};
  EXPECT_EQ(prepare_mounts(f.store, f.request).mounts[0].options,
            (std::vector<std::string>{"bind", "rw", "rprivate"}));
  spec.recursive = "readonly";
  spec.read_only = true;
  f.request.mounts = {spec};
  EXPECT_EQ(prepare_mounts(f.store, f.request).mounts[0].options,
            (std::vector<std::string>{"rbind", "ro", "rprivate", "rro"}));
  spec.read_only = false;
  f.request.mounts = {spec};
  EXPECT_NE(error_of([&] { prepare_mounts(f.store, f.request); }).find("needs read_only"),
            std::string::npos);
  spec.recursive = "sometimes";
  f.request.mounts = {spec};
  EXPECT_NE(error_of([&] { prepare_mounts(f.store, f.request); }).find("unknown bind.recursive"),
            std::string::npos);
}
