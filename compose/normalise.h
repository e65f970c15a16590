// Loader stage: the defaults Compose fills in, so that every consumer sees the same model
// (`docker compose config` prints this form).
#pragma once

#include <string>
#include <vector>

#include "compose/model.h"

namespace berth::compose {

// Implicit default network, <project>_<key> resource names, depends_on defaults and the
// implicit dependencies of links, network_mode, volumes_from and namespaces shared with another
// service, the default Dockerfile, pull_policy spellings, scale as deploy.replicas.
void normalise(Project& project);

// Attributes in the model that berth keeps but does not act on, one line each
// ("services.web.deploy.placement: ignored, it is a Swarm setting").
std::vector<std::string> ignored_attributes(const Project& project);

}  // namespace berth::compose
