// berth port SERVICE PRIVATE_PORT: the host address a container port is published on, from the
// network records (where the attachment keeps its resolved ports).
#include <iostream>

#include "cli/container_steps.h"
#include "cli/project_options.h"
#include "cli/verbs.h"
#include "network/network.h"

namespace berth::cli {

namespace {

struct PortFlags {
  std::string service;
  int private_port = 0;
  std::string protocol = "tcp";
  int index = 1;
};

int run_port(const GlobalOptions& g, const PortFlags& f) {
  compose::Project p = load(load_options(g)).project;
  runtime::ContainerRecord c = service_container(p, f.service, f.index);
  for (const auto& n : network::list_networks()) {
    auto it = n.attachments.find(c.id);
    if (it == n.attachments.end()) continue;
    for (const auto& port : it->second.ports) {
      if (port.container_port != f.private_port || port.protocol != f.protocol) continue;
      std::cout << (port.host_ip.empty() ? "0.0.0.0" : port.host_ip) << ":" << port.host_port << "\n";
      return 0;
    }
  }
  throw Error("no port " + std::to_string(f.private_port) + "/" + f.protocol + " is published for " + c.name,
              "publish it under services." + f.service + ".ports");
}

}  // namespace

void add_port_verb(CLI::App& app, const GlobalOptions& global) {
  auto* port = app.add_subcommand("port", "Print the public address of a port binding");
  auto f = std::make_shared<PortFlags>();
  port->add_option("--protocol", f->protocol, "tcp or udp")->check(CLI::IsMember({"tcp", "udp"}));
  port->add_option("--index", f->index, "The container of the service with this number (default 1)");
  port->add_option("service", f->service, "The service")->required();
  port->add_option("private_port", f->private_port, "The container port")->required()->check(CLI::Range(1, 65535));
  set_action(port, [&global, f] { return run_port(global, *f); });
}

}  // namespace berth::cli
