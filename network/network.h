// Bridge networks: create, remove, list, inspect, prune. Each network is a Linux bridge with its
// gateway address(es), a record on disk, and its own nftables table.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "network/record.h"

namespace berth::network {

// Creates the network. For an external network, returns the record of the existing one and
// creates nothing; throws when it does not exist. Throws when a network of that name exists.
NetworkRecord create_network(const NetworkSpec& spec);
// The existing network of that name (repaired, see below), or a new one made from `spec`.
NetworkRecord ensure_network(const NetworkSpec& spec);
// Brings a recorded network back in line with its record after a reboot or a crash: re-creates
// a missing bridge and its rules, and forgets attachments whose namespace or veth is gone.
NetworkRecord repair_network(const std::string& name);
// Removes bridge, rules, allocations and record. Throws when containers are still attached.
void remove_network(const std::string& name);
std::vector<NetworkRecord> list_networks();
std::optional<NetworkRecord> find_network(const std::string& name);
// Removes every network with nothing attached; returns their names.
std::vector<std::string> prune_networks();

class Store;
// remove_network for a caller that holds the store's lock already (no in-use check).
void remove_network_locked(const Store& store, const NetworkRecord& record);

namespace netlink {
class Socket;
}
// Subnets no new network may overlap: every host route's and every recorded network's.
std::vector<Cidr> taken_subnets(const std::vector<NetworkRecord>& records, const netlink::Socket& sock);
// The subnets a new network of `spec` gets (its ipam.config, else from the default pools),
// overlapping none of `taken`; throws a clear error naming the entry that does not fit.
std::vector<SubnetState> plan_subnets(const NetworkSpec& spec, std::vector<Cidr> taken);

// Checks a network name: letters, digits, '_', '.', '-', starting with a letter or digit.
void validate_network_name(const std::string& name);

}  // namespace berth::network
