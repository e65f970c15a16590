// The hidden `berth __ports` mode: the loopback port proxy that publishing a port starts on
// demand ([::1]:port to the container). It outlives the command that started it and stops when
// no published port is left.
#include <limits.h>
#include <unistd.h>

#include "cli/verbs.h"
#include "network/proxy/routes.h"
#include "network/proxy/server.h"

namespace berth::cli {

void add_port_proxy_mode(CLI::App& app) {
  auto* sub = app.add_subcommand("__ports", "");
  sub->group("");  // hidden from --help
  set_action(sub, [] {
    network::proxy::serve({});
    return 0;
  });
  char self[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    self[n] = '\0';
    network::proxy::set_proxy_command({self, "__ports"});
  }
}

}  // namespace berth::cli
