// Checks a whole project's networking before anything of it is made: networks that would not
// fit (overlapping subnets, bad ipam entries, an external network that does not exist), static
// addresses outside their subnet or taken twice, fixed host ports already in use. `up` runs it
// first, so bad input is refused with nothing half-made.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "network/record.h"
#include "util/error.h"

namespace berth::network {

// A container the plan creates, wanting a place on a network.
struct PlannedAttachment {
  std::string where;    // blueprint path for messages: "services.web.networks.front"
  SourceLocation location;  // of the service in the user's file, when known
  std::string network;  // full name
  std::string ipv4;     // static addresses; "" for any
  std::string ipv6;
  std::vector<PortSpec> ports;  // published through this network (the container's first)
};

struct NetworkPlan {
  std::vector<NetworkSpec> networks;               // every network the project uses
  std::vector<PlannedAttachment> attachments;      // of the containers the plan creates
  std::set<std::string> leaving;                   // ids of containers the plan removes first
};

// Throws the first problem as a berth::Error with where and how to fix it. Reads only.
void check_network_plan(const NetworkPlan& plan);

}  // namespace berth::network
