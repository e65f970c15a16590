#include "runtime/image/push.h"

#include <map>

#include "runtime/image/registry_client.h"
#include "util/error.h"

namespace berth::image::registry {

namespace {

// For each blob, another repository on the same registry that the store knows has it (an image
// pulled from or pushed there): the registry may then mount it instead of receiving it again.
std::map<std::string, std::string> mount_sources(Store& store, const Reference& target) {
  std::map<std::string, std::string> out;
  for (const auto& e : store.references()) {
    if (e.reference.registry != target.registry || e.reference.repository == target.repository) continue;
    try {
      Image other = store.image(e.manifest_digest);
      out.emplace(other.config_digest, e.reference.repository);
      for (const auto& l : other.manifest.layers) out.emplace(l.digest, e.reference.repository);
    } catch (const Error&) {
      // A damaged image offers nothing to mount.
    }
  }
  return out;
}

}  // namespace

std::string push_image(Store& store, const std::string& local_name, const Reference& target,
                       const EventFn& on_event) {
  FileLock use = store.use_lock();
  Image img = store.find(local_name);
  Client client(target, true);
  auto event = [&](const std::string& digest, const std::string& status, int64_t now = 0, int64_t total = 0) {
    if (on_event) on_event({digest.substr(7, 12), status, now, total});
  };
  auto sources = mount_sources(store, target);
  std::vector<Descriptor> blobs = img.manifest.layers;
  blobs.push_back(img.manifest.config);
  for (const auto& b : blobs) {
    if (client.has_blob(b.digest)) {
      event(b.digest, "Layer already exists");
      continue;
    }
    auto from = sources.find(b.digest);
    bool mounted = client.upload_blob(b.digest, store.blob_path(b.digest),
                       [&](int64_t now, int64_t total) { event(b.digest, "Pushing", now, total); },
                       from == sources.end() ? std::string() : from->second);
    event(b.digest, mounted ? "Mounted from " + from->second : "Pushed");
  }
  std::string tag = target.tag.empty() ? img.manifest_digest : target.tag;
  std::string digest = client.put_manifest(tag, img.manifest_json, img.manifest.media_type);
  if (digest != img.manifest_digest)
    throw Error("the registry stored the manifest as " + digest + ", expected " + img.manifest_digest);
  return digest;
}

}  // namespace berth::image::registry
