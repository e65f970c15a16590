// `berth image import`: a root filesystem (tarball or directory) as a one-layer image, like
// `docker import`, with Dockerfile-style --change instructions.
#pragma once

#include <string>
#include <vector>

#include "runtime/image/config.h"
#include "runtime/image/reference.h"
#include "runtime/image/store.h"

namespace berth::image {

// Applies one instruction: CMD, ENTRYPOINT, ENV, WORKDIR, EXPOSE, USER or LABEL, in Dockerfile
// syntax (CMD/ENTRYPOINT as a JSON array, or a shell string run by /bin/sh -c). Throws
// berth::Error for anything else.
void apply_change(ImageConfig& config, const std::string& change);

// Imports `source` (a directory, a tarball, or "-" for a tarball on stdin), tags it `ref` and
// returns the manifest digest.
std::string import_image(Store& store, const std::string& source, const Reference& ref,
                         const std::vector<std::string>& changes);

}  // namespace berth::image
