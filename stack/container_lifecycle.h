// Making and unmaking one container of a service, with everything it holds: the image's root
// filesystem, a network namespace attached to the service's networks, volumes and secret
// files, and finally the runtime container itself. A failure part-way undoes what was made.
#pragma once

#include <set>
#include <string>

#include "compose/model.h"
#include "compose/plan.h"

namespace berth::stack {

struct ContainerRequest {
  const compose::Project* project = nullptr;
  const compose::Service* service = nullptr;
  int number = 1;
  bool one_off = false;
  std::string name;  // from compose::container_name, or a one-off name
};

// The containers of a project that exist, or will once a command's earlier steps ran: what
// volumes_from may name.
struct KnownContainers {
  std::set<std::string> services;  // services with a container of their own (not a one-off)
  std::set<std::string> names;     // container names
};
KnownContainers known_containers(const compose::Plan& plan, const compose::Observed& observed);

// The checks of create_service_container() that need nothing made, so that bad input (a bind
// source that is a broken symlink, an undefined volume, a missing secret file, a subpath that
// leads out of its volume, volumes_from naming nothing) fails before a command creates anything.
void check_container_inputs(const compose::Project& project, const compose::Service& service,
                            const KnownContainers& known);

// check_container_inputs() for every container `plan` creates.
void check_plan_inputs(const compose::Project& project, const compose::Plan& plan,
                       const compose::Observed& observed);

// Returns the new container's id.
std::string create_service_container(const ContainerRequest& request);

// Removes the runtime container (stopping it if need be) and everything it held.
void remove_service_container(const std::string& id, bool remove_anonymous_volumes);

// The full name of the network a service key refers to.
std::string network_full_name(const compose::Project& project, const std::string& key);

}  // namespace berth::stack
