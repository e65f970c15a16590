// Pulling an image from a registry into the store.
#pragma once

#include <string>

#include "runtime/image/manifest.h"
#include "runtime/image/reference.h"
#include "runtime/image/registry_progress.h"
#include "runtime/image/store.h"

namespace berth::image::registry {

struct PullOptions {
  Platform platform = host_platform();
  int parallel = 3;  // layers fetched and unpacked at once
  EventFn on_event;
};

struct PullResult {
  std::string manifest_digest;
  bool changed = false;  // false: the tag already named this image and every part was there
};

// Fetches the manifest (choosing `platform` from an index), the config and the layers (in
// parallel; each checked against its digest, unpacked once, and skipped when already there;
// partial downloads resume), then tags the image `ref`. Until that
// last step nothing shows as an image.
PullResult pull_image(Store& store, const Reference& ref, const PullOptions& options);

}  // namespace berth::image::registry
