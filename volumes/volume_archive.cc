#include "volumes/volume_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <optional>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "util/error.h"
#include "volumes/dir_entries.h"
#include "volumes/rollback.h"
#include "volumes/safe_path.h"
#include "volumes/tree_copy.h"
#include "volumes/unique_fd.h"

namespace berth::volumes {

namespace {

struct ArchiveFree {
  void operator()(archive* a) const { archive_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;
struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};
using EntryPtr = std::unique_ptr<archive_entry, EntryFree>;
struct ResolverFree {
  void operator()(archive_entry_linkresolver* r) const { archive_entry_linkresolver_free(r); }
};

[[noreturn]] void archive_failed(archive* a, const std::string& what) {
  const char* msg = archive_error_string(a);
  throw Error(what + ": " + (msg ? msg : "unknown error"));
}

void check(archive* a, int rc, const std::string& what) {
  if (rc < ARCHIVE_WARN) archive_failed(a, what);
}

class Exporter {
 public:
  Exporter(const std::filesystem::path& dir, int out_fd)
      : root_(dir), disk_(archive_read_disk_new()), out_(archive_write_new()) {
    if (!disk_ || !out_) throw Error("export: out of memory");
    check(out_.get(), archive_write_set_format_pax_restricted(out_.get()), "export");
    // The same bytes whether written to a pipe, stdout or a file: no padding to a tape block.
    archive_write_set_bytes_in_last_block(out_.get(), 1);
    check(out_.get(), archive_write_open_fd(out_.get(), out_fd), "export");
    resolver_.reset(archive_entry_linkresolver_new());
    archive_entry_linkresolver_set_strategy(resolver_.get(), archive_format(out_.get()));
  }

  void run() {
    UniqueFd root(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!root.valid()) throw Error("export: cannot open " + root_.string() + ": " + std::strerror(errno));
    add_entry(root.get(), "", ".");
    check(out_.get(), archive_write_close(out_.get()), "export");
  }

 private:
  // Every entry is reached through the fd of its directory, never by a path from the top: a
  // directory swapped for a symlink while the export runs cannot lead it out of the volume.
  // The entry is `name` in the directory `dir_fd` (an empty name: that directory itself), and
  // `rel` its path in the archive.
  void add_entry(int dir_fd, const std::string& name, const std::string& rel) {
    int at_flags = name.empty() ? AT_EMPTY_PATH : 0;
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW | at_flags) != 0)
      throw Error("export: cannot stat " + rel + ": " + std::strerror(errno));
    if (S_ISSOCK(st.st_mode)) return;
    UniqueFd fd;
    if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
      fd = UniqueFd(name.empty() ? ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                        // O_NONBLOCK: a file swapped for a fifo meanwhile must not hang us.
                        : ::openat(dir_fd, name.c_str(),
                                   O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
      if (!fd.valid()) throw Error("export: cannot open " + rel + ": " + std::strerror(errno));
    }
    // libarchive reads symlink targets and xattrs of fd-less entries by path: a path through the
    // pinned directory fd.
    std::string source = "/proc/self/fd/" + std::to_string(dir_fd) + (name.empty() ? "" : "/" + name);
    archive_entry* raw = archive_entry_new();
    archive_entry_copy_pathname(raw, rel.c_str());
    archive_entry_copy_sourcepath(raw, source.c_str());
    check(disk_.get(), archive_read_disk_entry_from_file(disk_.get(), raw, fd.get(), &st),
          "export: " + rel);
    // Reading a file for the export changes its atime: leaving times of access (and of inode
    // change) out keeps two exports of the same tree the same archive.
    archive_entry_unset_atime(raw);
    archive_entry_unset_ctime(raw);
    archive_entry_unset_birthtime(raw);
    archive_entry* spare = nullptr;
    archive_entry_linkify(resolver_.get(), &raw, &spare);
    EntryPtr entry(raw), spare_entry(spare);
    if (entry) write(entry.get(), S_ISREG(st.st_mode) ? fd.get() : -1, rel);
    if (S_ISDIR(st.st_mode))
      for (const auto& child : list_directory(fd.get(), rel))
        add_entry(fd.get(), child, rel == "." ? child : rel + "/" + child);
  }

  void write(archive_entry* entry, int fd, const std::string& rel) {
    // A second link of a file carries no data: the header points at the first.
    bool data = fd >= 0 && archive_entry_hardlink(entry) == nullptr;
    if (!data && archive_entry_filetype(entry) == AE_IFREG && archive_entry_hardlink(entry))
      archive_entry_set_size(entry, 0);
    check(out_.get(), archive_write_header(out_.get(), entry), "export: " + rel);
    if (!data) return;
    char buf[1 << 16];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n == 0) break;
      if (n < 0) {
        if (errno == EINTR) continue;
        throw Error("export: cannot read " + rel + ": " + std::strerror(errno));
      }
      if (archive_write_data(out_.get(), buf, static_cast<size_t>(n)) < 0)
        archive_failed(out_.get(), "export: " + rel);
    }
  }

  std::filesystem::path root_;
  ArchivePtr disk_;
  ArchivePtr out_;
  std::unique_ptr<archive_entry_linkresolver, ResolverFree> resolver_;
};

// Entries are checked by berth before libarchive's own checks (which refuse writing through a
// symlink): a path must be relative and stay below the volume.
void check_entry_path(const char* path, const std::string& what) {
  if (!path) return;
  if (!stays_inside(path))
    throw Error("import: " + what + " '" + path + "' leads outside the volume",
                "the archive was not made by 'berth volume export', or it was tampered with");
}

}  // namespace

void export_tree(const std::filesystem::path& dir, int out_fd) { Exporter(dir, out_fd).run(); }

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

namespace {
void check_plain(const VolumeRecord& record, const std::string& verb) {
  if (!record.driver_opts.empty())
    throw Error("cannot " + verb + " volume '" + record.name + "': its data is a mount (driver_opts)",
                "export and import work on volumes whose data berth keeps itself");
}
}  // namespace

void export_volume(VolumeStore& store, const std::string& name, int out_fd) {
  check_plain(store.inspect(name), "export");
  export_tree(store.data_dir(name), out_fd);
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
