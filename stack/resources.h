// What a container holds besides its runtime record: its root filesystem mount, network
// namespace, network attachments, volumes and secret files. Written before each resource is
// taken, so that a berth killed half-way leaves a list the next run can clean up from.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/mount.h"

namespace berth::stack {

struct ContainerResources {
  std::string id;
  std::string name;
  std::string project;
  std::string rootfs;                  // overlay mount point, "" when not mounted
  std::string netns;                   // namespace file, "" when none of its own
  std::vector<std::string> networks;   // attached, by full name
  std::vector<std::string> volumes;    // used
  std::vector<std::string> anonymous_volumes;
  // Its bind and volume mounts (not tmpfs, configs or secrets): what another container takes
  // with `volumes_from`.
  std::vector<runtime::Mount> mounts;
  bool file_objects = false;
};

void save_resources(const ContainerResources& resources);
std::optional<ContainerResources> load_resources(const std::string& id);
void forget_resources(const std::string& id);
// Every container with resources on record (for repair after a crash).
std::vector<ContainerResources> list_resources();

}  // namespace berth::stack
