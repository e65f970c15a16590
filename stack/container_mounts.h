// What a service's blueprint asks of volumes/ for one of its containers: the mounts (with
// volumes_from taken from the other containers' records) and the configs and secrets; and the
// checks of them that need nothing made.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "compose/model.h"
#include "compose/plan.h"
#include "runtime/mount.h"
#include "stack/container_lifecycle.h"
#include "volumes/file_objects.h"
#include "volumes/mount_spec.h"

namespace berth::stack {

// The service's `volumes:` and the project's top-level volumes, for the container `id` whose root
// file system (for copy-up) is `rootfs` ("": none). volumes_from is left to volumes_from_request().
volumes::MountRequest mount_request(const ContainerRequest& request, const std::string& id,
                                    const std::string& rootfs);

// The mounts of the containers the service's `volumes_from` names, as recorded when those were
// made. An error (at the service) when one names no container.
std::vector<volumes::VolumesFrom> volumes_from_request(const ContainerRequest& request);

// The mounts of a container that another may take with volumes_from: binds and volumes, not
// tmpfs (a copy would be another, empty tmpfs).
std::vector<runtime::Mount> shareable_mounts(const std::vector<runtime::Mount>& mounts);

// The service's configs and secrets for the container `id`.
volumes::FileObjectRequest file_object_request(const ContainerRequest& request, const std::string& id);

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

}  // namespace berth::stack
