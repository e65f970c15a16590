// Connection tracking entries of published ports. When a container's port mappings go, the
// kernel's conntrack table still holds the flows DNAT'ed to it: a UDP client that keeps sending
// would keep reaching the old address (until the flow times out, which steady traffic never
// lets happen). Forgetting those entries sends the next packet through the current rules.
#pragma once

#include <string>
#include <vector>

#include "network/record.h"

namespace berth::network {

// Deletes the conntrack entries of flows that `ports` DNAT'ed to `address` (the reply comes
// from address:container_port over the port's protocol). Returns how many went. Through
// libnl's netfilter library (ctnetlink); throws berth::Error when the table cannot be read.
size_t forget_port_flows(const std::string& address, const std::vector<PublishedPort>& ports);

// The same for every attachment: its addresses and ports. Failures become warnings: a stale
// flow must not keep a container from being removed.
void forget_port_flows(const Attachment& attachment);

}  // namespace berth::network
