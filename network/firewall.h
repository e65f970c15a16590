// nftables rules of a network, in a table of its own ("inet berth-<bridge>"): NAT out of the
// network, published ports, isolation from other networks, no way out for internal networks.
// A network's table is always rewritten whole from its record, in one atomic transaction.
#pragma once

#include <string>

#include "network/record.h"

namespace berth::network {

std::string firewall_table_name(const NetworkRecord& record);
// The nft script that replaces the network's table with what its record says (pure).
std::string render_firewall(const NetworkRecord& record);
// The nft script that removes the table (no error when it is not there).
std::string render_firewall_removal(const NetworkRecord& record);

// Runs an nft script through libnftables; throws with nft's own message when it fails.
void run_nft(const std::string& script);
void apply_firewall(const NetworkRecord& record);
void remove_firewall(const NetworkRecord& record);

// Writes "1" to a sysctl file under /proc/sys ("net/ipv4/ip_forward").
void enable_sysctl(const std::string& key);

}  // namespace berth::network
