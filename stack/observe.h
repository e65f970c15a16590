// What exists now for a project: its containers (from their records), networks, volumes and
// the local images its services use. The plan compares this with the blueprint.
#pragma once

#include <string>
#include <vector>

#include "compose/model.h"
#include "compose/plan.h"
#include "runtime/container/record.h"

namespace berth::stack {

std::vector<runtime::ContainerRecord> project_containers(const std::string& project);
compose::Observed observe(const compose::Project& project);
std::string label_of(const runtime::ContainerRecord& record, const char* key);

// The project's lock: one `up`, `down`, `start`, ... at a time per project.
std::filesystem::path project_lock_path(const std::string& project);

}  // namespace berth::stack
