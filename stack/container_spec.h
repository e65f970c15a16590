// From a compose service and its image to the runtime's ContainerSpec: the one place where
// compose attributes meet the runtime's vocabulary. Pure apart from reading the root
// filesystem's /etc/passwd and /etc/group for `user:`.
#pragma once

#include <string>
#include <vector>

#include "compose/model.h"
#include "runtime/container/spec.h"
#include "runtime/image/config.h"

namespace berth::stack {

struct ContainerIdentity {
  std::string id;
  std::string name;
  int number = 1;
  bool one_off = false;
};

// Where the container's network came from (filled by the network setup).
struct ContainerNetworking {
  runtime::NetworkSpec network;
  std::vector<std::string> addresses;    // the container's addresses, first network first
  std::vector<std::string> nameservers;  // berth's resolver (the first network's gateway)
};

runtime::ContainerSpec container_spec(const compose::Project& project, const compose::Service& service,
                                      const ContainerIdentity& who, const image::ImageConfig& image,
                                      const std::string& image_id, const std::string& rootfs,
                                      const ContainerNetworking& networking,
                                      std::vector<runtime::Mount> mounts);

// The restart policy of a service: `restart:`, else deploy.restart_policy.
runtime::RestartPolicy restart_policy(const compose::Service& service);
// The service's healthcheck over the image's.
runtime::HealthcheckSpec healthcheck(const compose::Service& service, const image::ImageConfig& image);

}  // namespace berth::stack
