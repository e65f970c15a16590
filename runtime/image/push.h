// Pushing an image from the store to a registry.
#pragma once

#include <string>

#include "runtime/image/reference.h"
#include "runtime/image/registry_progress.h"
#include "runtime/image/store.h"

namespace berth::image::registry {

// Uploads the layers and config the registry lacks (asking first), then the manifest under
// `target`'s tag. Returns the digest of the pushed manifest.
std::string push_image(Store& store, const std::string& local_name, const Reference& target,
                       const EventFn& on_event);

}  // namespace berth::image::registry
