// Profiles: a service with `profiles:` is part of the project only when one of them is active.
#pragma once

#include <string>
#include <vector>

#include "compose/model.h"

namespace berth::compose {

bool service_enabled(const Service& service, const std::vector<std::string>& active_profiles);
// Removes the services that no active profile enables (their names go to disabled_services).
void apply_profiles(Project& project, const std::vector<std::string>& active_profiles);
// Every profile named by a service, sorted.
std::vector<std::string> all_profiles(const Project& project);

}  // namespace berth::compose
