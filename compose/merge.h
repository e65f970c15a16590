// Loader stage: merging compose files, as the Compose Specification's merge rules say.
//
// Mappings merge key by key; sequences append, except the unique resources (ports, volumes,
// secrets, configs, devices) which merge by their key, and the shell commands (command,
// entrypoint, healthcheck.test) which are replaced. `!reset` removes a value, `!override`
// replaces it whole. Both trees must be canonical (canonicalise()).
#pragma once

#include "compose/node.h"

namespace berth::compose {

// Merges `override` into `base`.
void merge_documents(Node& base, const Node& override);
// Merges one service definition into another (also used by `extends`).
void merge_service(Node& base, const Node& override);
// Drops !reset values and clears the tags of a single tree (a file merged onto nothing).
void apply_tags(Node& document);

}  // namespace berth::compose
