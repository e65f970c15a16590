// What the loopback port proxy serves: one route per port published on every host address,
// from [::1]:host_port to the container. The kernel does not route packets from ::1 off the
// host (IPv6 has no route_localnet), so nftables cannot DNAT the IPv6 loopback to a container
// as it does 127.0.0.1; the proxy does it in user space, as Docker's docker-proxy does. It goes
// to the container's IPv6 address when it has one, else to its IPv4 address.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "network/record.h"

namespace berth::network::proxy {

struct Route {
  uint16_t port = 0;         // on [::1]
  std::string protocol;      // tcp | udp
  std::string target;        // the container's address
  uint16_t target_port = 0;
  bool operator==(const Route&) const = default;
};

// The routes of every attachment's published ports (pure).
std::vector<Route> routes_from_records(const std::vector<NetworkRecord>& records);
std::string to_json(const std::vector<Route>& routes);
std::vector<Route> routes_from_json(const std::string& text);

// paths::run_root()/ports/routes.json, which the proxy watches.
std::filesystem::path routes_path();
// Writes the routes of `records` where the proxy watches, atomically; then starts the proxy
// if there are routes and none runs.
void publish_routes(const std::vector<NetworkRecord>& records);

// How to start the proxy process (the berth binary's hidden `__ports` mode). Until it is set,
// publish_routes() starts nothing: a library user runs serve() itself.
void set_proxy_command(std::vector<std::string> argv);
std::filesystem::path proxy_lock_path();
bool proxy_running();

}  // namespace berth::network::proxy
