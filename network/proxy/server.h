// The loopback port proxy (`berth __ports`): listens on [::1] for every route of routes.json
// (routes.h) and relays TCP connections and UDP datagrams to the container. One per run root;
// re-reads its routes when inotify says the file changed; exits when no route is left.
#pragma once

#include <filesystem>

#include "network/ip.h"

namespace berth::network::proxy {

struct ServeOptions {
  std::filesystem::path routes = {};          // default: routes_path()
  IpAddress listen = *IpAddress::parse("::1");
  int stop_fd = -1;                           // readable: stop (for running on a thread)
  bool exit_when_empty = true;
  int ready_fd = -1;                          // default: $BERTH_PROXY_READY_FD
};

// Serves until stopped. Holds the run root's proxy lock while it serves, so that a second
// proxy returns at once.
void serve(ServeOptions options);

}  // namespace berth::network::proxy
