// Making and unmaking one container of a service, with everything it holds: the image's root
// filesystem, a network namespace attached to the service's networks, volumes and secret
// files, and finally the runtime container itself. A failure part-way undoes what was made.
#pragma once

#include <string>

#include "compose/model.h"

namespace berth::stack {

struct ContainerRequest {
  const compose::Project* project = nullptr;
  const compose::Service* service = nullptr;
  int number = 1;
  bool one_off = false;
  std::string name;  // from compose::container_name, or a one-off name
};

// Returns the new container's id.
std::string create_service_container(const ContainerRequest& request);

// Removes the runtime container (stopping it if need be) and everything it held.
void remove_service_container(const std::string& id, bool remove_anonymous_volumes);

// The full name of the network a service key refers to.
std::string network_full_name(const compose::Project& project, const std::string& key);

}  // namespace berth::stack
