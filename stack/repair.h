// After a berth killed half-way: the resources of containers whose creation never finished
// (no runtime record) are released, so that the next `up` or `down` starts from a clean state.
// Call it with the project's lock held.
#pragma once

#include <string>

namespace berth::stack {

// Returns how many half-made containers were cleaned up.
int repair_project(const std::string& project);

}  // namespace berth::stack
