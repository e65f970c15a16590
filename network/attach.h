// Putting a container's network namespace on a network and taking it off again.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "network/ip.h"
#include "network/record.h"

namespace berth::network {

struct AttachSpec {
  std::string container;            // a unique id; owns the address in IPAM
  std::filesystem::path netns;      // the namespace file (netlink::Netns::path())
  std::string network;
  std::string ifname = "eth0";      // the interface inside the namespace
  std::string ipv4;                 // static address, or empty
  std::string ipv6;                 // static address, or empty
  std::string mac;                  // or empty for a random one
  std::vector<std::string> names;   // DNS names: service, container name, aliases
  std::vector<PortSpec> ports;      // to publish on this network's address
  bool default_route = true;        // the first network of a container carries the default route
};

struct AttachResult {
  std::string ifname;
  std::string host_veth;
  std::optional<IpAddress> ipv4;
  std::optional<IpAddress> ipv6;
  int prefix4 = 0;
  int prefix6 = 0;
  std::optional<IpAddress> gateway4;
  std::string mac;
  std::vector<PublishedPort> ports;  // host ports as chosen
};

// Sets up the veth pair, addresses, routes, published ports and DNS names. Nothing is left
// behind when it fails: ports are checked and addresses chosen before any interface is made.
AttachResult attach(const AttachSpec& spec);
// Removes the veth, releases the addresses and ports. With remove_if_unused, a network left
// without containers is removed as well. Detaching what is not attached does nothing.
void detach(const std::string& container, const std::string& network, bool remove_if_unused = false);

// Every port berth publishes now (for port-in-use checks and `berth port`).
std::vector<PublishedPort> published_ports();

}  // namespace berth::network
