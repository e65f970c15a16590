#include "tests/support/tar_builder.h"

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace berth::test {

namespace {

la_ssize_t append(archive*, void* opaque, const void* buf, size_t n) {
  static_cast<std::string*>(opaque)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

}  // namespace

std::string make_tar(const std::vector<TarEntry>& entries, Compression compression) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_pax(a);
  if (compression == Compression::gzip) archive_write_add_filter_gzip(a);
  if (compression == Compression::zstd) archive_write_add_filter_zstd(a);
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open(a, &out, nullptr, append, nullptr);
  for (const auto& e : entries) {
    archive_entry* en = archive_entry_new();
    archive_entry_set_pathname(en, e.path.c_str());
    archive_entry_set_uid(en, e.uid);
    archive_entry_set_gid(en, e.gid);
    archive_entry_set_mtime(en, 1700000000, 0);
    for (const auto& [k, v] : e.xattrs) archive_entry_xattr_add_entry(en, k.c_str(), v.data(), v.size());
    switch (e.type) {
      case 'f': archive_entry_set_filetype(en, AE_IFREG); archive_entry_set_size(en, static_cast<la_int64_t>(e.content.size())); break;
      case 'd': archive_entry_set_filetype(en, AE_IFDIR); break;
      case 'l': archive_entry_set_filetype(en, AE_IFLNK); archive_entry_set_symlink(en, e.link.c_str()); break;
      case 'h': archive_entry_set_filetype(en, AE_IFREG); archive_entry_set_hardlink(en, e.link.c_str()); break;
      case 'c': archive_entry_set_filetype(en, AE_IFCHR); archive_entry_set_rdevmajor(en, e.rdev_major); archive_entry_set_rdevminor(en, e.rdev_minor); break;
      case 'b': archive_entry_set_filetype(en, AE_IFBLK); archive_entry_set_rdevmajor(en, e.rdev_major); archive_entry_set_rdevminor(en, e.rdev_minor); break;
      case 'p': archive_entry_set_filetype(en, AE_IFIFO); break;
      default: throw std::runtime_error("bad test tar entry type");
    }
    archive_entry_set_perm(en, e.mode);
    if (archive_write_header(a, en) != ARCHIVE_OK)
      throw std::runtime_error(std::string("test tar: ") + archive_error_string(a));
    if (e.type == 'f' && !e.content.empty()) archive_write_data(a, e.content.data(), e.content.size());
    archive_entry_free(en);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

std::string sha256(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 0xf];
  }
  return out;
}

TestLayer make_layer(const std::vector<TarEntry>& entries, Compression compression) {
  std::string plain = make_tar(entries);
  TestLayer l;
  l.diff_id = sha256(plain);
  switch (compression) {
    case Compression::none: l.blob = plain; l.media_type = "application/vnd.oci.image.layer.v1.tar"; break;
    case Compression::gzip: l.blob = make_tar(entries, Compression::gzip); l.media_type = "application/vnd.oci.image.layer.v1.tar+gzip"; break;
    case Compression::zstd: l.blob = make_tar(entries, Compression::zstd); l.media_type = "application/vnd.oci.image.layer.v1.tar+zstd"; break;
  }
  return l;
}

std::string make_oci_archive(const std::vector<TestLayer>& layers, const std::string& ref_name,
                             const std::string& config_fields) {
  using nlohmann::json;
  std::vector<TarEntry> files;
  auto add_blob = [&](const std::string& data) {
    std::string d = sha256(data);
    files.push_back({"blobs/sha256/" + d.substr(7), 'f', data});
    return d;
  };
  json diff_ids = json::array();
  json layer_descs = json::array();
  for (const auto& l : layers) {
    diff_ids.push_back(l.diff_id);
    layer_descs.push_back({{"mediaType", l.media_type}, {"digest", add_blob(l.blob)}, {"size", l.blob.size()}});
  }
  json config = {{"architecture", "amd64"}, {"os", "linux"}, {"config", json::parse(config_fields)},
                 {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}};
  std::string config_blob = config.dump();
  json manifest = {{"schemaVersion", 2}, {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                   {"config", {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                               {"digest", add_blob(config_blob)}, {"size", config_blob.size()}}},
                   {"layers", layer_descs}};
  std::string manifest_blob = manifest.dump();
  std::string manifest_digest = add_blob(manifest_blob);
  json index = {{"schemaVersion", 2}, {"mediaType", "application/vnd.oci.image.index.v1+json"},
                {"manifests", {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                                {"digest", manifest_digest}, {"size", manifest_blob.size()},
                                {"annotations", {{"org.opencontainers.image.ref.name", ref_name}}}}}}};
  files.insert(files.begin(), {"index.json", 'f', index.dump()});
  files.insert(files.begin(), {"oci-layout", 'f', R"({"imageLayoutVersion":"1.0.0"})"});
  return make_tar(files);
}

}  // namespace berth::test
