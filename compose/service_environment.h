// Loader stage: a service's environment and labels, completed from env_file and label_file, and
// keys without a value looked up in the project environment.
#pragma once

#include "compose/environment.h"
#include "compose/model.h"

namespace berth::compose {

void resolve_service_environment(Project& project, const Environment& environment);

}  // namespace berth::compose
