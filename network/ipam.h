// IP address management, the pure part: choosing subnets, checking static configuration,
// handing out and taking back addresses. Persistence and locking live in store.h.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "network/ip.h"

namespace berth::network {

// One ipam.config entry as the blueprint writes it; empty strings mean "choose for me".
struct IpamConfig {
  std::string subnet;
  std::string ip_range;
  std::string gateway;
  std::map<std::string, std::string> aux_addresses;  // host name -> address
};

// A subnet in use by a network, with what is handed out in it.
struct SubnetState {
  Cidr subnet;
  std::optional<Cidr> ip_range;                // addresses for containers come from here
  IpAddress gateway;                           // the bridge's address
  std::map<std::string, IpAddress> aux;        // reserved, never handed out
  std::map<IpAddress, std::string> allocated;  // address -> owner (a container id)
};

// The default IPv4 pools, in order: 172.17.0.0/16 ... 172.31.0.0/16, then 192.168.0.0/16 in /20s.
std::vector<Cidr> default_v4_pool();
// IPv6 subnets for networks that enable IPv6 without naming a subnet: /64s of a ULA /48.
std::vector<Cidr> default_v6_pool();
// The first pool subnet that overlaps none of `taken`; nullopt when all are used.
std::optional<Cidr> pick_subnet(const std::vector<Cidr>& pool, const std::vector<Cidr>& taken);

// Turns a blueprint entry into a subnet state: parses and checks every field (ip_range, gateway
// and aux addresses inside the subnet, none equal to another, the subnet overlapping nothing in
// `taken`). `subnet` must already be chosen when the entry names none. `where` prefixes errors.
SubnetState plan_subnet(const IpamConfig& config, const Cidr& subnet,
                        const std::vector<Cidr>& taken, const std::string& where);

// Hands out an address to `owner`: `wanted` when given (it must be inside the subnet, not
// reserved and not taken), otherwise the lowest free one of the ip_range (or subnet).
IpAddress allocate(SubnetState& state, const std::string& owner,
                   const std::optional<IpAddress>& wanted = std::nullopt);
// Takes back every address of `owner`; returns how many.
size_t release(SubnetState& state, const std::string& owner);

}  // namespace berth::network
