// Loader stage: short syntax -> long syntax, on the tree of one file.
//
// Runs before files are merged, so that merge rules can match list entries by their key (a port
// by its target, a volume by its target) whatever syntax each file used. After this stage every
// attribute has exactly one shape, which is the shape the model decodes.
#pragma once

#include "compose/node.h"

namespace berth::compose {

// The whole document: services, networks, volumes, secrets, configs.
void canonicalise(Node& document);
// One service definition (also used for `extends` sources).
void canonicalise_service(Node& service, const std::string& path);

}  // namespace berth::compose
