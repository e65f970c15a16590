// Published ports: from the blueprint's forms to single host:container pairs, each checked free
// on the host before anything is set up.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "network/record.h"

namespace berth::network {

// One container port wanting a host port: any of `host_candidates` (in order), or any free one
// when the list is empty.
struct PortRequest {
  std::string host_ip;
  std::vector<uint16_t> host_candidates;
  uint16_t container_port = 0;
  std::string protocol = "tcp";
};

// Pure: "8000-8001:80-81" gives two requests of one candidate each; "8000-8010:80" one request
// with eleven candidates; ":80" one request for any port. Throws on ranges that do not fit.
std::vector<PortRequest> expand_port_spec(const PortSpec& spec);

// Whether `port` of `protocol` ("tcp"/"udp") can be bound on `host_ip` (empty: every address).
bool host_port_free(const std::string& host_ip, uint16_t port, const std::string& protocol);
// A port the kernel hands out as free for binding on `host_ip`.
uint16_t any_free_port(const std::string& host_ip, const std::string& protocol);

// Chooses a host port for every request: free on the host and not published by berth already
// (`taken`). Throws a clear error naming the port when a fixed one is in use.
std::vector<PublishedPort> resolve_ports(const std::vector<PortSpec>& specs,
                                         const std::vector<PublishedPort>& taken);

}  // namespace berth::network
