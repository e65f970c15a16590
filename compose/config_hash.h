// A per-service hash of everything that decides what its container is: `up` recreates a
// container when its hash changes. Attributes that change how many containers run or when they
// start (scale, replicas, depends_on, profiles, pull_policy, build) are left out.
#pragma once

#include <string>

#include "compose/model.h"

namespace berth::compose {

std::string service_config_hash(const Service& service);

}  // namespace berth::compose
