// Loader stage: consistency of the whole project. References to services, networks, volumes,
// secrets and configs must resolve; values from a fixed set must be one of them; options that
// exclude each other must not meet. Errors point at the user's text.
#pragma once

#include "compose/model.h"
#include "compose/node.h"

namespace berth::compose {

// `merged` is the merged canonical tree the project was decoded from (it has the marks).
void validate_project(const Node& merged, const Project& project);

// A service needs an image or a build (part of validate_project).
void check_has_image_or_build(const Service& service);

}  // namespace berth::compose
