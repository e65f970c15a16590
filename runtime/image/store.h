// berth's image store: an OCI image layout under <state root>/images.
//
//   oci-layout, index.json      the layout marker and the references (name:tag -> manifest)
//   blobs/sha256/<hex>          manifests, configs and layer tarballs, by digest
//   layers/<diff_id hex>/       each layer unpacked once, whiteouts in overlay form
//   partial/<hex>               downloads in progress (an interrupted pull resumes from here)
//   locks/<hex>                 flocks of downloads in progress
//   tmp/                        work dirs; renamed into place only when complete
//   pins/<user>                 the manifest digest an image user (a container) holds on to
//
// Everything appears by rename, so a crash leaves either nothing or a whole blob/layer, and an
// image shows up only once its reference is written, after all its parts are in place.
// index.json is rewritten atomically under an exclusive flock. Work that adds blobs holds a
// shared "use" lock for its duration; garbage collection takes it exclusively, so that it never
// removes what a pull in progress has just fetched.
#pragma once

#include <filesystem>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/image/config.h"
#include "runtime/image/manifest.h"
#include "runtime/image/reference.h"

namespace berth::image {

// A flock on a file, released when destroyed.
class FileLock {
 public:
  FileLock(const std::filesystem::path& path, bool exclusive);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

// A directory removed with its contents when destroyed, unless released (renamed into place).
class TempDir {
 public:
  explicit TempDir(std::filesystem::path path) : path_(std::move(path)) {}
  ~TempDir();
  TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  TempDir& operator=(TempDir&&) = delete;
  const std::filesystem::path& path() const { return path_; }
  void release() { path_.clear(); }

 private:
  std::filesystem::path path_;
};

// An image as the store holds it.
struct Image {
  std::string manifest_digest;
  std::string manifest_json;
  Manifest manifest;
  std::string config_digest;  // the image ID, as docker shows it
  ImageConfig config;
  std::vector<std::filesystem::path> layer_dirs;  // bottom first
  int64_t size = 0;  // compressed: config + layers
};

struct ReferenceEntry {
  Reference reference;
  std::string manifest_digest;
  std::string media_type;
  int64_t size = 0;
};

struct GcResult {
  int blobs_removed = 0;
  int layers_removed = 0;
  int64_t bytes_freed = 0;
};

class Store {
 public:
  // <state root>/images, created on first use.
  Store();
  explicit Store(std::filesystem::path root);

  const std::filesystem::path& root() const { return root_; }

  // Taken shared by work that adds to the store, exclusively by garbage collection.
  FileLock use_lock() const { return FileLock(root_ / "use.lock", false); }

  std::filesystem::path blob_path(std::string_view digest) const;
  bool has_blob(std::string_view digest) const;
  // Stores `data` and returns its digest; with `expected`, refuses data that does not match it.
  std::string put_blob(std::string_view data, const std::string& expected = {},
                       const std::string& what = "blob");
  // Moves a complete file (on the store's file system) into the blobs, after checking that its
  // content matches `digest`.
  void commit_blob_file(const std::filesystem::path& file, const std::string& digest,
                        const std::string& what = "blob");
  // The same for a file whose digest the caller computed while writing it (`actual`).
  void commit_hashed_blob(const std::filesystem::path& file, const std::string& expected,
                          const std::string& actual, const std::string& what);
  // A small blob (manifest, config), checked against its digest on the way.
  std::string read_blob(std::string_view digest) const;

  std::filesystem::path partial_path(std::string_view digest) const;
  // Held while a blob is being downloaded, so that two pulls (or two layers of one image with
  // the same digest) never write the same partial file at once.
  FileLock blob_lock(std::string_view digest) const;
  // A fresh directory under tmp/, removed unless released.
  TempDir make_temp_dir(std::string_view purpose) const;

  std::filesystem::path layer_dir(std::string_view diff_id) const;
  bool has_layer(std::string_view diff_id) const;
  // Unpacks the layer blob `digest` (unless `diff_id` is unpacked already) and checks that the
  // uncompressed content matches `diff_id`.
  void ensure_layer(const std::string& digest, const std::string& diff_id);

  // References.
  std::optional<std::string> resolve(const Reference& ref) const;
  void set_reference(const Reference& ref, const std::string& manifest_digest,
                     const std::string& media_type);
  bool remove_reference(const Reference& ref);
  std::vector<ReferenceEntry> references() const;

  // The image a manifest digest names; throws berth::Error when parts are missing.
  Image image(const std::string& manifest_digest) const;
  // The reference `name` stands for when it is a tagged reference in the store (not an ID).
  std::optional<Reference> stored_reference(const std::string& name) const;
  // The image a user names: a reference, or an image ID (config digest) or its prefix of at least
  // 4 hex digits. Throws a berth::Error that says how to get the image when there is none.
  Image find(const std::string& name) const;
  // Checks that the manifest, its config and every layer (blob and unpacked dir) are in the store:
  // the last step before set_reference.
  void check_complete(const std::string& manifest_digest) const;

  // Pins keep an image's parts while something (a container) uses it, tagged or not: `user` is
  // the user's id (a container id), the image is named by manifest digest.
  void pin(const std::string& user, const std::string& manifest_digest);
  void unpin(const std::string& user);
  // The users pinning an image.
  std::vector<std::string> pinned_by(const std::string& manifest_digest) const;

  // Removes blobs, unpacked layers, partial downloads and tmp dirs that no reference or pin
  // reaches.
  GcResult collect_garbage();

 private:
  void ensure_layout() const;
  std::vector<ReferenceEntry> read_index() const;
  void write_index(const std::vector<ReferenceEntry>& entries) const;

  std::filesystem::path root_;
};

}  // namespace berth::image
