#include "volumes/volume_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "tests/volumes/state_roots.h"
#include "tests/volumes/tree_listing.h"
#include "util/error.h"
#include "volumes/mount_handle.h"

using berth::Error;
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
}  // namespace

TEST(VolumeStore, CreateListInspectRemove) {
  StateRoots roots;
  VolumeStore store;
  EXPECT_EQ(store.root(), roots.state() / "volumes");
  auto made = store.create({"data", "local", {}, {{kProjectLabel, "shop"}, {kVolumeLabel, "data"}}});
  EXPECT_EQ(made.name, "data");
  EXPECT_FALSE(made.created.empty());
  EXPECT_TRUE(fs::is_directory(roots.state() / "volumes/data/_data"));
  store.create({"cache", "local", {}, {}});

  auto all = store.list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "cache");
  EXPECT_EQ(all[1].name, "data");
  auto record = store.inspect("data");
  EXPECT_EQ(record.labels.at(kProjectLabel), "shop");
  EXPECT_EQ(record.driver, "local");

  // The record is read back from disk by another store object, as another berth run would.
  EXPECT_EQ(VolumeStore().inspect("data").labels.at(kVolumeLabel), "data");

  store.remove("data");
  EXPECT_FALSE(store.find("data"));
  EXPECT_FALSE(fs::exists(roots.state() / "volumes/data"));
  ASSERT_EQ(store.list().size(), 1u);
  EXPECT_NE(error_of([&] { store.remove("data"); }).find("does not exist"), std::string::npos);
}

TEST(VolumeStore, CreateTwiceIsAnErrorEnsureIsNot) {
  StateRoots roots;
  VolumeStore store;
  store.create({"v", "local", {}, {}});
  EXPECT_NE(error_of([&] { store.create({"v", "local", {}, {}}); }).find("already exists"),
            std::string::npos);
  bool created = true;
  store.ensure({"v", "local", {}, {{"x", "y"}}}, &created);
  EXPECT_FALSE(created);
  EXPECT_TRUE(store.inspect("v").labels.empty());  // the existing one, unchanged
  store.ensure({"w", "local", {}, {}}, &created);
  EXPECT_TRUE(created);
}

TEST(VolumeStore, BadNamesAndDriversCreateNothing) {
  StateRoots roots;
  VolumeStore store;
  for (std::string name : {"../escape", "a/b", "", ".hidden", "x y"})
    EXPECT_NE(error_of([&] { store.create({name, "local", {}, {}}); }).find("invalid volume name"),
              std::string::npos)
        << name;
  EXPECT_NE(error_of([&] { store.create({"v", "nfs-plugin", {}, {}}); }).find("not supported"),
            std::string::npos);
  EXPECT_NE(error_of([&] { store.create({"v", "local", {{"size", "1g"}}, {}}); })
                .find("unknown option 'size'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { store.create({"v", "local", {{"device", "/srv"}}, {}}); })
                .find("need a 'type'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { store.create({"v", "local", {{"type", "none"}, {"device", "/srv"}}, {}}); })
                .find("needs o: bind"),
            std::string::npos);
  EXPECT_TRUE(store.list().empty());
  EXPECT_FALSE(fs::exists(roots.state() / "escape"));
  EXPECT_FALSE(fs::exists(roots.state() / "volumes/v"));
}

TEST(VolumeStore, ExternalVolumeMustExist) {
  StateRoots roots;
  VolumeStore store;
  auto err = error_of([&] { store.require_external("outside"); });
  EXPECT_NE(err.find("external volume 'outside' not found"), std::string::npos) << err;
  EXPECT_NE(err.find("berth volume create outside"), std::string::npos) << err;
  EXPECT_FALSE(store.find("outside"));
  store.create({"outside", "local", {}, {}});
  EXPECT_EQ(store.require_external("outside").name, "outside");
}

TEST(VolumeStore, UsersProtectFromRemoveAndPrune) {
  StateRoots roots;
  VolumeStore store;
  store.create({"named", "local", {}, {}});
  store.create({"anon1", "local", {}, {{kAnonymousLabel, ""}}});
  store.create({"anon2", "local", {}, {{kAnonymousLabel, ""}}});
  store.add_user("named", "web-1");
  store.add_user("anon2", "web-1");
  store.add_user("anon2", "web-1");  // counted once
  EXPECT_EQ(store.inspect("anon2").users, std::vector<std::string>{"web-1"});

  auto err = error_of([&] { store.remove("named"); });
  EXPECT_NE(err.find("in use by web-1"), std::string::npos) << err;

  // Default prune: unused anonymous volumes only.
  EXPECT_EQ(store.prune(), std::vector<std::string>{"anon1"});
  store.remove_user("anon2", "web-1");
  store.remove_user("named", "web-1");
  store.create({"spare", "local", {}, {}});
  EXPECT_EQ(store.prune(), std::vector<std::string>{"anon2"});
  EXPECT_EQ(store.prune(true), (std::vector<std::string>{"named", "spare"}));
  EXPECT_TRUE(store.list().empty());
}

TEST(VolumeStore, ForceRemovesAVolumeInUseButNeverAMountedOne) {
  StateRoots roots;
  VolumeStore store;
  store.create({"t", "local", {{"type", "tmpfs"}, {"device", "tmpfs"}, {"o", "size=1m"}}, {}});
  store.add_user("t", "c1");
  auto mount = store.activate("t", std::nullopt);
  ASSERT_TRUE(mount.owns());
  auto err = error_of([&] { store.remove("t", true); });
  EXPECT_NE(err.find("is mounted"), std::string::npos) << err;
  EXPECT_TRUE(store.find("t"));
  mount.unmount();
  store.remove("t", true);
  EXPECT_FALSE(store.find("t"));
}

TEST(VolumeStore, TmpfsDriverOptsMountAndUnmount) {
  StateRoots roots;
  VolumeStore store;
  store.create({"scratch", "local",
                {{"type", "tmpfs"}, {"device", "tmpfs"}, {"o", "size=2m,uid=1000,mode=0770,nosuid"}},
                {}});
  auto data = store.data_dir("scratch");
  {
    MountHandle mount = store.activate("scratch", std::nullopt);
    ASSERT_TRUE(mount.owns());
    EXPECT_TRUE(is_mount_point(data));
    struct statfs fsinfo {};
    ASSERT_EQ(::statfs(data.c_str(), &fsinfo), 0);
    EXPECT_EQ(fsinfo.f_type, 0x01021994);  // TMPFS_MAGIC
    EXPECT_EQ(static_cast<uint64_t>(fsinfo.f_blocks) * fsinfo.f_bsize, 2u * 1024 * 1024);
    EXPECT_TRUE(fsinfo.f_flags & ST_NOSUID);
    struct stat st {};
    ASSERT_EQ(::stat(data.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 1000u);
    EXPECT_EQ(st.st_mode & 07777, 0770u);
    std::ofstream(data / "file") << "in memory";
    // A second user while mounted shares the mount and owns nothing.
    MountHandle second = store.activate("scratch", std::nullopt);
    EXPECT_FALSE(second.owns());
  }
  EXPECT_FALSE(is_mount_point(data));
  EXPECT_FALSE(fs::exists(data / "file"));  // it lived in the tmpfs
}

TEST(VolumeStore, BindDriverOptsMountsAHostDirectoryReadOnly) {
  StateRoots roots;
  fs::create_directories(roots.path() / "host");
  std::ofstream(roots.path() / "host/hello") << "from the host";
  VolumeStore store;
  store.create({"b", "local",
                {{"type", "none"}, {"device", (roots.path() / "host").string()}, {"o", "bind,ro"}},
                {}});
  auto data = store.data_dir("b");
  {
    MountHandle mount = store.activate("b", std::nullopt);
    std::ifstream in(data / "hello");
    std::string text;
    std::getline(in, text);
    EXPECT_EQ(text, "from the host");
    struct statfs fsinfo {};
    ASSERT_EQ(::statfs(data.c_str(), &fsinfo), 0);
    EXPECT_TRUE(fsinfo.f_flags & ST_RDONLY);
  }
  EXPECT_FALSE(is_mount_point(data));
}

TEST(VolumeStore, BadDriverDeviceIsAClearErrorAtUse) {
  StateRoots roots;
  VolumeStore store;
  store.create({"b", "local", {{"type", "none"}, {"device", "/no/such/dir"}, {"o", "bind"}}, {}});
  auto err = error_of([&] { store.activate("b", std::nullopt); });
  EXPECT_NE(err.find("'/no/such/dir' is not a directory"), std::string::npos) << err;
  EXPECT_FALSE(is_mount_point(store.data_dir("b")));
}

TEST(VolumeStore, CopyUpKeepsOwnersModesXattrsAndLinks) {
  StateRoots roots;
  auto image = roots.path() / "image";
  berth::test::make_rich_tree(image);
  VolumeStore store;
  store.create({"appdata", "local", {}, {}});
  store.activate("appdata", ImageContent{image, "/app"});
  EXPECT_EQ(berth::test::tree_listing(store.data_dir("appdata")),
            berth::test::tree_listing(image / "app"));
  // The hardlink pair is one inode in the volume too.
  struct stat a {}, b {};
  ::stat((store.data_dir("appdata") / "conf/shared").c_str(), &a);
  ::stat((store.data_dir("appdata") / "shared-again").c_str(), &b);
  EXPECT_EQ(a.st_ino, b.st_ino);
}

TEST(VolumeStore, CopyUpOnlyIntoAnEmptyVolume) {
  StateRoots roots;
  auto image = roots.path() / "image";
  berth::test::make_rich_tree(image);
  VolumeStore store;
  store.create({"v", "local", {}, {}});
  std::ofstream(store.data_dir("v") / "mine") << "user data";
  store.activate("v", ImageContent{image, "/app"});
  EXPECT_FALSE(fs::exists(store.data_dir("v") / "run.sh"));
  EXPECT_TRUE(fs::exists(store.data_dir("v") / "mine"));
  // Nothing at that path in the image: nothing copied, no error.
  store.create({"w", "local", {}, {}});
  store.activate("w", ImageContent{image, "/not/in/image"});
  EXPECT_TRUE(fs::is_empty(store.data_dir("w")));
}

TEST(VolumeStore, CopyUpResolvesImageSymlinksInsideTheImage) {
  StateRoots roots;
  auto image = roots.path() / "image";
  fs::create_directories(image / "srv");
  std::ofstream(image / "srv/inside") << "image content";
  // An image whose /data points at the host's /etc must copy the image's /etc, not the host's.
  fs::create_symlink("/etc", image / "data");
  fs::create_symlink("../../srv", image / "srv-up");
  VolumeStore store;
  store.create({"v", "local", {}, {}});
  store.activate("v", ImageContent{image, "/data"});
  EXPECT_TRUE(fs::is_empty(store.data_dir("v")));  // the image has no /etc
  store.activate("v", ImageContent{image, "/srv-up"});
  EXPECT_TRUE(fs::exists(store.data_dir("v") / "inside"));
}

TEST(VolumeStore, AnonymousVolumesOfAContainer) {
  StateRoots roots;
  VolumeStore store;
  store.create({"a1", "local", {},
                {{kAnonymousLabel, ""}, {kContainerLabel, "web-1"}, {kTargetLabel, "/cache"}}});
  store.create({"a2", "local", {},
                {{kAnonymousLabel, ""}, {kContainerLabel, "db-1"}, {kTargetLabel, "/cache"}}});
  auto of_web = store.anonymous_volumes_of("web-1");
  ASSERT_EQ(of_web.size(), 1u);
  EXPECT_EQ(of_web.at("/cache"), "a1");
}

TEST(VolumeStore, RemoveProjectVolumesSparesOthers) {
  StateRoots roots;
  VolumeStore store;
  store.create({"shop_data", "local", {}, {{kProjectLabel, "shop"}}});
  store.create({"shop_anon", "local", {}, {{kProjectLabel, "shop"}, {kAnonymousLabel, ""}}});
  store.create({"blog_data", "local", {}, {{kProjectLabel, "blog"}}});
  store.create({"outside", "local", {}, {}});
  store.add_user("shop_data", "shop-db-1");
  auto err = error_of([&] { store.remove_project_volumes("shop"); });
  EXPECT_NE(err.find("still in use"), std::string::npos) << err;
  EXPECT_EQ(store.list().size(), 4u);  // all or nothing
  store.remove_user("shop_data", "shop-db-1");
  EXPECT_EQ(store.remove_project_volumes("shop"), (std::vector<std::string>{"shop_anon", "shop_data"}));
  ASSERT_EQ(store.list().size(), 2u);
  EXPECT_EQ(store.list()[0].name, "blog_data");
}

// Two berth processes bring up services that share a volume at the same moment: one creates it,
// the other uses it, and its record stays whole.
TEST(VolumeStore, ConcurrentEnsureCreatesOnce) {
  StateRoots roots;
  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  std::vector<pid_t> children;
  for (int i = 0; i < 4; ++i) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(pipefd[1]);
      char go;
      if (::read(pipefd[0], &go, 1) != 0) ::_exit(3);  // wait until all are forked
      bool created = false;
      try {
        VolumeStore().ensure({"shared", "local", {}, {{"n", std::to_string(i)}}}, &created);
      } catch (...) {
        ::_exit(2);
      }
      ::_exit(created ? 1 : 0);
    }
    children.push_back(pid);
  }
  ::close(pipefd[0]);
  ::close(pipefd[1]);  // go
  int creators = 0;
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_LE(WEXITSTATUS(status), 1);
    creators += WEXITSTATUS(status);
  }
  EXPECT_EQ(creators, 1);
  EXPECT_EQ(VolumeStore().inspect("shared").labels.size(), 1u);
}
