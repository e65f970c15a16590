// Putting an image together in the store from parts that are already there (layer blobs) and
// parts made here (config, manifest): what import and load end with.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "runtime/image/config.h"
#include "runtime/image/manifest.h"
#include "runtime/image/store.h"

namespace berth::image {

// Stores `config` and an OCI manifest for `layers` (their blobs must be in the store, bottom
// first, and `config.diff_ids` must name their uncompressed digests), unpacks the layers, and
// returns the manifest digest. No reference is written.
std::string assemble_image(Store& store, const ImageConfig& config,
                           const std::vector<Descriptor>& layers);

// Writes a tar of the directory `dir` (owners, modes, times, xattrs, hardlinks kept; the
// directory itself is the layer's root) into the store as an uncompressed layer blob.
Descriptor layer_from_directory(Store& store, const std::filesystem::path& dir);
// Stores a tarball (plain, gzip, zstd, xz, bzip2; "-" for stdin) as an uncompressed layer blob.
Descriptor layer_from_tarball(Store& store, const std::filesystem::path& file);

}  // namespace berth::image
