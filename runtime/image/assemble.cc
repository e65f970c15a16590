#include "runtime/image/assemble.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "runtime/image/digest.h"
#include "runtime/image/unpack.h"
#include "runtime/thread_cwd.h"
#include "util/error.h"

namespace berth::image {

namespace stdfs = std::filesystem;

namespace {

// An fd that writes and hashes what it is given.
struct HashingFile {
  int fd = -1;
  Sha256 hash;
  int64_t size = 0;
  std::string path;

  explicit HashingFile(const stdfs::path& p) : path(p.string()) {
    fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw Error("cannot create " + path + ": " + std::strerror(errno));
  }
  ~HashingFile() {
    if (fd >= 0) ::close(fd);
  }
  void write(const void* data, size_t n) {
    const char* p = static_cast<const char*>(data);
    size_t left = n;
    while (left > 0) {
      ssize_t w = ::write(fd, p, left);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) throw Error("cannot write " + path + ": " + std::strerror(errno));
      p += w;
      left -= static_cast<size_t>(w);
    }
    hash.update(data, n);
    size += static_cast<int64_t>(n);
  }
  void finish() {
    if (::fsync(fd) != 0 || ::close(fd) != 0)
      throw Error("cannot write " + path + ": " + std::strerror(errno));
    fd = -1;
  }
};

la_ssize_t write_to_hashing_file(archive* a, void* opaque, const void* buf, size_t n) {
  try {
    static_cast<HashingFile*>(opaque)->write(buf, n);
    return static_cast<la_ssize_t>(n);
  } catch (const Error& e) {
    archive_set_error(a, EIO, "%s", e.message().c_str());
    return -1;
  }
}

std::string error_of(archive* a) {
  const char* s = archive_error_string(a);
  return s ? s : "unknown error";
}

struct ArchiveFree {
  void operator()(archive* a) const { archive_free(a); }
};
struct ResolverFree {
  void operator()(archive_entry_linkresolver* r) const { archive_entry_linkresolver_free(r); }
};

void copy_file_into(archive* out, const char* source, const std::string& name) {
  int fd = ::open(source, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) throw Error("cannot read " + name + ": " + std::strerror(errno));
  std::vector<char> buf(1 << 20);
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      throw Error("cannot read " + name + ": " + std::strerror(err));
    }
    if (n == 0) break;
    if (archive_write_data(out, buf.data(), static_cast<size_t>(n)) < 0) {
      ::close(fd);
      throw Error("cannot write the layer: " + error_of(out));
    }
  }
  ::close(fd);
}

void tar_directory(HashingFile& file, const std::string& label) {
  std::unique_ptr<archive, ArchiveFree> out(archive_write_new());
  archive_write_set_format_pax_restricted(out.get());
  archive_write_set_bytes_in_last_block(out.get(), 1);
  if (archive_write_open(out.get(), &file, nullptr, write_to_hashing_file, nullptr) != ARCHIVE_OK)
    throw Error("cannot write the layer: " + error_of(out.get()));
  std::unique_ptr<archive, ArchiveFree> disk(archive_read_disk_new());
  archive_read_disk_set_symlink_physical(disk.get());
  if (archive_read_disk_open(disk.get(), ".") != ARCHIVE_OK)
    throw Error("cannot read " + label + ": " + error_of(disk.get()));
  std::unique_ptr<archive_entry_linkresolver, ResolverFree> links(archive_entry_linkresolver_new());
  archive_entry_linkresolver_set_strategy(links.get(), archive_format(out.get()));
  for (;;) {
    archive_entry* entry = archive_entry_new();
    int rc = archive_read_next_header2(disk.get(), entry);
    if (rc == ARCHIVE_EOF) {
      archive_entry_free(entry);
      break;
    }
    if (rc < ARCHIVE_WARN) {
      archive_entry_free(entry);
      throw Error("cannot read " + label + ": " + error_of(disk.get()));
    }
    archive_read_disk_descend(disk.get());
    std::string source = archive_entry_sourcepath(entry) ? archive_entry_sourcepath(entry) : "";
    std::string name = clean_entry_path(archive_entry_pathname(entry));
    if (name.empty() || archive_entry_filetype(entry) == AE_IFSOCK) {
      archive_entry_free(entry);
      continue;
    }
    if (archive_entry_filetype(entry) == AE_IFDIR) name += "/";
    archive_entry_set_pathname(entry, name.c_str());
    archive_entry* spare = nullptr;
    archive_entry_linkify(links.get(), &entry, &spare);
    if (entry) {
      bool has_data = archive_entry_filetype(entry) == AE_IFREG && archive_entry_size(entry) > 0 &&
                      !archive_entry_hardlink(entry);
      if (archive_write_header(out.get(), entry) < ARCHIVE_WARN) {
        archive_entry_free(entry);
        throw Error("cannot write the layer entry " + name + ": " + error_of(out.get()));
      }
      if (has_data) copy_file_into(out.get(), source.c_str(), label + "/" + name);
      archive_entry_free(entry);
    }
    if (spare) archive_entry_free(spare);
  }
  if (archive_write_close(out.get()) != ARCHIVE_OK)
    throw Error("cannot write the layer: " + error_of(out.get()));
}

}  // namespace

Descriptor layer_from_directory(Store& store, const stdfs::path& dir) {
  if (!stdfs::is_directory(dir)) throw Error(dir.string() + " is not a directory");
  TempDir work = store.make_temp_dir("import");
  stdfs::path tar = work.path() / "layer.tar";
  HashingFile file(tar);
  runtime::run_in_directory(dir, [&] { tar_directory(file, dir.string()); });
  file.finish();
  Descriptor d{media::kOciLayer, file.hash.digest(), file.size, {}, {}};
  store.commit_blob_file(tar, d.digest, "layer");
  return d;
}

Descriptor layer_from_tarball(Store& store, const stdfs::path& path) {
  std::unique_ptr<archive, ArchiveFree> in(archive_read_new());
  archive_read_support_filter_all(in.get());
  archive_read_support_format_raw(in.get());
  int rc = path == "-" ? archive_read_open_fd(in.get(), 0, 1 << 20)
                       : archive_read_open_filename(in.get(), path.c_str(), 1 << 20);
  archive_entry* e = nullptr;
  if (rc != ARCHIVE_OK || archive_read_next_header(in.get(), &e) != ARCHIVE_OK)
    throw Error("cannot read " + path.string() + ": " + error_of(in.get()));
  TempDir work = store.make_temp_dir("import");
  stdfs::path tar = work.path() / "layer.tar";
  HashingFile file(tar);
  std::vector<char> buf(1 << 20);
  for (;;) {
    la_ssize_t n = archive_read_data(in.get(), buf.data(), buf.size());
    if (n < 0) throw Error("cannot read " + path.string() + ": " + error_of(in.get()));
    if (n == 0) break;
    file.write(buf.data(), static_cast<size_t>(n));
  }
  file.finish();
  if (file.size == 0) throw Error(path.string() + " is empty", "give a tar archive of a root filesystem");
  Descriptor d{media::kOciLayer, file.hash.digest(), file.size, {}, {}};
  store.commit_blob_file(tar, d.digest, "layer");
  return d;
}

std::string assemble_image(Store& store, const ImageConfig& config,
                           const std::vector<Descriptor>& layers) {
  if (config.diff_ids.size() != layers.size())
    throw Error("image config names " + std::to_string(config.diff_ids.size()) +
                " layers, the manifest " + std::to_string(layers.size()));
  for (size_t i = 0; i < layers.size(); ++i) store.ensure_layer(layers[i].digest, config.diff_ids[i]);
  std::string config_blob = image_config_json(config);
  Manifest m;
  m.media_type = media::kOciManifest;
  m.config = {media::kOciConfig, store.put_blob(config_blob), static_cast<int64_t>(config_blob.size()), {}, {}};
  m.layers = layers;
  return store.put_blob(manifest_json(m));
}

}  // namespace berth::image
