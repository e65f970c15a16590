// From the blueprint to what the network library takes: network specs, a service's networks in
// interface order, its published ports; and the check of a plan's networking before it runs.
#pragma once

#include <string>
#include <vector>

#include "compose/model.h"
#include "compose/plan.h"
#include "network/record.h"

namespace berth::stack {

// The spec of the project network of that full name (throws when the project has none).
network::NetworkSpec network_spec(const compose::Project& project, const std::string& full_name);

// A service's network keys by priority (highest first), then name: eth0, eth1, ... in order.
std::vector<std::string> ordered_networks(const compose::Service& service);

// A service's published ports (they go through its first network).
std::vector<network::PortSpec> port_specs(const compose::Service& service);

// Refuses a plan whose networking cannot be made (overlapping subnets, a missing external
// network, static addresses outside their subnet or taken, host ports in use) before any of
// it runs, so that nothing is left half-made. Reads only.
void check_networking(const compose::Project& project, const compose::Plan& plan);

}  // namespace berth::stack
