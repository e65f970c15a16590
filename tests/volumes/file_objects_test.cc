#include "volumes/file_objects.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <fstream>

#include "tests/volumes/mount_namespace.h"
#include "tests/volumes/state_roots.h"
#include "util/error.h"

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

FileObjectSpec secret(std::string name) {
  FileObjectSpec s;
  s.kind = FileObjectKind::secret;
  s.name = std::move(name);
  return s;
}
FileObjectSpec config(std::string name) {
  FileObjectSpec s;
  s.kind = FileObjectKind::config;
  s.name = std::move(name);
  return s;
}

struct Fixture {
  StateRoots roots;
  FileObjectRequest request;
  Fixture() {
    request.container = "shop-web-1";
    request.project_dir = roots.path() / "project";
    fs::create_directories(request.project_dir);
  }
};

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return s;
}
}  // namespace

TEST(FileObjects, DefaultAndLongSyntaxTargets) {
  EXPECT_EQ(file_object_target(secret("db_password")), "/run/secrets/db_password");
  EXPECT_EQ(file_object_target(config("nginx.conf")), "/nginx.conf");
  auto s = secret("k");
  s.target = "api-key";
  EXPECT_EQ(file_object_target(s), "/run/secrets/api-key");
  s.target = "/etc/app/key";
  EXPECT_EQ(file_object_target(s), "/etc/app/key");
  auto c = config("c");
  c.target = "etc/app.conf";
  EXPECT_EQ(file_object_target(c), "/etc/app.conf");
}

TEST(FileObjects, TheSameSecretTwiceIsTwoFilesWithTheirOwnModes) {
  Fixture f;
  auto plain = secret("token");
  plain.content = "t0k3n";
  auto owned = plain;
  owned.target = "owned";
  owned.uid = 1000;
  owned.mode = 0400;
  f.request.objects = {plain, owned};
  auto mounts = materialise_file_objects(f.request);
  ASSERT_EQ(mounts.size(), 2u);
  EXPECT_NE(mounts[0].source, mounts[1].source);
  EXPECT_EQ(mounts[1].destination, "/run/secrets/owned");
  struct stat first {}, second {};
  ASSERT_EQ(::stat(mounts[0].source.c_str(), &first), 0);
  ASSERT_EQ(::stat(mounts[1].source.c_str(), &second), 0);
  EXPECT_EQ(first.st_mode & 07777, 0444u);
  EXPECT_EQ(first.st_uid, 0u);
  EXPECT_EQ(second.st_mode & 07777, 0400u);
  EXPECT_EQ(second.st_uid, 1000u);
  EXPECT_EQ(read(mounts[1].source), "t0k3n");
  remove_file_objects("shop-web-1");
}

TEST(FileObjects, FileEnvironmentAndContentSourcesWithOwnerAndMode) {
  Fixture f;
  std::ofstream(f.request.project_dir / "db_password.txt") << "s3cret";
  auto file = secret("db_password");
  file.file = "./db_password.txt";
  file.uid = 1000;
  file.gid = 1001;
  file.mode = 0440;
  auto env = secret("token");
  env.environment = "API_TOKEN";
  f.request.environment["API_TOKEN"] = "t0k3n";
  auto content = config("app.conf");
  content.content = "listen 80\n";
  content.target = "/etc/app.conf";
  f.request.objects = {file, env, content};

  auto mounts = materialise_file_objects(f.request);
  ASSERT_EQ(mounts.size(), 3u);
  auto base = f.roots.run() / "shop-web-1";
  EXPECT_EQ(mounts[0].source, (base / "secrets/db_password").string());
  EXPECT_EQ(mounts[0].destination, "/run/secrets/db_password");
  EXPECT_EQ(mounts[0].options,
            (std::vector<std::string>{"rbind", "ro", "nosuid", "nodev", "noexec", "rprivate"}));
  EXPECT_EQ(read(mounts[0].source), "s3cret");
  struct stat st {};
  ASSERT_EQ(::stat(mounts[0].source.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0440u);
  EXPECT_EQ(st.st_uid, 1000u);
  EXPECT_EQ(st.st_gid, 1001u);
  EXPECT_EQ(read(mounts[1].source), "t0k3n");
  ASSERT_EQ(::stat(mounts[1].source.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0444u);  // the default mode
  EXPECT_EQ(mounts[2].source, (base / "configs/app.conf").string());
  EXPECT_EQ(mounts[2].destination, "/etc/app.conf");
  EXPECT_EQ(read(mounts[2].source), "listen 80\n");
  // Only root can look into the container's secrets directory on the host.
  ASSERT_EQ(::stat((base / "secrets").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);

  remove_file_objects("shop-web-1");
  EXPECT_FALSE(fs::exists(base));
}

TEST(FileObjects, SecretIsReadableWithItsModeAndNotWritableWhenMounted) {
  Fixture f;
  auto s = secret("db_password");
  s.content = "s3cret";
  s.mode = 0400;
  s.uid = 1000;
  f.request.objects = {s};
  auto mounts = materialise_file_objects(f.request);
  ASSERT_EQ(mounts.size(), 1u);
  auto target = f.roots.path() / "mounted-secret";
  std::ofstream(target) << "";

  // The bind mount as runc makes it, in a mount namespace of its own that dies with the child.
  int rc = berth::test::in_private_mount_namespace([&] {
    if (!berth::test::apply_bind(mounts[0], target.string())) return 10;
    struct statvfs vfs {};
    if (::statvfs(target.c_str(), &vfs) != 0 || !(vfs.f_flag & ST_RDONLY)) return 11;
    if (!(vfs.f_flag & ST_NOSUID) || !(vfs.f_flag & ST_NOEXEC) || !(vfs.f_flag & ST_NODEV))
      return 12;
    struct stat st {};
    if (::stat(target.c_str(), &st) != 0 || (st.st_mode & 07777) != 0400 || st.st_uid != 1000)
      return 13;
    if (read(target) != "s3cret") return 14;
    int fd = ::open(target.c_str(), O_WRONLY);
    if (fd >= 0 || errno != EROFS) return 15;
    if (::chmod(target.c_str(), 0666) == 0 || errno != EROFS) return 16;
    return 0;
  });
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(read(target), "");  // the mount never reached this namespace
  remove_file_objects("shop-web-1");
}

TEST(FileObjects, MissingSecretFileIsAClearErrorAndNothingIsWritten) {
  Fixture f;
  auto good = config("fine");
  good.content = "ok";
  auto missing = secret("db_password");
  missing.file = "./secrets/db_password.txt";
  missing.where = "secrets.db_password.file";
  f.request.objects = {good, missing};
  auto err = error_of([&] { materialise_file_objects(f.request); });
  EXPECT_NE(err.find("secrets.db_password.file"), std::string::npos) << err;
  EXPECT_NE(err.find("secret 'db_password'"), std::string::npos) << err;
  EXPECT_NE(err.find("secrets/db_password.txt does not exist"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(f.roots.run()));
}

TEST(FileObjects, ExternalAndSourcelessAndUnsetVariableAreErrors) {
  Fixture f;
  auto ext = secret("vault");
  ext.external = true;
  f.request.objects = {ext};
  auto err = error_of([&] { materialise_file_objects(f.request); });
  EXPECT_NE(err.find("secret 'vault' is external"), std::string::npos) << err;
  EXPECT_NE(err.find("file:, environment: or content:"), std::string::npos) << err;

  f.request.objects = {config("empty")};
  EXPECT_NE(error_of([&] { materialise_file_objects(f.request); }).find("has no source"),
            std::string::npos);

  auto env = secret("token");
  env.environment = "NOT_SET_ANYWHERE";
  f.request.objects = {env};
  EXPECT_NE(error_of([&] { materialise_file_objects(f.request); })
                .find("environment variable NOT_SET_ANYWHERE is not set"),
            std::string::npos);

  auto bad = secret("../../etc/passwd");
  bad.content = "x";
  f.request.objects = {bad};
  EXPECT_NE(error_of([&] { materialise_file_objects(f.request); }).find("invalid secret name"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(f.roots.run()));
}

TEST(FileObjects, DirectoryIsNotASecretFile) {
  Fixture f;
  fs::create_directories(f.request.project_dir / "dir");
  auto s = secret("d");
  s.file = "dir";
  f.request.objects = {s};
  EXPECT_NE(error_of([&] { materialise_file_objects(f.request); }).find("not a regular file"),
            std::string::npos);
}
