#include "stack/network_plan.h"

#include <algorithm>
#include <set>

#include "network/preflight.h"
#include "runtime/container/record.h"
#include "stack/container_lifecycle.h"
#include "util/error.h"

namespace berth::stack {

network::NetworkSpec network_spec(const compose::Project& p, const std::string& full_name) {
  for (const auto& [key, n] : p.networks) {
    if (n.name != full_name) continue;
    network::NetworkSpec s;
    s.name = n.name;
    if (!n.driver.empty()) s.driver = n.driver;
    s.driver_opts = {n.driver_opts.begin(), n.driver_opts.end()};
    s.internal = n.internal;
    s.attachable = n.attachable;
    s.enable_ipv6 = n.enable_ipv6.value_or(false);
    s.external = n.external;
    s.labels = {n.labels.begin(), n.labels.end()};
    s.labels["com.docker.compose.project"] = p.name;
    s.labels["com.docker.compose.network"] = key;
    for (const auto& pool : n.ipam.config)
      s.ipam.push_back({pool.subnet, pool.ip_range, pool.gateway, {pool.aux_addresses.begin(), pool.aux_addresses.end()}});
    return s;
  }
  throw Error("network " + full_name + " is not in the project");
}

std::vector<std::string> ordered_networks(const compose::Service& s) {
  std::vector<std::pair<int64_t, std::string>> keyed;
  for (const auto& [key, opts] : s.networks) keyed.push_back({opts && opts->priority ? -*opts->priority : 0, key});
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::string> out;
  for (auto& [_, key] : keyed) out.push_back(key);
  return out;
}

std::vector<network::PortSpec> port_specs(const compose::Service& s) {
  std::vector<network::PortSpec> out;
  for (const auto& p : s.ports) {
    network::PortSpec spec;
    spec.host_ip = p.host_ip;
    spec.protocol = p.protocol.empty() ? "tcp" : p.protocol;
    spec.container_start = static_cast<uint16_t>(p.target);
    if (!p.published.empty()) {
      size_t dash = p.published.find('-');
      spec.host_start = static_cast<uint16_t>(std::stoi(p.published.substr(0, dash)));
      if (dash != std::string::npos) spec.host_end = static_cast<uint16_t>(std::stoi(p.published.substr(dash + 1)));
    }
    out.push_back(spec);
  }
  return out;
}

namespace {
// network_mode container:NAME needs NAME to exist, or to be made by this plan first.
void check_container_modes(const compose::Project& project, const compose::Plan& plan) {
  std::set<std::string> known;
  for (const auto& r : runtime::list_records()) {
    known.insert(r.name);
    known.insert(r.id);
  }
  for (const auto& a : plan.actions)
    if (a.kind == compose::ActionKind::create_container) known.insert(a.target);
  for (const auto& a : plan.actions) {
    if (a.kind != compose::ActionKind::create_container) continue;
    const compose::Service& s = project.services.at(a.service);
    if (s.network_mode.rfind("container:", 0) != 0) continue;
    std::string target = s.network_mode.substr(10);
    if (!known.count(target))
      throw Error("network_mode container:" + target + ": no such container",
                  "start that container first, or share a service's network with service:NAME (`berth ps -a` lists containers)",
                  s.mark.location(), "services." + s.name + ".network_mode");
  }
}
}  // namespace

void check_networking(const compose::Project& project, const compose::Plan& plan) {
  check_container_modes(project, plan);
  network::NetworkPlan np;
  std::set<std::string> networks;
  for (const auto& a : plan.actions) {
    if (a.kind == compose::ActionKind::remove_container && !a.id.empty()) np.leaving.insert(a.id);
    if (a.kind == compose::ActionKind::create_network) networks.insert(a.target);
    if (a.kind != compose::ActionKind::create_container) continue;
    const compose::Service& s = project.services.at(a.service);
    if (!s.network_mode.empty()) continue;  // host, none, or another container's namespace
    std::vector<std::string> keys = ordered_networks(s);
    for (size_t i = 0; i < keys.size(); ++i) {
      network::PlannedAttachment pa;
      pa.where = "services." + s.name + ".networks." + keys[i];
      pa.location = s.mark.location();
      pa.network = network_full_name(project, keys[i]);
      if (const auto& opts = s.networks.at(keys[i])) {
        pa.ipv4 = opts->ipv4_address;
        pa.ipv6 = opts->ipv6_address;
      }
      if (i == 0) pa.ports = port_specs(s);
      networks.insert(pa.network);
      np.attachments.push_back(std::move(pa));
    }
  }
  for (const auto& n : networks) np.networks.push_back(network_spec(project, n));
  network::check_network_plan(np);
}

}  // namespace berth::stack
