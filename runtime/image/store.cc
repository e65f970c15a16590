#include "runtime/image/store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "runtime/image/digest.h"
#include "runtime/image/unpack.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/paths.h"

namespace berth::image {

namespace stdfs = std::filesystem;
using nlohmann::json;

namespace {
constexpr const char* kRefAnnotation = "org.opencontainers.image.ref.name";

std::string random_suffix() {
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  return std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + std::to_string(rd());
}
}  // namespace

FileLock::FileLock(const stdfs::path& path, bool exclusive) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw Error("cannot open lock " + path.string() + ": " + std::strerror(errno));
  while (::flock(fd_, exclusive ? LOCK_EX : LOCK_SH) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    ::close(fd_);
    throw Error("cannot lock " + path.string() + ": " + std::strerror(err));
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  stdfs::remove_all(path_, ec);
}

Store::Store() : Store(paths::state_root() / "images") {}

Store::Store(stdfs::path root) : root_(std::move(root)) { ensure_layout(); }

void Store::ensure_layout() const {
  std::error_code ec;
  for (const char* sub : {"blobs/sha256", "layers", "partial", "locks", "pins", "tmp"}) {
    stdfs::create_directories(root_ / sub, ec);
    if (ec)
      throw Error("cannot create the image store at " + root_.string() + ": " + ec.message(),
                  "berth needs root, or set BERTH_ROOT to a directory you can write");
  }
  if (!stdfs::exists(root_ / "oci-layout"))
    fs::write_file_atomic(root_ / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  if (!stdfs::exists(root_ / "index.json")) write_index({});
}

stdfs::path Store::blob_path(std::string_view digest) const {
  return root_ / "blobs" / "sha256" / digest_hex(digest);
}

bool Store::has_blob(std::string_view digest) const { return stdfs::exists(blob_path(digest)); }

std::string Store::put_blob(std::string_view data, const std::string& expected,
                            const std::string& what) {
  std::string digest = sha256_digest(data);
  if (!expected.empty()) verify_digest(expected, digest, what);
  if (!has_blob(digest)) fs::write_file_atomic(blob_path(digest), std::string(data));
  return digest;
}

void Store::commit_blob_file(const stdfs::path& file, const std::string& digest,
                             const std::string& what) {
  commit_hashed_blob(file, digest, sha256_file(file), what);
}

void Store::commit_hashed_blob(const stdfs::path& file, const std::string& expected,
                               const std::string& actual, const std::string& what) {
  if (actual != expected) {
    std::error_code ec;
    stdfs::remove(file, ec);
    verify_digest(expected, actual, what);
  }
  if (::rename(file.c_str(), blob_path(expected).c_str()) != 0)
    throw Error("cannot store " + what + ": " + std::strerror(errno));
}

std::string Store::read_blob(std::string_view digest) const {
  auto content = fs::read_file_if_exists(blob_path(digest));
  if (!content)
    throw Error("blob " + std::string(digest) + " is missing from the image store",
                "pull the image again");
  verify_digest(std::string(digest), sha256_digest(*content),
                "stored blob " + std::string(digest));
  return *content;
}

stdfs::path Store::partial_path(std::string_view digest) const {
  return root_ / "partial" / digest_hex(digest);
}

FileLock Store::blob_lock(std::string_view digest) const {
  return FileLock(root_ / "locks" / digest_hex(digest), true);
}

TempDir Store::make_temp_dir(std::string_view purpose) const {
  stdfs::path dir = root_ / "tmp" / (std::string(purpose) + "-" + random_suffix());
  std::error_code ec;
  stdfs::create_directory(dir, ec);
  if (ec) throw Error("cannot create " + dir.string() + ": " + ec.message());
  return TempDir(dir);
}

stdfs::path Store::layer_dir(std::string_view diff_id) const {
  return root_ / "layers" / digest_hex(diff_id, "layer diff_id");
}

bool Store::has_layer(std::string_view diff_id) const { return stdfs::exists(layer_dir(diff_id)); }

void Store::ensure_layer(const std::string& digest, const std::string& diff_id) {
  if (has_layer(diff_id)) return;
  TempDir work = make_temp_dir("layer");
  stdfs::path dest = work.path() / "root";
  stdfs::create_directory(dest);
  std::string actual = unpack_layer(blob_path(digest), dest);
  if (actual != diff_id)
    throw Error("layer " + digest + " does not match its diff_id in the image config: expected " +
                    diff_id + ", got " + actual,
                "the image is corrupt; nothing was stored");
  if (::rename(dest.c_str(), layer_dir(diff_id).c_str()) != 0 && !has_layer(diff_id))
    throw Error("cannot store layer " + diff_id + ": " + std::strerror(errno));
}

std::vector<ReferenceEntry> Store::read_index() const {
  std::string text = fs::read_file(root_ / "index.json");
  std::vector<ReferenceEntry> out;
  try {
    json doc = json::parse(text);
    for (const auto& m : doc.at("manifests")) {
      auto ann = m.find("annotations");
      if (ann == m.end() || !ann->contains(kRefAnnotation)) continue;
      ReferenceEntry e;
      e.reference = parse_reference(ann->at(kRefAnnotation).get<std::string>());
      e.manifest_digest = m.at("digest").get<std::string>();
      e.media_type = m.value("mediaType", media::kOciManifest);
      e.size = m.value("size", int64_t{0});
      out.push_back(std::move(e));
    }
  } catch (const json::exception& e) {
    throw Error("the image store's index " + (root_ / "index.json").string() +
                    " is damaged: " + e.what(),
                "remove it (images then have to be pulled again)");
  }
  return out;
}

void Store::write_index(const std::vector<ReferenceEntry>& entries) const {
  json manifests = json::array();
  for (const auto& e : entries)
    manifests.push_back({{"mediaType", e.media_type},
                         {"digest", e.manifest_digest},
                         {"size", e.size},
                         {"annotations", {{kRefAnnotation, e.reference.str()}}}});
  json doc = {{"schemaVersion", 2}, {"mediaType", media::kOciIndex}, {"manifests", manifests}};
  fs::write_file_atomic(root_ / "index.json", doc.dump(2) + "\n");
}

std::optional<std::string> Store::resolve(const Reference& ref) const {
  for (const auto& e : read_index())
    if (e.reference == ref) return e.manifest_digest;
  return std::nullopt;
}

void Store::set_reference(const Reference& ref, const std::string& manifest_digest,
                          const std::string& media_type) {
  check_complete(manifest_digest);
  FileLock lock(root_ / "index.lock", true);
  auto entries = read_index();
  std::erase_if(entries, [&](const ReferenceEntry& e) { return e.reference == ref; });
  auto size = static_cast<int64_t>(stdfs::file_size(blob_path(manifest_digest)));
  entries.push_back({ref, manifest_digest, media_type, size});
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return a.reference.str() < b.reference.str();
  });
  write_index(entries);
}

bool Store::remove_reference(const Reference& ref) {
  FileLock lock(root_ / "index.lock", true);
  auto entries = read_index();
  auto removed = std::erase_if(entries, [&](const ReferenceEntry& e) { return e.reference == ref; });
  if (removed) write_index(entries);
  return removed > 0;
}

std::vector<ReferenceEntry> Store::references() const { return read_index(); }

Image Store::image(const std::string& manifest_digest) const {
  Image img;
  img.manifest_digest = manifest_digest;
  img.manifest_json = read_blob(manifest_digest);
  img.manifest = parse_manifest(img.manifest_json, "manifest " + manifest_digest);
  img.config_digest = img.manifest.config.digest;
  img.config = parse_image_config(read_blob(img.config_digest));
  if (img.config.diff_ids.size() != img.manifest.layers.size())
    throw Error("image " + manifest_digest + " is inconsistent: its manifest lists " +
                std::to_string(img.manifest.layers.size()) + " layers, its config " +
                std::to_string(img.config.diff_ids.size()));
  img.size = img.manifest.config.size;
  for (size_t i = 0; i < img.manifest.layers.size(); ++i) {
    img.layer_dirs.push_back(layer_dir(img.config.diff_ids[i]));
    img.size += img.manifest.layers[i].size;
  }
  return img;
}

void Store::check_complete(const std::string& manifest_digest) const {
  Image img = image(manifest_digest);
  for (size_t i = 0; i < img.manifest.layers.size(); ++i) {
    if (!has_blob(img.manifest.layers[i].digest))
      throw Error("layer " + img.manifest.layers[i].digest + " is missing from the image store");
    if (!has_layer(img.config.diff_ids[i]))
      throw Error("layer " + img.config.diff_ids[i] + " is not unpacked in the image store");
  }
}

std::optional<Reference> Store::stored_reference(const std::string& name) const {
  try {
    Reference ref = parse_reference(name);
    if (resolve(ref)) return ref;
  } catch (const Error&) {
    // Not a reference (an ID such as "sha256:..." does not parse as one).
  }
  return std::nullopt;
}

Image Store::find(const std::string& name) const {
  if (auto ref = stored_reference(name)) return image(*resolve(*ref));
  auto entries = read_index();
  std::string hex = name.rfind("sha256:", 0) == 0 ? name.substr(7) : name;
  bool hexlike = hex.size() >= 4 && hex.size() <= 64 &&
                 hex.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (hexlike) {
    std::set<std::string> matches;
    for (const auto& e : entries) {
      std::string config = parse_manifest(read_blob(e.manifest_digest)).config.digest;
      if (config.compare(7, hex.size(), hex) == 0) matches.insert(e.manifest_digest);
    }
    if (matches.size() == 1) return image(*matches.begin());
    if (matches.size() > 1)
      throw Error("image ID prefix '" + name + "' is ambiguous", "give more digits");
  }
  Reference ref = parse_reference(name);
  if (auto digest = resolve(ref)) return image(*digest);
  throw Error("no such image: " + ref.familiar(),
              "pull it (berth image pull " + ref.familiar() + "), load it or import it first");
}

namespace {
void check_pin_user(const std::string& user) {
  if (user.empty() || user.find('/') != std::string::npos || user[0] == '.')
    throw Error("invalid image pin name '" + user + "'");
}
}  // namespace

void Store::pin(const std::string& user, const std::string& manifest_digest) {
  check_pin_user(user);
  check_complete(manifest_digest);
  fs::write_file_atomic(root_ / "pins" / user, manifest_digest + "\n");
}

void Store::unpin(const std::string& user) {
  check_pin_user(user);
  std::error_code ec;
  stdfs::remove(root_ / "pins" / user, ec);
}

std::vector<std::string> Store::pinned_by(const std::string& manifest_digest) const {
  std::vector<std::string> users;
  for (const auto& entry : stdfs::directory_iterator(root_ / "pins")) {
    auto text = fs::read_file_if_exists(entry.path());
    if (text && text->substr(0, text->find('\n')) == manifest_digest) users.push_back(entry.path().filename());
  }
  std::sort(users.begin(), users.end());
  return users;
}

GcResult Store::collect_garbage() {
  FileLock use(root_ / "use.lock", true);
  GcResult result;
  std::set<std::string> blobs;
  std::set<std::string> layers;
  std::set<std::string> manifests;
  for (const auto& e : read_index()) manifests.insert(e.manifest_digest);
  for (const auto& entry : stdfs::directory_iterator(root_ / "pins")) {
    auto text = fs::read_file_if_exists(entry.path());
    if (text) manifests.insert(text->substr(0, text->find('\n')));
  }
  for (const auto& manifest : manifests) {
    if (!is_valid_digest(manifest)) continue;
    blobs.insert(digest_hex(manifest));
    try {
      Image img = image(manifest);
      blobs.insert(digest_hex(img.config_digest));
      for (const auto& l : img.manifest.layers) blobs.insert(digest_hex(l.digest));
      for (const auto& d : img.config.diff_ids) layers.insert(digest_hex(d));
    } catch (const Error&) {
      // A damaged image keeps what it still names; `berth image rm` removes it.
    }
  }
  std::error_code ec;
  for (const auto& entry : stdfs::directory_iterator(root_ / "blobs" / "sha256")) {
    if (blobs.count(entry.path().filename().string())) continue;
    result.bytes_freed += static_cast<int64_t>(entry.file_size(ec));
    stdfs::remove(entry.path(), ec);
    ++result.blobs_removed;
  }
  for (const auto& entry : stdfs::directory_iterator(root_ / "layers")) {
    if (layers.count(entry.path().filename().string())) continue;
    stdfs::remove_all(entry.path(), ec);
    ++result.layers_removed;
  }
  for (const char* sub : {"partial", "locks", "tmp"})
    for (const auto& entry : stdfs::directory_iterator(root_ / sub)) stdfs::remove_all(entry.path(), ec);
  return result;
}

}  // namespace berth::image
