// Bind mounts, tmpfs, configs and secrets, image content in named volumes and anonymous volumes,
// through `berth up` with real containers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/compose_project.h"

namespace berth::test {
namespace {

namespace stdfs = std::filesystem;

const char* kSleeper = "    image: busybox\n    command: [sleep, \"1000\"]\n    init: true\n";

std::string id_of(const ComposeProject& p, const std::string& service) {
  Result r = p({"ps", "-a", "-q", service});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST(MountsE2E, BindMountedHostFileShowsHostEditsLiveAndReadOnlyRefusesWrites) {
  ComposeProject p(std::string("services:\n  app:\n") + kSleeper +
                   "    volumes:\n"
                   "      - ./conf/app.conf:/etc/app.conf\n"
                   "      - ./shared:/shared:ro\n"
                   "      - {type: bind, source: ./conf, target: /conf, read_only: true}\n");
  stdfs::create_directories(p.dir() / "conf");
  stdfs::create_directories(p.dir() / "shared");
  std::ofstream(p.dir() / "conf/app.conf") << "version 1\n";
  ASSERT_EQ(p({"up", "-d", "--wait"}).exit_code, 0);
  EXPECT_EQ(p({"exec", "-T", "app", "cat", "/etc/app.conf"}).out, "version 1\n");

  // An edit in place on the host (same inode) shows at once inside the running container.
  { std::ofstream(p.dir() / "conf/app.conf", std::ios::trunc) << "version 2\n"; }
  EXPECT_EQ(p({"exec", "-T", "app", "cat", "/etc/app.conf"}).out, "version 2\n");
  std::ofstream(p.dir() / "shared/new") << "made on the host\n";
  EXPECT_EQ(p({"exec", "-T", "app", "cat", "/shared/new", "/conf/app.conf"}).out, "made on the host\nversion 2\n");

  // The read-write bind is writable from inside; the read-only ones refuse writes.
  ASSERT_EQ(p({"exec", "-T", "app", "sh", "-c", "echo from inside >> /etc/app.conf"}).exit_code, 0);
  std::ifstream conf(p.dir() / "conf/app.conf");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(conf), {}), "version 2\nfrom inside\n");
  for (const char* path : {"/shared/new", "/shared/other", "/conf/app.conf"}) {
    Result w = p({"exec", "-T", "app", "sh", "-c", std::string("echo no > ") + path});
    EXPECT_NE(w.exit_code, 0) << path;
    EXPECT_NE(w.err.find("Read-only file system"), std::string::npos) << w.err;
  }
  EXPECT_FALSE(stdfs::exists(p.dir() / "shared/other"));
}

TEST(MountsE2E, TmpfsIsEmptyAtEachStartAndHasItsSizeAndMode) {
  ComposeProject p(std::string("services:\n  app:\n") + kSleeper +
                   "    tmpfs: [\"/short:size=8m\"]\n"
                   "    volumes:\n"
                   "      - {type: tmpfs, target: /scratch, tmpfs: {size: 16m, mode: 01770}}\n");
  ASSERT_EQ(p({"up", "-d", "--wait"}).exit_code, 0);
  Result mounts = p({"exec", "-T", "app", "cat", "/proc/mounts"});
  EXPECT_NE(mounts.out.find("tmpfs /scratch tmpfs rw,nosuid,nodev,relatime,size=16384k,mode=1770"), std::string::npos)
      << mounts.out;
  EXPECT_NE(mounts.out.find(" /short tmpfs "), std::string::npos) << mounts.out;
  EXPECT_NE(mounts.out.find("size=8192k"), std::string::npos) << mounts.out;
  // df agrees on the size (1K blocks).
  Result df = p({"exec", "-T", "app", "sh", "-c", "df -k /scratch | tail -1 | awk '{print $2}'"});
  EXPECT_EQ(df.out, "16384\n") << df.err;

  ASSERT_EQ(p({"exec", "-T", "app", "sh", "-c", "echo x > /scratch/f; echo x > /short/f"}).exit_code, 0);
  EXPECT_EQ(p({"exec", "-T", "app", "ls", "/scratch", "/short"}).out, "/scratch:\nf\n\n/short:\nf\n");
  std::string id = id_of(p, "app");
  ASSERT_EQ(p({"restart", "app"}).exit_code, 0);
  EXPECT_EQ(id_of(p, "app"), id);  // the same container, started again
  Result after = p({"exec", "-T", "app", "ls", "-A", "/scratch", "/short"});
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out, "/scratch:\n\n/short:\n") << after.err;
  // Nothing of the tmpfs is on the host side of the container.
  Result root = p({"exec", "-T", "app", "sh", "-c", "echo ok"});
  EXPECT_EQ(root.out, "ok\n");
}

TEST(MountsE2E, SecretsAndConfigsAreReadOnlyFilesWithTheirOwnersAndModes) {
  ComposeProject p(std::string("services:\n  app:\n") + kSleeper +
                   "    secrets:\n"
                   "      - token\n"
                   "      - {source: token, target: owned, uid: \"1000\", gid: \"1001\", mode: 0440}\n"
                   "    configs:\n"
                   "      - inline\n"
                   "      - {source: from_env, target: /etc/app/env.conf, mode: 0600}\n"
                   "      - {source: from_dotenv, target: /etc/app/dotenv.conf}\n"
                   "secrets:\n  token: {file: ./token.txt}\n"
                   "configs:\n"
                   "  inline: {content: \"inline content\"}\n"
                   "  from_env: {environment: BERTH_E2E_CONFIG}\n"
                   "  from_dotenv: {environment: BERTH_E2E_DOTENV}\n");
  std::ofstream(p.dir() / "token.txt") << "s3cret";
  std::ofstream(p.dir() / ".env") << "BERTH_E2E_DOTENV=from the project's .env\n";
  auto env = p.env();
  env["BERTH_E2E_CONFIG"] = "from the environment";
  Result up = run_berth(p.args({"up", "-d", "--wait"}), p.dir().string(), env);
  ASSERT_EQ(up.exit_code, 0) << up.err;

  Result r = p({"exec", "-T", "app", "cat", "/run/secrets/token"});
  EXPECT_EQ(r.out, "s3cret") << r.err;
  r = p({"exec", "-T", "app", "stat", "-c", "%a %u %g", "/run/secrets/token", "/run/secrets/owned"});
  EXPECT_EQ(r.out, "444 0 0\n440 1000 1001\n") << r.err;
  // uid 1000 reads it by its owner bits; nobody (65534) is refused.
  r = p({"exec", "-T", "--user", "1000", "app", "cat", "/run/secrets/owned"});
  EXPECT_EQ(r.out, "s3cret") << r.err;
  r = p({"exec", "-T", "--user", "65534", "app", "cat", "/run/secrets/owned"});
  EXPECT_NE(r.exit_code, 0);
  for (const char* path : {"/run/secrets/token", "/run/secrets/owned", "/inline", "/etc/app/env.conf"}) {
    Result w = p({"exec", "-T", "app", "sh", "-c", std::string("echo no > ") + path});
    EXPECT_NE(w.exit_code, 0) << path;
    EXPECT_NE(w.err.find("Read-only file system"), std::string::npos) << path << ": " << w.err;
  }
  std::ifstream host(p.dir() / "token.txt");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(host), {}), "s3cret");

  r = p({"exec", "-T", "app", "cat", "/inline"});
  EXPECT_EQ(r.out, "inline content") << r.err;
  r = p({"exec", "-T", "app", "cat", "/etc/app/env.conf"});
  EXPECT_EQ(r.out, "from the environment") << r.err;
  r = p({"exec", "-T", "app", "cat", "/etc/app/dotenv.conf"});
  EXPECT_EQ(r.out, "from the project's .env") << r.err;
  r = p({"exec", "-T", "app", "stat", "-c", "%a", "/inline", "/etc/app/env.conf"});
  EXPECT_EQ(r.out, "444\n600\n") << r.err;
}

TEST(MountsE2E, NamedVolumeIsFilledFromTheImageUnlessNocopy) {
  ComposeProject p(std::string("services:\n  app:\n") + kSleeper +
                   "    volumes:\n"
                   "      - filled:/home\n"
                   "      - {type: volume, source: empty, target: /etc, volume: {nocopy: true}}\n"
                   "volumes:\n  filled: {}\n  empty: {}\n");
  ASSERT_EQ(p({"up", "-d", "--wait"}).exit_code, 0);
  // The image's /home/app, its owner and mode kept, is in the volume on the host.
  Result r = p({"exec", "-T", "app", "stat", "-c", "%n %u:%g %a", "/home/app"});
  EXPECT_EQ(r.out, "/home/app 1000:1000 755\n") << r.err;
  stdfs::path data = p.dir() / "state/volumes" / (p.name() + "_filled") / "_data";
  EXPECT_TRUE(stdfs::is_directory(data / "app"));
  stdfs::path empty = p.dir() / "state/volumes" / (p.name() + "_empty") / "_data";
  ASSERT_TRUE(stdfs::is_directory(empty));
  // nocopy: none of the image's /etc (passwd, group, ...) was copied into the volume.
  for (const char* f : {"passwd", "group", "hostname"}) EXPECT_FALSE(stdfs::exists(empty / f)) << f;
  r = p({"exec", "-T", "app", "ls", "/etc"});
  EXPECT_EQ(r.out.find("passwd"), std::string::npos) << r.out;

  // Only an empty volume is filled (as Docker does): what the container changed stays when the
  // container is recreated.
  ASSERT_EQ(p({"exec", "-T", "app", "sh", "-c", "rmdir /home/app && echo mine > /home/mine"}).exit_code, 0);
  ASSERT_EQ(p({"up", "-d", "--force-recreate", "--wait"}).exit_code, 0);
  EXPECT_FALSE(stdfs::exists(data / "app"));
  EXPECT_EQ(p({"exec", "-T", "app", "ls", "/home"}).out, "mine\n");
}

TEST(MountsE2E, AnonymousVolumesSurviveRecreationAndGoWithDownV) {
  ComposeProject p(std::string("services:\n  app:\n") + kSleeper + "    volumes: [/cache]\n");
  ASSERT_EQ(p({"up", "-d", "--wait"}).exit_code, 0);
  std::string first = id_of(p, "app");
  std::string volume = p.raw({"volume", "ls", "-q"}).out;
  ASSERT_FALSE(volume.empty());
  ASSERT_EQ(p({"exec", "-T", "app", "sh", "-c", "echo kept > /cache/f"}).exit_code, 0);

  Result again = p({"up", "-d", "--force-recreate", "--wait"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(id_of(p, "app"), first);
  EXPECT_EQ(p.raw({"volume", "ls", "-q"}).out, volume);  // the same volume, no second one
  EXPECT_EQ(p({"exec", "-T", "app", "cat", "/cache/f"}).out, "kept\n");

  // rm without -v keeps it; the next container of that name takes it over.
  ASSERT_EQ(p({"rm", "-s", "-f", "app"}).exit_code, 0);
  EXPECT_EQ(p.raw({"volume", "ls", "-q"}).out, volume);
  ASSERT_EQ(p({"up", "-d", "--wait"}).exit_code, 0);
  EXPECT_EQ(p({"exec", "-T", "app", "cat", "/cache/f"}).out, "kept\n");

  Result down = p({"down", "-v"});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(p.raw({"volume", "ls", "-q"}).out, "");
  EXPECT_FALSE(stdfs::exists(p.dir() / "state/volumes" / volume.substr(0, volume.size() - 1)));
}

}  // namespace
}  // namespace berth::test
