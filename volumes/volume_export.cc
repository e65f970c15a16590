// berth volume export: a volume's tree as a pax tar.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "volumes/archive_support.h"
#include "volumes/dir_entries.h"
#include "util/unique_fd.h"
#include "volumes/volume_archive.h"

namespace berth::volumes {

using namespace archive_support;

namespace {

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

}  // namespace

void export_tree(const std::filesystem::path& dir, int out_fd) { Exporter(dir, out_fd).run(); }

void export_volume(VolumeStore& store, const std::string& name, int out_fd) {
  check_plain(store.inspect(name), "export");
  export_tree(store.data_dir(name), out_fd);
}

}  // namespace berth::volumes
