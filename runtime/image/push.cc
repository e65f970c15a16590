#include "runtime/image/push.h"

#include "runtime/image/registry_client.h"
#include "util/error.h"

namespace berth::image::registry {

std::string push_image(Store& store, const std::string& local_name, const Reference& target,
                       const EventFn& on_event) {
  FileLock use = store.use_lock();
  Image img = store.find(local_name);
  Client client(target, true);
  auto event = [&](const std::string& digest, const std::string& status, int64_t now = 0, int64_t total = 0) {
    if (on_event) on_event({digest.substr(7, 12), status, now, total});
  };
  std::vector<Descriptor> blobs = img.manifest.layers;
  blobs.push_back(img.manifest.config);
  for (const auto& b : blobs) {
    if (client.has_blob(b.digest)) {
      event(b.digest, "Layer already exists");
      continue;
    }
    client.upload_blob(b.digest, store.blob_path(b.digest),
                       [&](int64_t now, int64_t total) { event(b.digest, "Pushing", now, total); });
    event(b.digest, "Pushed");
  }
  std::string tag = target.tag.empty() ? img.manifest_digest : target.tag;
  std::string digest = client.put_manifest(tag, img.manifest_json, img.manifest.media_type);
  if (digest != img.manifest_digest)
    throw Error("the registry stored the manifest as " + digest + ", expected " + img.manifest_digest);
  return digest;
}

}  // namespace berth::image::registry
