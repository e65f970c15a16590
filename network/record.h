// What berth knows about a network: the spec it was made from and what was made (bridge,
// subnets, who is attached). Plain data; store.h reads and writes it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "network/ipam.h"

namespace berth::network {

// A network as the blueprint describes it (compose's top-level networks entry, resolved).
struct NetworkSpec {
  std::string name;
  std::string driver = "bridge";
  // com.docker.network.bridge.name (the bridge's name), com.docker.network.driver.mtu.
  std::map<std::string, std::string> driver_opts;
  bool internal = false;
  bool attachable = false;
  bool enable_ipv6 = false;
  bool external = false;  // must exist already; never created or removed by a project
  std::map<std::string, std::string> labels;
  std::vector<IpamConfig> ipam;
};

// A port a container publishes, as the blueprint allows it: "[host_ip:][host[-host_end]:]
// container[-container_end][/protocol]". host_start 0 means "any free port".
struct PortSpec {
  std::string host_ip;  // empty: every host address
  uint16_t host_start = 0;
  uint16_t host_end = 0;  // 0: same as host_start
  uint16_t container_start = 0;
  uint16_t container_end = 0;  // 0: same as container_start
  std::string protocol = "tcp";
};

// One published port, resolved: what `berth port` reports.
struct PublishedPort {
  std::string host_ip;  // empty: every host address
  uint16_t host_port = 0;
  uint16_t container_port = 0;
  std::string protocol = "tcp";
  bool operator==(const PublishedPort&) const = default;
};

// A container's place on a network.
struct Attachment {
  std::string container;  // the owner id IPAM records addresses under
  std::string netns;      // the namespace file
  std::string host_veth;
  std::string ifname;     // inside the namespace: eth0, eth1, ...
  std::string ipv4;
  std::string ipv6;
  std::string mac;
  std::vector<std::string> names;  // DNS names: service, container name, aliases
  std::vector<PublishedPort> ports;
};

struct NetworkRecord {
  NetworkSpec spec;
  std::string id;       // 64 hex digits, like Docker's
  std::string bridge;   // the bridge interface
  int mtu = 0;          // 0: the kernel's default
  std::string created;  // RFC 3339, UTC
  std::vector<SubnetState> subnets;
  std::map<std::string, Attachment> attachments;  // by container

  const SubnetState* subnet_v4() const;
  const SubnetState* subnet_v6() const;
  SubnetState* subnet_v4();
  SubnetState* subnet_v6();
};

}  // namespace berth::network
