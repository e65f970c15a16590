#include "util/paths.h"

#include <cstdlib>

namespace berth::paths {

static std::filesystem::path from_env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return std::filesystem::path(value && *value ? value : fallback);
}

std::filesystem::path state_root() { return from_env("BERTH_ROOT", "/var/lib/berth"); }
std::filesystem::path run_root() { return from_env("BERTH_RUN_ROOT", "/run/berth"); }

}  // namespace berth::paths
