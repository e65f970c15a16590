// Links, addresses and routes over rtnetlink: what a bridge network and a container's end of it
// need. Every function takes the socket of the namespace it works in.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "network/ip.h"
#include "network/netlink/socket.h"

namespace berth::network::netlink {

bool link_exists(const Socket& sock, const std::string& name);
// The interface index; throws when there is no such link.
int link_index(const Socket& sock, const std::string& name);
void set_link_up(const Socket& sock, const std::string& name);
// Makes `link` a port of the bridge with index `master_index`.
void set_master(const Socket& sock, const std::string& link, int master_index);
// Deletes a link; returns false when it was not there.
bool delete_link(const Socket& sock, const std::string& name);

// A bridge, down, with `mtu` when it is > 0 and the MAC address `mac` ("02:..."). A bridge
// without a MAC of its own takes its lowest port's, which changes when that port leaves and
// strands every neighbour's ARP entry for the gateway: so berth always gives it one.
void create_bridge(const Socket& sock, const std::string& name, int mtu, const std::string& mac);

struct VethSpec {
  std::string host_name;       // the end that stays here, e.g. "vb-1a2b3c4d5e6f"
  std::string peer_name;       // the end's name inside the namespace, e.g. "eth0"
  int peer_netns_fd = -1;      // where the peer is created
  int master_index = 0;        // the bridge the host end joins (0: none)
  int mtu = 0;                 // both ends; 0: the kernel's default
  std::string peer_mac;        // "02:42:ac:11:00:02"; empty: random
};
// Creates the pair with the peer already in its namespace under its final name, and brings the
// host end up (attached to its bridge).
void create_veth(const Socket& sock, const VethSpec& spec);

// Adds `address`/`prefix` to the link. IPv6 addresses skip duplicate address detection so that
// they are usable at once.
void add_address(const Socket& sock, const std::string& link, const IpAddress& address, int prefix);
// A default route through `gateway` (IPv4 or IPv6).
void add_default_route(const Socket& sock, const IpAddress& gateway);
// Destinations of the main table's routes of `family` (AF_INET, AF_INET6), default route excluded.
std::vector<Cidr> route_destinations(const Socket& sock, int family);
// The MAC address of a link, "aa:bb:cc:dd:ee:ff".
std::string link_mac(const Socket& sock, const std::string& name);
// The IPv4/IPv6 addresses on a link (with their prefix lengths), link-local ones excluded.
std::vector<Cidr> link_addresses(const Socket& sock, const std::string& name);

// Deletes a link when destroyed, unless keep() was called: for multi-step setups that must not
// leave half of themselves behind.
class LinkGuard {
 public:
  LinkGuard(const Socket& sock, std::string name) : sock_(&sock), name_(std::move(name)) {}
  ~LinkGuard();
  LinkGuard(const LinkGuard&) = delete;
  LinkGuard& operator=(const LinkGuard&) = delete;
  void keep() { name_.clear(); }

 private:
  const Socket* sock_;
  std::string name_;
};

}  // namespace berth::network::netlink
