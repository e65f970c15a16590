// Loader stage: `extends`. A service that extends another starts from a copy of it (from the
// same file or another one) and merges its own definition on top, by the merge rules.
#pragma once

#include <string>

#include "compose/file_loader.h"
#include "compose/node.h"

namespace berth::compose {

// Resolves every `extends` of the services in `document` (read from `path`).
void resolve_extends(Node& document, const std::string& path, FileLoadContext& ctx);

}  // namespace berth::compose
