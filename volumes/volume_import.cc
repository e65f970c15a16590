// berth volume import: a tar into a volume, refusing entries that would land outside it.
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>

#include "volumes/archive_support.h"
#include "volumes/rollback.h"
#include "volumes/safe_path.h"
#include "volumes/tree_copy.h"
#include "util/unique_fd.h"
#include "volumes/volume_archive.h"

namespace berth::volumes {

using namespace archive_support;

namespace {

// Entries are checked by berth before libarchive's own checks (which refuse writing through a
// symlink): a path must be relative and stay below the volume.
void check_entry_path(const char* path, const std::string& what) {
  if (!path) return;
  if (!stays_inside(path))
    throw Error("import: " + what + " '" + path + "' leads outside the volume",
                "the archive was not made by 'berth volume export', or it was tampered with");
}

}  // namespace

void import_tree(int in_fd, const std::filesystem::path& dir) {
  auto prefix = std::filesystem::canonical(dir);
  ArchivePtr in(archive_read_new());
  ArchivePtr disk(archive_write_disk_new());
  if (!in || !disk) throw Error("import: out of memory");
  archive_read_support_format_tar(in.get());
  archive_read_support_filter_all(in.get());
  // Numeric owners as they were, never names looked up on this host.
  archive_write_disk_set_options(
      disk.get(), ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                      ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                      ARCHIVE_EXTRACT_SECURE_SYMLINKS);
  check(in.get(), archive_read_open_fd(in.get(), in_fd, 1 << 16), "import");
  // The times of the tree's root, set once all of its entries exist (they change its mtime).
  std::optional<std::array<timespec, 2>> root_times;
  for (;;) {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(in.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    check(in.get(), rc, "import: reading the archive");
    std::string path = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    check_entry_path(path.c_str(), "entry");
    check_entry_path(archive_entry_hardlink(entry), "hardlink target of '" + path + "'");
    if (std::filesystem::path(path).lexically_normal() == "." ||
        std::filesystem::path(path).lexically_normal() == "./")
      root_times = std::array<timespec, 2>{
          timespec{archive_entry_atime(entry), archive_entry_atime_nsec(entry)},
          timespec{archive_entry_mtime(entry), archive_entry_mtime_nsec(entry)}};
    archive_entry_copy_pathname(entry, (prefix / path).lexically_normal().c_str());
    if (const char* link = archive_entry_hardlink(entry))
      archive_entry_copy_hardlink(entry, (prefix / link).lexically_normal().c_str());
    check(disk.get(), archive_write_header(disk.get(), entry), "import: " + path);
    const void* block;
    size_t size;
    la_int64_t offset;
    while ((rc = archive_read_data_block(in.get(), &block, &size, &offset)) == ARCHIVE_OK)
      check(disk.get(), static_cast<int>(archive_write_data_block(disk.get(), block, size, offset)),
            "import: " + path);
    if (rc != ARCHIVE_EOF) archive_failed(in.get(), "import: " + path);
    check(disk.get(), archive_write_finish_entry(disk.get()), "import: " + path);
  }
  check(disk.get(), archive_write_close(disk.get()), "import");
  if (root_times && ::utimensat(AT_FDCWD, prefix.c_str(), root_times->data(), 0) != 0)
    throw Error("import: cannot set the times of " + prefix.string() + ": " + std::strerror(errno));
}

void import_volume(VolumeStore& store, const std::string& name, int in_fd) {
  Rollback rollback;
  bool created = false;
  auto record = store.ensure({name, "local", {}, {}}, &created);
  if (created) rollback.add([&store, name] { store.remove(name, true); });
  check_plain(record, "import into");
  if (!record.users.empty())
    throw Error("volume '" + name + "' is in use by a container",
                "a running container would not see the imported tree; remove it first");
  auto data = store.data_dir(name);
  {
    UniqueFd fd = open_root(data);
    if (!directory_is_empty(fd.get()))
      throw Error("volume '" + name + "' is not empty",
                  "import into a new volume, or remove this one first with 'berth volume rm " +
                      name + "'");
  }
  auto staging = data.parent_path() / ("_import." + std::to_string(::getpid()));
  if (::mkdir(staging.c_str(), 0700) != 0)
    throw Error("cannot create " + staging.string() + ": " + std::strerror(errno));
  rollback.add([staging] {
    std::error_code ec;
    std::filesystem::remove_all(staging, ec);
  });
  import_tree(in_fd, staging);
  // Swapped in one step: the volume never lacks its data directory, even if this fails.
  if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, data.c_str(), RENAME_EXCHANGE) != 0)
    throw Error("cannot put the imported tree in place at " + data.string() + ": " +
                std::strerror(errno));
  rollback.commit();
  ::rmdir(staging.c_str());  // the empty data directory that was swapped out
}

}  // namespace berth::volumes
