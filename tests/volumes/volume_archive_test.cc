#include "volumes/volume_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "tests/volumes/state_roots.h"
#include "tests/volumes/tree_listing.h"
#include "util/error.h"
#include "volumes/tree_copy.h"
#include "util/unique_fd.h"

using berth::Error;
using berth::UniqueFd;
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

UniqueFd open_file(const fs::path& p, int flags) {
  return UniqueFd(::open(p.c_str(), flags | O_CLOEXEC, 0600));
}

// A hand-made tar: what an attacker could feed to `berth volume import`.
struct Entry {
  std::string path;
  mode_t type = AE_IFREG;
  std::string content;
  std::string link;  // symlink target, or hardlink target when hardlink is set
  bool hardlink = false;
};

void write_tar(const fs::path& file, const std::vector<Entry>& entries) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_open_filename(a, file.c_str());
  for (const auto& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.path.c_str());
    archive_entry_set_filetype(entry, e.type);
    archive_entry_set_perm(entry, e.type == AE_IFDIR ? 0755 : 0644);
    if (e.hardlink) {
      archive_entry_set_hardlink(entry, e.link.c_str());
    } else if (e.type == AE_IFLNK) {
      archive_entry_set_symlink(entry, e.link.c_str());
    }
    archive_entry_set_size(entry, e.hardlink ? 0 : static_cast<la_int64_t>(e.content.size()));
    archive_write_header(a, entry);
    if (!e.content.empty() && !e.hardlink) archive_write_data(a, e.content.data(), e.content.size());
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
}
}  // namespace

TEST(VolumeArchive, ExportThenImportGivesTheSameTree) {
  StateRoots roots;
  VolumeStore store;
  store.create({"original", "local", {}, {}});
  auto image = roots.path() / "image";
  berth::test::make_rich_tree(image);
  store.activate("original", ImageContent{image, "/app"});
  auto tar = roots.path() / "backup.tar";
  {
    auto out = open_file(tar, O_WRONLY | O_CREAT | O_TRUNC);
    export_volume(store, "original", out.get());
  }
  {
    auto in = open_file(tar, O_RDONLY);
    import_volume(store, "restored", in.get());
  }
  auto want = berth::test::tree_listing(store.data_dir("original"));
  EXPECT_EQ(berth::test::tree_listing(store.data_dir("restored")), want);
  EXPECT_NE(want.find("uid=1234 gid=5678"), std::string::npos);  // the tree is not trivial
  EXPECT_NE(want.find("same-as="), std::string::npos);
  EXPECT_NE(want.find("user.origin=image"), std::string::npos);
  EXPECT_FALSE(fs::exists(store.data_dir("restored").parent_path() /
                          ("_import." + std::to_string(::getpid()))));
}

TEST(VolumeArchive, ImportRefusesANonEmptyVolume) {
  StateRoots roots;
  VolumeStore store;
  store.create({"src", "local", {}, {}});
  std::ofstream(store.data_dir("src") / "a") << "a";
  store.create({"busy", "local", {}, {}});
  std::ofstream(store.data_dir("busy") / "mine") << "keep me";
  auto tar = roots.path() / "t.tar";
  {
    auto out = open_file(tar, O_WRONLY | O_CREAT | O_TRUNC);
    export_volume(store, "src", out.get());
  }
  auto in = open_file(tar, O_RDONLY);
  auto err = error_of([&] { import_volume(store, "busy", in.get()); });
  EXPECT_NE(err.find("volume 'busy' is not empty"), std::string::npos) << err;
  EXPECT_TRUE(fs::exists(store.data_dir("busy") / "mine"));
  EXPECT_FALSE(fs::exists(store.data_dir("busy") / "a"));
}

TEST(VolumeArchive, EntriesEscapingTheVolumeAreRefusedAndNothingStays) {
  StateRoots roots;
  VolumeStore store;
  auto outside = roots.path() / "outside";
  fs::create_directories(outside);
  struct Case {
    std::string why;
    std::vector<Entry> entries;
    std::string expect;
  };
  std::vector<Case> cases = {
      {"dotdot", {{"ok", AE_IFREG, "fine", "", false}, {"../../../outside/evil", AE_IFREG, "x", "", false}},
       "leads outside the volume"},
      {"absolute", {{"/tmp/berth-abs-evil", AE_IFREG, "x", "", false}}, "leads outside the volume"},
      {"hardlink out", {{"h", AE_IFREG, "", "../../../outside/victim", true}},
       "hardlink target"},
      {"through a symlink",
       {{"sneaky", AE_IFLNK, "", outside.string(), false}, {"sneaky/evil", AE_IFREG, "x", "", false}},
       "Cannot extract through symlink"},
      {"hardlink through a symlink",
       {{"sneaky", AE_IFLNK, "", outside.string(), false}, {"h", AE_IFREG, "", "sneaky/victim", true}},
       "Cannot extract through symlink"},
  };
  std::ofstream(outside / "victim") << "untouched";
  for (const auto& c : cases) {
    auto tar = roots.path() / "evil.tar";
    write_tar(tar, c.entries);
    auto in = open_file(tar, O_RDONLY);
    auto err = error_of([&] { import_volume(store, "target", in.get()); });
    EXPECT_NE(err.find(c.expect), std::string::npos) << c.why << ": " << err;
    EXPECT_FALSE(store.find("target")) << c.why;  // the volume made for the import is gone
    EXPECT_EQ(std::vector<fs::path>(fs::directory_iterator(outside), {}).size(), 1u) << c.why;
  }
  EXPECT_FALSE(fs::exists("/tmp/berth-abs-evil"));
  std::ifstream victim(outside / "victim");
  std::string text;
  std::getline(victim, text);
  EXPECT_EQ(text, "untouched");
  EXPECT_EQ(fs::hard_link_count(outside / "victim"), 1u);
}

TEST(VolumeArchive, DriverVolumesAreNotExported) {
  StateRoots roots;
  VolumeStore store;
  store.create({"t", "local", {{"type", "tmpfs"}, {"device", "tmpfs"}}, {}});
  auto out = open_file(roots.path() / "t.tar", O_WRONLY | O_CREAT | O_TRUNC);
  EXPECT_NE(error_of([&] { export_volume(store, "t", out.get()); }).find("driver_opts"),
            std::string::npos);
}
