#include "runtime/image/unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "runtime/image/digest.h"
#include "runtime/thread_cwd.h"
#include "util/error.h"

namespace berth::image {

namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";
constexpr std::string_view kOverlayXattrs = "trusted.overlay.";

struct ReadCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct WriteCloser {
  void operator()(archive* a) const { archive_write_free(a); }
};
using ReadArchive = std::unique_ptr<archive, ReadCloser>;
using WriteArchive = std::unique_ptr<archive, WriteCloser>;

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    if (end > pos) parts.push_back(path.substr(pos, end - pos));
    pos = end + 1;
  }
  return parts;
}

// The decompressed stream (libarchive's "raw" format over any filter) feeds the tar reader, and
// is hashed on the way: the diff_id is checked in the same pass as the unpack.
struct HashingSource {
  archive* raw = nullptr;
  Sha256 hash;
  std::vector<char> buffer = std::vector<char>(1 << 20);
  bool failed = false;
  std::string error;
};

la_ssize_t read_decompressed(archive* tar, void* opaque, const void** out) {
  auto* src = static_cast<HashingSource*>(opaque);
  la_ssize_t n = archive_read_data(src->raw, src->buffer.data(), src->buffer.size());
  if (n < 0) {
    src->failed = true;
    src->error = archive_error_string(src->raw) ? archive_error_string(src->raw) : "read error";
    archive_set_error(tar, EIO, "%s", src->error.c_str());
    return -1;
  }
  src->hash.update(src->buffer.data(), static_cast<size_t>(n));
  *out = src->buffer.data();
  return n;
}

class LayerWriter {
 public:
  LayerWriter(const std::filesystem::path& blob, std::string layer_name)
      : blob_(blob), layer_(std::move(layer_name)) {}

  std::string run() {
    open_source();
    open_tar();
    open_disk();
    archive_entry* entry = nullptr;
    for (;;) {
      int rc = archive_read_next_header(tar_.get(), &entry);
      if (rc == ARCHIVE_EOF) break;
      if (rc < ARCHIVE_WARN) fail_read("");
      write_entry(entry);
    }
    drain_source();
    apply_whiteouts();
    if (archive_write_close(disk_.get()) != ARCHIVE_OK)
      throw Error(layer_ + ": cannot finish unpacking: " + disk_error());
    return source_.hash.digest();
  }

 private:
  void open_source() {
    raw_.reset(archive_read_new());
    archive_read_support_filter_all(raw_.get());
    archive_read_support_format_raw(raw_.get());
    archive_entry* e = nullptr;
    if (archive_read_open_filename(raw_.get(), blob_.c_str(), 1 << 20) != ARCHIVE_OK ||
        archive_read_next_header(raw_.get(), &e) != ARCHIVE_OK)
      throw Error(layer_ + ": cannot read the layer: " + error_of(raw_.get()));
    source_.raw = raw_.get();
  }

  void open_tar() {
    tar_.reset(archive_read_new());
    archive_read_support_format_tar(tar_.get());
    if (archive_read_open(tar_.get(), &source_, nullptr, read_decompressed, nullptr) != ARCHIVE_OK)
      fail_read("");
  }

  void open_disk() {
    disk_.reset(archive_write_disk_new());
    int flags = ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_UNLINK |
                ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;
    archive_write_disk_set_options(disk_.get(), flags);
    // No user lookup: owners are the numeric ids in the archive, as the container sees them.
  }

  [[noreturn]] void fail_read(const std::string& entry) {
    std::string why = source_.failed ? source_.error : error_of(tar_.get());
    throw Error(layer_ + ": the layer is damaged or ends early" +
                    (entry.empty() ? "" : " (at " + entry + ")") + ": " + why,
                "the download or the archive is incomplete; fetch or build it again");
  }

  [[noreturn]] void refuse(const std::string& entry, const std::string& why) {
    throw Error(layer_ + ": refusing entry '" + entry + "': " + why,
                "the layer tries to write outside its directory or holds what a container "
                "image must not; nothing was stored");
  }

  static std::string error_of(archive* a) {
    const char* s = archive_error_string(a);
    return s ? s : "unknown error";
  }
  std::string disk_error() { return error_of(disk_.get()); }

  // Refuses to go through a symlink that an earlier entry left on the way to `rel`.
  void check_no_symlink_parents(const std::string& entry, std::string_view rel) {
    std::string prefix;
    auto parts = split_path(rel);
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      prefix += (prefix.empty() ? "" : "/") + std::string(parts[i]);
      struct stat st {};
      if (::lstat(prefix.c_str(), &st) != 0) return;  // not there yet: created as a directory
      if (S_ISLNK(st.st_mode)) refuse(entry, "its parent '" + prefix + "' is a symlink");
      if (!S_ISDIR(st.st_mode)) refuse(entry, "its parent '" + prefix + "' is not a directory");
    }
  }

  void write_entry(archive_entry* entry) {
    const char* raw_name = archive_entry_pathname(entry);
    std::string original = raw_name ? raw_name : "";
    std::string name;
    try {
      name = clean_entry_path(original);
    } catch (const Error& e) {
      refuse(original, e.message());
    }
    if (name.empty()) return;  // the layer's root itself: the directory is ours
    auto slash = name.rfind('/');
    std::string dir = slash == std::string::npos ? "" : name.substr(0, slash);
    std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
    check_no_symlink_parents(original, name);

    auto type = archive_entry_filetype(entry);
    if (base == kOpaqueMarker) {
      opaque_dirs_.push_back(dir.empty() ? "." : dir);
      return;
    }
    if (base.rfind(kWhiteoutPrefix, 0) == 0) {
      std::string hidden = base.substr(kWhiteoutPrefix.size());
      if (hidden.rfind(kWhiteoutPrefix, 0) == 0) return;  // other AUFS metadata (.wh..wh.plnk)
      if (hidden.empty() || hidden == "." || hidden == "..") refuse(original, "a whiteout of nothing");
      whiteouts_.push_back(dir.empty() ? hidden : dir + "/" + hidden);
      return;
    }
    if (type == AE_IFCHR && archive_entry_rdevmajor(entry) == 0 &&
        archive_entry_rdevminor(entry) == 0) {
      whiteouts_.push_back(name);  // already in overlay form
      return;
    }
    if (type == AE_IFCHR || type == AE_IFBLK)
      refuse(original, "it is a device node; containers get /dev from the runtime");

    if (const char* link = archive_entry_hardlink(entry)) {
      std::string target;
      try {
        target = clean_entry_path(link);
      } catch (const Error& e) {
        refuse(original, "its hardlink target '" + std::string(link) + "': " + e.message());
      }
      if (target.empty()) refuse(original, "it is a hardlink to the layer's root");
      check_no_symlink_parents(original, target);
      struct stat st {};
      if (::lstat(target.c_str(), &st) != 0)
        refuse(original, "its hardlink target '" + target + "' is not in the layer");
      archive_entry_set_hardlink(entry, target.c_str());
    } else if (type == AE_IFLNK) {
      const char* target = archive_entry_symlink(entry);
      if (!target || !*target) refuse(original, "a symlink without a target");
      if (symlink_escapes(dir, target))
        refuse(original, "its symlink target '" + std::string(target) + "' points outside the layer");
    }
    drop_overlay_xattrs(entry);
    archive_entry_set_pathname(entry, name.c_str());

    if (archive_write_header(disk_.get(), entry) < ARCHIVE_WARN)
      throw Error(layer_ + ": cannot unpack '" + original + "': " + disk_error());
    if (archive_entry_size(entry) > 0 && !archive_entry_hardlink(entry)) copy_data(original);
    if (archive_write_finish_entry(disk_.get()) < ARCHIVE_WARN)
      throw Error(layer_ + ": cannot unpack '" + original + "': " + disk_error());
  }

  void copy_data(const std::string& entry) {
    const void* buf = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    for (;;) {
      int rc = archive_read_data_block(tar_.get(), &buf, &size, &offset);
      if (rc == ARCHIVE_EOF) return;
      if (rc < ARCHIVE_WARN) fail_read(entry);
      if (archive_write_data_block(disk_.get(), buf, size, offset) < ARCHIVE_WARN)
        throw Error(layer_ + ": cannot write '" + entry + "': " + disk_error());
    }
  }

  static void drop_overlay_xattrs(archive_entry* entry) {
    if (archive_entry_xattr_reset(entry) == 0) return;
    std::vector<std::pair<std::string, std::string>> kept;
    bool dropped = false;
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    while (archive_entry_xattr_next(entry, &name, &value, &size) == ARCHIVE_OK) {
      if (std::string_view(name).rfind(kOverlayXattrs, 0) == 0) {
        dropped = true;
        continue;
      }
      kept.emplace_back(name, std::string(static_cast<const char*>(value), size));
    }
    if (!dropped) return;
    archive_entry_xattr_clear(entry);
    for (const auto& [k, v] : kept) archive_entry_xattr_add_entry(entry, k.c_str(), v.data(), v.size());
  }

  // The tar reader stops at the end-of-archive blocks; the diff_id covers the whole stream.
  void drain_source() {
    for (;;) {
      la_ssize_t n = archive_read_data(raw_.get(), source_.buffer.data(), source_.buffer.size());
      if (n < 0) throw Error(layer_ + ": the layer is damaged: " + error_of(raw_.get()));
      if (n == 0) return;
      source_.hash.update(source_.buffer.data(), static_cast<size_t>(n));
    }
  }

  void make_parents(const std::string& path) {
    check_no_symlink_parents(path, path);
    std::string prefix;
    auto parts = split_path(path);
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      prefix += (prefix.empty() ? "" : "/") + std::string(parts[i]);
      if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST)
        throw Error(layer_ + ": cannot create " + prefix + ": " + std::strerror(errno));
    }
  }

  void apply_whiteouts() {
    for (const auto& w : whiteouts_) {
      make_parents(w);
      struct stat st {};
      if (::lstat(w.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) refuse(w, "a whiteout over a directory of the same layer");
        ::unlink(w.c_str());
      }
      if (::mknod(w.c_str(), S_IFCHR | 0000, ::makedev(0, 0)) != 0)
        throw Error(layer_ + ": cannot create the whiteout for " + w + ": " + std::strerror(errno));
    }
    for (const auto& d : opaque_dirs_) {
      if (d != ".") {
        make_parents(d + "/x");
        if (::mkdir(d.c_str(), 0755) != 0 && errno != EEXIST)
          throw Error(layer_ + ": cannot create " + d + ": " + std::strerror(errno));
      }
      struct stat st {};
      if (::lstat(d.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        refuse(d + "/" + std::string(kOpaqueMarker), "its directory is not a directory");
      if (::lsetxattr(d.c_str(), "trusted.overlay.opaque", "y", 1, 0) != 0)
        throw Error(layer_ + ": cannot mark " + d + " opaque: " + std::strerror(errno),
                    "the trusted.* xattrs need root and a file system that supports them");
    }
  }

  std::filesystem::path blob_;
  std::string layer_;
  HashingSource source_;
  ReadArchive raw_;
  ReadArchive tar_;
  WriteArchive disk_;
  std::vector<std::string> whiteouts_;
  std::vector<std::string> opaque_dirs_;
};

}  // namespace

std::string clean_entry_path(std::string_view path) {
  if (!path.empty() && path.front() == '/')
    throw Error("absolute path '" + std::string(path) + "'");
  std::string out;
  for (auto part : split_path(path)) {
    if (part == ".") continue;
    if (part == "..") throw Error("path '" + std::string(path) + "' contains '..'");
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

bool symlink_escapes(std::string_view entry_dir, std::string_view target) {
  if (!target.empty() && target.front() == '/') return false;
  long depth = static_cast<long>(split_path(entry_dir).size());
  for (auto part : split_path(target)) {
    if (part == ".") continue;
    if (part == "..") {
      if (--depth < 0) return true;
    } else {
      ++depth;
    }
  }
  return false;
}

std::string unpack_layer(const std::filesystem::path& blob, const std::filesystem::path& dest) {
  std::string diff_id;
  std::string name = "layer " + blob.filename().string().substr(0, 12);
  runtime::run_in_directory(dest, [&] { diff_id = LayerWriter(blob, name).run(); });
  return diff_id;
}

}  // namespace berth::image
