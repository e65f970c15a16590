// `berth image save` and `load`: images to and from tar archives.
//
// save writes one archive that both kinds of reader accept, as docker (since 25) does: an OCI
// image layout (oci-layout, index.json, blobs/sha256/...) plus docker's manifest.json naming the
// same blobs. load reads that, plain OCI archives (skopeo, buildah) and the older `docker save`
// format (<id>/layer.tar, <id>.json, manifest.json).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "runtime/image/manifest.h"
#include "runtime/image/store.h"

namespace berth::image {

// Writes the images `names` (references or IDs) to `out` ("-": stdout).
void save_images(Store& store, const std::vector<std::string>& names, const std::filesystem::path& out);

// Loads every image in the archive `in` ("-": stdin); images from an index of several platforms
// are chosen for `platform`. Returns the references it tagged.
std::vector<std::string> load_images(Store& store, const std::filesystem::path& in,
                                     const Platform& platform);

}  // namespace berth::image
