// Interface names: the kernel allows 15 characters, network names are often longer.
#pragma once

#include <string>

namespace berth::network {

inline constexpr size_t kMaxIfname = 15;

// True when `name` can be an interface name: 1..15 characters, none of '/', ':', whitespace.
bool valid_ifname(const std::string& name);
// 12 hex digits of a stable hash (FNV-1a 64) of `text`.
std::string short_hash(const std::string& text);
// The bridge of a network: "berth-<name>" when that is a valid interface name, otherwise
// "bt-" + a hash of `scope` and the name (scope keeps two berth state roots apart).
std::string bridge_name_for(const std::string& network, const std::string& scope);
// The host end of a container's veth on a network: "vb-" + a hash.
std::string host_veth_name(const std::string& container, const std::string& network,
                           const std::string& scope);

}  // namespace berth::network
