// Names that become file names under berth's roots (volumes, containers, configs, secrets).
// Checked before use, so that no name can point a write outside its own directory.
#pragma once

#include <string>

namespace berth::volumes {

// Docker's rule for object names: [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 255 characters.
bool is_valid_name(const std::string& name);

// Throws a berth::Error saying which kind of object (`what`: "volume", "container", ...) has a
// bad name and what a good one looks like.
void check_name(const std::string& what, const std::string& name);

}  // namespace berth::volumes
