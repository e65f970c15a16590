// Loader stage: `include`. Each included compose application is loaded on its own (its own
// project directory and .env) and its resources are added to the including file; a resource
// defined on both sides is an error.
#pragma once

#include <string>

#include "compose/file_loader.h"
#include "compose/node.h"

namespace berth::compose {

void resolve_includes(Node& document, const std::string& path, const std::string& file_dir,
                      FileLoadContext& ctx);

}  // namespace berth::compose
