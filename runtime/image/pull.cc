#include "runtime/image/pull.h"

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "runtime/image/digest.h"
#include "runtime/image/registry_client.h"
#include "util/error.h"

namespace berth::image::registry {

namespace {

std::string short_id(const std::string& digest) { return digest.substr(7, 12); }

class Puller {
 public:
  Puller(Store& store, const Reference& ref, const PullOptions& options)
      : store_(store), ref_(ref), options_(options), client_(ref, false) {}

  PullResult run() {
    Client::Fetched top = client_.get_manifest(ref_.digest.empty() ? ref_.tag : ref_.digest);
    if (is_index_media_type(top.media_type) || (top.media_type.empty() && is_index_document(top.body))) {
      Index index = parse_index(top.body, "image index of " + ref_.familiar());
      const Descriptor& chosen = select_platform(index, options_.platform);
      top = client_.get_manifest(chosen.digest);
      if (is_index_document(top.body))
        throw Error("the image index of " + ref_.familiar() + " points to another index", "nested indexes are not supported");
    }
    Manifest manifest = parse_manifest(top.body, "manifest of " + ref_.familiar());
    if (!store_.has_blob(manifest.config.digest))
      store_.put_blob(client_.get_blob(manifest.config.digest), manifest.config.digest, "image config");
    ImageConfig config = parse_image_config(store_.read_blob(manifest.config.digest));
    if (config.diff_ids.size() != manifest.layers.size())
      throw Error("the image " + ref_.familiar() + " is inconsistent: its manifest lists " +
                  std::to_string(manifest.layers.size()) + " layers, its config " +
                  std::to_string(config.diff_ids.size()));
    fetch_layers(manifest, config);
    std::string media_type = manifest.media_type.empty() ? media::kOciManifest : manifest.media_type;
    bool was_tagged = store_.resolve(ref_) == top.digest;
    store_.put_blob(top.body, top.digest, "manifest");
    store_.set_reference(ref_, top.digest, media_type);
    return {top.digest, fetched_ || !was_tagged};
  }

 private:
  void event(const std::string& digest, const std::string& status, int64_t current = 0, int64_t total = 0) {
    if (!options_.on_event) return;
    std::lock_guard lock(event_mutex_);
    options_.on_event({short_id(digest), status, current, total});
  }

  void fetch_layer(const Descriptor& layer, const std::string& diff_id) {
    if (store_.has_layer(diff_id) && store_.has_blob(layer.digest)) {
      event(layer.digest, "Already exists");
      return;
    }
    if (layer.media_type.find("encrypted") != std::string::npos)
      throw Error("layer " + layer.digest + " is encrypted (" + layer.media_type + "); berth cannot use it");
    FileLock lock = store_.blob_lock(layer.digest);
    if (!store_.has_blob(layer.digest)) {
      auto partial = store_.partial_path(layer.digest);
      std::string actual = client_.download_blob(layer.digest, partial, [&](int64_t now, int64_t total) {
        event(layer.digest, "Downloading", now, total > 0 ? total : layer.size);
      });
      event(layer.digest, "Verifying", layer.size, layer.size);
      store_.commit_hashed_blob(partial, layer.digest, actual, "layer " + layer.digest + " from " + ref_.registry);
    }
    event(layer.digest, "Extracting", layer.size, layer.size);
    store_.ensure_layer(layer.digest, diff_id);
    event(layer.digest, "Pull complete");
    fetched_ = true;
  }

  void fetch_layers(const Manifest& manifest, const ImageConfig& config) {
    for (const auto& l : manifest.layers) event(l.digest, "Waiting", 0, l.size);
    std::atomic<size_t> next{0};
    std::atomic<bool> stop{false};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto worker = [&] {
      for (;;) {
        size_t i = next++;
        if (i >= manifest.layers.size() || stop) return;
        try {
          fetch_layer(manifest.layers[i], config.diff_ids[i]);
        } catch (...) {
          std::lock_guard lock(failure_mutex);
          if (!failure) failure = std::current_exception();
          stop = true;
          return;
        }
      }
    };
    size_t n = std::min<size_t>(static_cast<size_t>(std::max(1, options_.parallel)), manifest.layers.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < n; ++i) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
    if (failure) std::rethrow_exception(failure);
  }

  Store& store_;
  Reference ref_;
  PullOptions options_;
  Client client_;
  std::mutex event_mutex_;
  std::atomic<bool> fetched_{false};
};

}  // namespace

PullResult pull_image(Store& store, const Reference& ref, const PullOptions& options) {
  FileLock use = store.use_lock();
  return Puller(store, ref, options).run();
}

}  // namespace berth::image::registry
