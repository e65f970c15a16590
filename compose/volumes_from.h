// One entry of a service's `volumes_from:`: whose mounts to take and in which mode.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace berth::compose {

struct VolumesFromRef {
  enum class Kind { service, container };
  Kind kind = Kind::service;
  std::string name;
  // nullopt: each mount keeps the mode it has in the other container; `:ro` / `:rw` set them all.
  std::optional<bool> read_only;
};

// "NAME[:ro|:rw]" (a service, as compose reads it), "service:NAME[:ro|:rw]" or
// "container:NAME[:ro|:rw]". nullopt when malformed: no name, or a mode other than ro and rw.
// "service:ro" is the service named "service", read-only, as compose would read it.
std::optional<VolumesFromRef> parse_volumes_from(std::string_view text);

// The service a `volumes_from` entry depends on (it must start first), or "" for a container
// or a malformed entry.
std::string volumes_from_service(std::string_view text);

}  // namespace berth::compose
