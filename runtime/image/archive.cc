#include "runtime/image/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <memory>

#include <nlohmann/json.hpp>

#include "runtime/image/digest.h"
#include "runtime/image/unpack.h"
#include "util/error.h"
#include "util/log.h"

namespace berth::image {

namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kOciRefName = "org.opencontainers.image.ref.name";
constexpr const char* kContainerdName = "io.containerd.image.name";
constexpr size_t kMaxMetadata = 16 << 20;

struct ArchiveFree {
  void operator()(archive* a) const { archive_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

std::string error_of(archive* a) {
  const char* s = archive_error_string(a);
  return s ? s : "unknown error";
}

// ---- save ----

class TarWriter {
 public:
  explicit TarWriter(const stdfs::path& out) : a_(archive_write_new()), name_(out.string()) {
    archive_write_set_format_pax_restricted(a_.get());
    int rc = out == "-" ? archive_write_open_fd(a_.get(), 1) : archive_write_open_filename(a_.get(), out.c_str());
    if (rc != ARCHIVE_OK) throw Error("cannot write " + name_ + ": " + error_of(a_.get()));
  }

  void add_bytes(const std::string& path, const std::string& data) {
    header(path, static_cast<int64_t>(data.size()));
    if (!data.empty() && archive_write_data(a_.get(), data.data(), data.size()) < 0) fail();
  }

  void add_file(const std::string& path, const stdfs::path& file) {
    header(path, static_cast<int64_t>(stdfs::file_size(file)));
    std::ifstream in(file, std::ios::binary);
    std::vector<char> buf(1 << 20);
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      auto n = static_cast<size_t>(in.gcount());
      if (n && archive_write_data(a_.get(), buf.data(), n) < 0) fail();
    }
  }

  void close() {
    if (archive_write_close(a_.get()) != ARCHIVE_OK) fail();
  }

 private:
  void header(const std::string& path, int64_t size) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), path.c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_size(e.get(), size);
    if (archive_write_header(a_.get(), e.get()) != ARCHIVE_OK) fail();
  }
  [[noreturn]] void fail() { throw Error("cannot write " + name_ + ": " + error_of(a_.get())); }

  ArchivePtr a_;
  std::string name_;
};

std::string blob_name(const std::string& digest) { return "blobs/sha256/" + digest_hex(digest); }

// ---- load ----

struct LoadedFile {
  stdfs::path path;
  std::string digest;
};

// The archive's files: small metadata kept in memory, everything else streamed into a work dir
// of the store and hashed on the way. Only regular files are read; nothing is extracted by name.
struct ArchiveContents {
  std::map<std::string, std::string> metadata;  // manifest.json, index.json, *.json
  std::map<std::string, LoadedFile> files;      // everything else, by clean path
};

bool is_metadata(const std::string& name) {
  return name == "manifest.json" || name == "index.json" || name == "oci-layout" ||
         name == "repositories" ||
         (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0 && name.find('/') == std::string::npos);
}

ArchiveContents read_archive(const stdfs::path& in, const stdfs::path& work) {
  ArchivePtr a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  int rc = in == "-" ? archive_read_open_fd(a.get(), 0, 1 << 20)
                     : archive_read_open_filename(a.get(), in.c_str(), 1 << 20);
  if (rc != ARCHIVE_OK) throw Error("cannot read " + in.string() + ": " + error_of(a.get()));
  ArchiveContents out;
  archive_entry* e = nullptr;
  int index = 0;
  std::vector<char> buf(1 << 20);
  for (;;) {
    rc = archive_read_next_header(a.get(), &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN)
      throw Error(in.string() + " is not a complete image archive: " + error_of(a.get()),
                  "make it with `berth image save` or `docker save`");
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    std::string name;
    try {
      name = clean_entry_path(archive_entry_pathname(e));
    } catch (const Error& err) {
      throw Error(in.string() + ": " + err.message(), "the archive is not an image archive");
    }
    if (is_metadata(name)) {
      if (archive_entry_size(e) > static_cast<la_int64_t>(kMaxMetadata))
        throw Error(in.string() + ": " + name + " is too large to be image metadata");
      std::string data;
      for (;;) {
        la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
        if (n < 0) throw Error(in.string() + ": cannot read " + name + ": " + error_of(a.get()));
        if (n == 0) break;
        data.append(buf.data(), static_cast<size_t>(n));
      }
      out.metadata[name] = std::move(data);
      continue;
    }
    LoadedFile f{work / std::to_string(index++), {}};
    int fd = ::open(f.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) throw Error("cannot write " + f.path.string() + ": " + std::strerror(errno));
    Sha256 hash;
    for (;;) {
      la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
      if (n < 0) {
        ::close(fd);
        throw Error(in.string() + ": cannot read " + name + ": " + error_of(a.get()),
                    "the archive is truncated or damaged");
      }
      if (n == 0) break;
      if (::write(fd, buf.data(), static_cast<size_t>(n)) != n) {
        ::close(fd);
        throw Error("cannot write " + f.path.string() + ": " + std::strerror(errno));
      }
      hash.update(buf.data(), static_cast<size_t>(n));
    }
    ::close(fd);
    f.digest = hash.digest();
    out.files[name] = std::move(f);
  }
  return out;
}

const char* layer_media_type(const stdfs::path& file) {
  unsigned char magic[4] = {};
  std::ifstream in(file, std::ios::binary);
  in.read(reinterpret_cast<char*>(magic), 4);
  if (magic[0] == 0x1f && magic[1] == 0x8b) return media::kOciLayerGzip;
  if (magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd) return media::kOciLayerZstd;
  return media::kOciLayer;
}

class Loader {
 public:
  Loader(Store& store, const ArchiveContents& contents, const Platform& platform)
      : store_(store), contents_(contents), platform_(platform) {}

  // blobs/sha256/<hex> files become store blobs (after checking their names are their digests).
  void commit_blobs() {
    for (const auto& [name, file] : contents_.files) {
      if (name.rfind("blobs/sha256/", 0) != 0) continue;
      std::string digest = "sha256:" + name.substr(13);
      verify_digest(digest, file.digest, "blob " + name + " in the archive");
      if (!store_.has_blob(digest)) store_.commit_blob_file(file.path, digest, name);
    }
  }

  std::vector<std::string> load_oci(const std::string& index_text) {
    std::vector<std::string> loaded;
    for (const auto& d : parse_index(index_text, "index.json of the archive").manifests) {
      std::string name = image_name(d);
      std::string manifest = pick_manifest(d.digest);
      finish_image(manifest);
      if (name.empty()) {
        log::warn("image " + manifest + " in the archive has no name; it was not tagged");
        continue;
      }
      Reference ref = parse_reference(name);
      store_.set_reference(ref, manifest, media::kOciManifest);
      loaded.push_back(ref.familiar());
    }
    return loaded;
  }

  std::vector<std::string> load_docker(const std::string& manifest_text) {
    std::vector<std::string> loaded;
    json doc;
    try {
      doc = json::parse(manifest_text);
    } catch (const json::exception& e) {
      throw Error(std::string("manifest.json of the archive is not valid JSON: ") + e.what());
    }
    if (!doc.is_array()) throw Error("manifest.json of the archive is not a list of images");
    for (const auto& entry : doc) {
      std::string config_name = entry.value("Config", "");
      std::string config = file_or_metadata(config_name);
      ImageConfig parsed = parse_image_config(config);
      Manifest m;
      m.media_type = media::kOciManifest;
      m.config = {media::kOciConfig, store_.put_blob(config), static_cast<int64_t>(config.size()), {}, {}};
      for (const auto& layer : entry.value("Layers", json::array())) {
        std::string lname = clean_entry_path(layer.get<std::string>());
        auto it = contents_.files.find(lname);
        if (it == contents_.files.end()) throw Error("the archive lacks the layer " + lname);
        if (!store_.has_blob(it->second.digest)) {
          if (stdfs::exists(it->second.path))
            store_.commit_blob_file(it->second.path, it->second.digest, lname);
        }
        m.layers.push_back({layer_media_type(store_.blob_path(it->second.digest)), it->second.digest,
                            static_cast<int64_t>(stdfs::file_size(store_.blob_path(it->second.digest))), {}, {}});
      }
      if (parsed.diff_ids.size() != m.layers.size())
        throw Error("image " + config_name + " in the archive lists " + std::to_string(m.layers.size()) +
                    " layers, its config " + std::to_string(parsed.diff_ids.size()));
      std::string manifest = store_.put_blob(manifest_json(m));
      finish_image(manifest);
      for (const auto& tag : entry.value("RepoTags", json::array())) {
        Reference ref = parse_reference(tag.get<std::string>());
        store_.set_reference(ref, manifest, media::kOciManifest);
        loaded.push_back(ref.familiar());
      }
    }
    return loaded;
  }

 private:
  static std::string image_name(const Descriptor& d) {
    if (auto it = d.annotations.find(kContainerdName); it != d.annotations.end()) return it->second;
    if (auto it = d.annotations.find(kOciRefName); it != d.annotations.end()) {
      // A bare tag ("latest") names no repository.
      if (it->second.find_first_of("/:") != std::string::npos) return it->second;
    }
    return {};
  }

  // The image manifest for a descriptor of index.json: itself, or the platform's from an index.
  std::string pick_manifest(const std::string& digest) {
    std::string text = store_.read_blob(digest);
    if (!is_index_document(text)) return digest;
    return pick_manifest(select_platform(parse_index(text), platform_).digest);
  }

  void finish_image(const std::string& manifest_digest) {
    Manifest m = parse_manifest(store_.read_blob(manifest_digest), "manifest " + manifest_digest);
    ImageConfig c = parse_image_config(store_.read_blob(m.config.digest));
    if (c.diff_ids.size() != m.layers.size())
      throw Error("image " + manifest_digest + " in the archive is inconsistent: " +
                  std::to_string(m.layers.size()) + " layers, " + std::to_string(c.diff_ids.size()) + " diff_ids");
    for (size_t i = 0; i < m.layers.size(); ++i) {
      if (!store_.has_blob(m.layers[i].digest))
        throw Error("the archive lacks layer " + m.layers[i].digest, "the archive is incomplete");
      store_.ensure_layer(m.layers[i].digest, c.diff_ids[i]);
    }
  }

  std::string file_or_metadata(const std::string& raw_name) {
    std::string name = clean_entry_path(raw_name);
    if (auto it = contents_.metadata.find(name); it != contents_.metadata.end()) return it->second;
    if (auto it = contents_.files.find(name); it != contents_.files.end()) {
      if (stdfs::exists(it->second.path)) {
        std::ifstream in(it->second.path, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
      }
      return store_.read_blob(it->second.digest);
    }
    throw Error("the archive lacks " + name, "the archive is incomplete");
  }

  Store& store_;
  const ArchiveContents& contents_;
  Platform platform_;
};

}  // namespace

void save_images(Store& store, const std::vector<std::string>& names, const stdfs::path& out) {
  if (names.empty()) throw Error("name at least one image to save");
  std::vector<std::pair<std::string, Image>> images;  // the name given, the image
  for (const auto& n : names) images.emplace_back(n, store.find(n));
  TarWriter tar(out);
  tar.add_bytes("oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  std::set<std::string> written;
  json index_manifests = json::array();
  json docker_manifest = json::array();
  for (const auto& [name, img] : images) {
    std::vector<std::string> digests = {img.manifest_digest, img.config_digest};
    for (const auto& l : img.manifest.layers) digests.push_back(l.digest);
    for (const auto& d : digests)
      if (written.insert(d).second) tar.add_file(blob_name(d), store.blob_path(d));
    json tags = json::array();
    json annotations = json::object();
    if (auto stored = store.stored_reference(name)) {
      const Reference& ref = *stored;
      tags.push_back(ref.familiar());
      annotations[kContainerdName] = ref.str();
      annotations[kOciRefName] = ref.tag.empty() ? ref.digest : ref.tag;
    }
    json desc = {{"mediaType", img.manifest.media_type},
                 {"digest", img.manifest_digest},
                 {"size", img.manifest_json.size()}};
    if (!annotations.empty()) desc["annotations"] = annotations;
    index_manifests.push_back(desc);
    json layers = json::array();
    for (const auto& l : img.manifest.layers) layers.push_back(blob_name(l.digest));
    docker_manifest.push_back({{"Config", blob_name(img.config_digest)}, {"RepoTags", tags}, {"Layers", layers}});
  }
  json index = {{"schemaVersion", 2}, {"mediaType", media::kOciIndex}, {"manifests", index_manifests}};
  tar.add_bytes("index.json", index.dump());
  tar.add_bytes("manifest.json", docker_manifest.dump());
  tar.close();
}

std::vector<std::string> load_images(Store& store, const stdfs::path& in, const Platform& platform) {
  if (in != "-" && !stdfs::exists(in))
    throw Error("cannot load " + in.string() + ": no such file", "give an archive made by save");
  FileLock use = store.use_lock();
  TempDir work = store.make_temp_dir("load");
  ArchiveContents contents = read_archive(in, work.path());
  Loader loader(store, contents, platform);
  loader.commit_blobs();
  if (auto it = contents.metadata.find("index.json"); it != contents.metadata.end())
    return loader.load_oci(it->second);
  if (auto it = contents.metadata.find("manifest.json"); it != contents.metadata.end())
    return loader.load_docker(it->second);
  throw Error(in.string() + " is not an image archive: it has neither index.json nor manifest.json",
              "make it with `berth image save` or `docker save`");
}

}  // namespace berth::image
