#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/run_berth.h"
#include "tests/support/temp_dir.h"
#include "tests/volumes/tree_listing.h"

using berth::test::run_berth;
using berth::test::TempDir;
namespace fs = std::filesystem;

namespace {
// Each test has state roots of its own.
struct Berth {
  TempDir dir;
  std::map<std::string, std::string> env() const {
    return {{"BERTH_ROOT", (dir.path() / "state").string()},
            {"BERTH_RUN_ROOT", (dir.path() / "run").string()}};
  }
  berth::test::Result operator()(const std::vector<std::string>& args) const {
    return run_berth(args, dir.path().string(), env());
  }
  fs::path data(const std::string& volume) const {
    return dir.path() / "state/volumes" / volume / "_data";
  }
};
}  // namespace

TEST(VolumeE2E, CreateListInspectRemove) {
  Berth berth;
  auto r = berth({"volume", "create", "--label", "team=web", "--label", "tier", "pgdata"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "pgdata\n");
  ASSERT_EQ(berth({"volume", "create", "cache"}).exit_code, 0);
  EXPECT_TRUE(fs::is_directory(berth.data("pgdata")));

  r = berth({"volume", "ls"});
  EXPECT_EQ(r.out, "DRIVER    VOLUME NAME\nlocal     cache\nlocal     pgdata\n");
  r = berth({"volume", "ls", "-q", "--filter", "label=team=web"});
  EXPECT_EQ(r.out, "pgdata\n");
  r = berth({"volume", "ls", "-q", "--filter", "name=cac"});
  EXPECT_EQ(r.out, "cache\n");

  r = berth({"volume", "inspect", "pgdata"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["Name"], "pgdata");
  EXPECT_EQ(j[0]["Driver"], "local");
  EXPECT_EQ(j[0]["Labels"]["team"], "web");
  EXPECT_EQ(j[0]["Labels"]["tier"], "");
  EXPECT_EQ(j[0]["Mountpoint"], berth.data("pgdata").string());

  r = berth({"volume", "rm", "pgdata", "cache"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(berth({"volume", "ls", "-q"}).out, "");
  EXPECT_FALSE(fs::exists(berth.data("pgdata").parent_path()));
}

TEST(VolumeE2E, BadInputIsAClearErrorAndCreatesNothing) {
  Berth berth;
  auto r = berth({"volume", "create", "../../escape"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("invalid volume name '../../escape'"), std::string::npos) << r.err;
  r = berth({"volume", "create", "-o", "type=none", "-o", "device=/srv", "v"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("needs o: bind"), std::string::npos) << r.err;
  r = berth({"volume", "create", "-d", "rexray", "v"});
  EXPECT_NE(r.err.find("volume driver 'rexray' is not supported"), std::string::npos) << r.err;
  EXPECT_EQ(berth({"volume", "ls", "-q"}).out, "");
  EXPECT_FALSE(fs::exists(berth.dir.path() / "escape"));

  r = berth({"volume", "inspect", "ghost"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("volume 'ghost' does not exist"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hint: create it with 'berth volume create ghost'"), std::string::npos);
  r = berth({"volume", "rm", "ghost"});
  EXPECT_EQ(r.exit_code, 1);

  ASSERT_EQ(berth({"volume", "create", "twice"}).exit_code, 0);
  r = berth({"volume", "create", "twice"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;

  r = berth({"volume", "export", "ghost", "-o", (berth.dir.path() / "ghost.tar").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(fs::exists(berth.dir.path() / "ghost.tar"));
}

TEST(VolumeE2E, DriverOptionsAreRecorded) {
  Berth berth;
  auto r = berth({"volume", "create", "--driver", "local", "--opt", "type=tmpfs", "--opt",
                  "device=tmpfs", "--opt", "o=size=16m,uid=1000", "scratch"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(berth({"volume", "inspect", "scratch"}).out);
  EXPECT_EQ(j[0]["Options"]["type"], "tmpfs");
  EXPECT_EQ(j[0]["Options"]["o"], "size=16m,uid=1000");
  // Its data is a mount made at use: there is nothing berth could export.
  r = berth({"volume", "export", "scratch", "-o", (berth.dir.path() / "s.tar").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("driver_opts"), std::string::npos) << r.err;
}

TEST(VolumeE2E, ExportThenImportGivesTheSameTreeByteForByte) {
  Berth berth;
  ASSERT_EQ(berth({"volume", "create", "app"}).exit_code, 0);
  auto image = berth.dir.path() / "image";
  berth::test::make_rich_tree(image);
  for (const auto& entry : fs::directory_iterator(image / "app"))
    fs::rename(entry.path(), berth.data("app") / entry.path().filename());
  auto want = berth::test::tree_listing(berth.data("app"));

  // To stdout, as in `berth volume export app > backup.tar`.
  auto r = berth({"volume", "export", "app"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto tar = berth.dir.path() / "backup.tar";
  std::ofstream(tar, std::ios::binary) << r.out;
  // And to a file with -o: the same archive, byte for byte.
  auto tar2 = berth.dir.path() / "backup2.tar";
  ASSERT_EQ(berth({"volume", "export", "app", "-o", tar2.string()}).exit_code, 0);
  std::ifstream in2(tar2, std::ios::binary);
  EXPECT_TRUE(std::string(std::istreambuf_iterator<char>(in2), {}) == r.out);

  r = berth({"volume", "import", "restored", "-i", tar.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(berth::test::tree_listing(berth.data("restored")), want);
  EXPECT_NE(want.find("uid=1234 gid=5678"), std::string::npos);

  r = berth({"volume", "import", "restored", "-i", tar.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is not empty"), std::string::npos) << r.err;
}

TEST(VolumeE2E, ImportRefusesAnArchiveThatEscapes) {
  Berth berth;
  // A tar whose second entry climbs out, made by hand: 512-byte ustar headers.
  auto header = [](const std::string& name, char type, size_t size) {
    std::string h(512, '\0');
    h.replace(0, name.size(), name);
    h.replace(100, 7, "0000644");
    h.replace(108, 7, "0000000");
    h.replace(116, 7, "0000000");
    char sz[12];
    std::snprintf(sz, sizeof sz, "%011zo", size);
    h.replace(124, 11, sz);
    h.replace(136, 11, "00000000000");
    h[156] = type;
    h.replace(257, 6, std::string("ustar\0", 6));
    h.replace(263, 2, "00");
    h.replace(148, 8, "        ");
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    char ck[8];
    std::snprintf(ck, sizeof ck, "%06o", sum);
    h.replace(148, 7, std::string(ck, 6) + '\0');
    return h;
  };
  std::string tar = header("fine", '0', 2) + std::string("ok") + std::string(510, '\0') +
                    header("../../../../evil", '0', 2) + std::string("no") +
                    std::string(510, '\0') + std::string(1024, '\0');
  auto file = berth.dir.path() / "evil.tar";
  std::ofstream(file, std::ios::binary) << tar;
  auto r = berth({"volume", "import", "victim", "-i", file.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("'../../../../evil' leads outside the volume"), std::string::npos) << r.err;
  EXPECT_EQ(berth({"volume", "ls", "-q"}).out, "");  // the volume made for it is gone
  EXPECT_FALSE(fs::exists(berth.dir.path() / "evil"));
  EXPECT_FALSE(fs::exists(berth.dir.path() / "state/evil"));
}

TEST(VolumeE2E, PruneRemovesUnusedVolumes) {
  Berth berth;
  ASSERT_EQ(berth({"volume", "create", "--label", "com.docker.volume.anonymous", "anon"}).exit_code, 0);
  ASSERT_EQ(berth({"volume", "create", "named"}).exit_code, 0);
  auto r = berth({"volume", "prune"});
  EXPECT_EQ(r.exit_code, 1);  // no terminal to confirm on
  EXPECT_NE(r.err.find("add -f"), std::string::npos) << r.err;
  r = berth({"volume", "prune", "-f"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Deleted Volumes:\nanon\n");
  EXPECT_EQ(berth({"volume", "ls", "-q"}).out, "named\n");
  r = berth({"volume", "prune", "-f", "--all"});
  EXPECT_EQ(r.out, "Deleted Volumes:\nnamed\n");
  EXPECT_EQ(berth({"volume", "ls", "-q"}).out, "");
}
