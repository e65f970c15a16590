#include "compose/profiles.h"

#include <algorithm>
#include <set>

namespace berth::compose {

bool service_enabled(const Service& service, const std::vector<std::string>& active) {
  if (service.profiles.empty()) return true;
  for (const auto& p : active) {
    if (p == "*") return true;
    if (std::find(service.profiles.begin(), service.profiles.end(), p) != service.profiles.end())
      return true;
  }
  return false;
}

void apply_profiles(Project& project, const std::vector<std::string>& active) {
  for (auto it = project.services.begin(); it != project.services.end();) {
    if (service_enabled(it->second, active)) {
      ++it;
    } else {
      project.disabled_services.push_back(it->first);
      it = project.services.erase(it);
    }
  }
}

std::vector<std::string> all_profiles(const Project& project) {
  std::set<std::string> names;
  for (const auto& [_, s] : project.services) names.insert(s.profiles.begin(), s.profiles.end());
  return {names.begin(), names.end()};
}

}  // namespace berth::compose
