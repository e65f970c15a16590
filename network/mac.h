// MAC addresses berth chooses: locally administered (02:...) unicast, so they never collide with
// a vendor's, and chosen before the interface exists, so that they can be written down with the
// addresses in one turn under the network lock.
#pragma once

#include <string>

namespace berth::network {

// A bridge's, from the network's random id.
std::string bridge_mac(const std::string& network_id);
// A container's end on a network, from a hash of the two (containers ids are random).
std::string container_mac(const std::string& container, const std::string& network);
// `mac` in the kernel's spelling (lower case), so that records compare with what it reports.
std::string canonical_mac(std::string mac);

}  // namespace berth::network
