// `berth network ls|inspect|create|rm|prune`.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/verbs.h"
#include "network/network.h"
#include "util/error.h"

namespace berth::cli {

namespace {
using nlohmann::json;
using network::NetworkRecord;

// "key=value" into a map; a clear error otherwise.
void add_pair(std::map<std::string, std::string>& into, const std::string& text, const std::string& flag) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error(flag + " \"" + text + "\" is not key=value", "write it like " + flag + " key=value");
  into[text.substr(0, eq)] = text.substr(eq + 1);
}

// Docker's `network inspect` shape, so tools that read it keep working.
json inspect_json(const NetworkRecord& r) {
  json config = json::array();
  for (const auto& s : r.subnets) {
    json c{{"Subnet", s.subnet.str()}, {"Gateway", s.gateway.str()}};
    if (s.ip_range) c["IPRange"] = s.ip_range->str();
    if (!s.aux.empty()) {
      json aux = json::object();
      for (const auto& [name, a] : s.aux) aux[name] = a.str();
      c["AuxiliaryAddresses"] = aux;
    }
    config.push_back(c);
  }
  json containers = json::object();
  for (const auto& [id, a] : r.attachments) {
    json c{{"Name", id}, {"MacAddress", a.mac}, {"Interface", a.ifname}, {"HostInterface", a.host_veth}};
    if (!a.ipv4.empty()) c["IPv4Address"] = a.ipv4 + "/" + std::to_string(r.subnet_v4()->subnet.prefix());
    if (!a.ipv6.empty()) c["IPv6Address"] = a.ipv6 + "/" + std::to_string(r.subnet_v6()->subnet.prefix());
    c["Aliases"] = a.names;
    json ports = json::array();
    for (const auto& p : a.ports)
      ports.push_back({{"HostIp", p.host_ip.empty() ? "0.0.0.0" : p.host_ip},
                       {"HostPort", p.host_port},
                       {"ContainerPort", p.container_port},
                       {"Protocol", p.protocol}});
    c["Ports"] = ports;
    containers[id] = c;
  }
  json options = json::object();
  for (const auto& [k, v] : r.spec.driver_opts) options[k] = v;
  options["com.docker.network.bridge.name"] = r.bridge;
  return {{"Name", r.spec.name},
          {"Id", r.id},
          {"Created", r.created},
          {"Scope", "local"},
          {"Driver", r.spec.driver},
          {"EnableIPv6", r.spec.enable_ipv6},
          {"IPAM", {{"Driver", "default"}, {"Config", config}}},
          {"Internal", r.spec.internal},
          {"Attachable", r.spec.attachable},
          {"Containers", containers},
          {"Options", options},
          {"Labels", r.spec.labels}};
}

struct CreateOptions {
  std::string name;
  std::string driver = "bridge";
  std::vector<std::string> subnets, ip_ranges, gateways, aux, labels, opts;
  bool internal = false, attachable = false, ipv6 = false;
};

network::NetworkSpec spec_from(const CreateOptions& o) {
  network::NetworkSpec s;
  s.name = o.name;
  s.driver = o.driver;
  s.internal = o.internal;
  s.attachable = o.attachable;
  s.enable_ipv6 = o.ipv6;
  for (const auto& l : o.labels) add_pair(s.labels, l, "--label");
  for (const auto& opt : o.opts) add_pair(s.driver_opts, opt, "--opt");
  if (o.ip_ranges.size() > o.subnets.size() || o.gateways.size() > o.subnets.size())
    throw Error("--ip-range and --gateway each need a --subnet", "give a --subnet for each of them");
  for (size_t i = 0; i < o.subnets.size(); ++i) {
    network::IpamConfig c;
    c.subnet = o.subnets[i];
    if (i < o.ip_ranges.size()) c.ip_range = o.ip_ranges[i];
    if (i < o.gateways.size()) c.gateway = o.gateways[i];
    s.ipam.push_back(c);
  }
  if (!o.aux.empty() && s.ipam.empty()) throw Error("--aux-address needs a --subnet");
  for (const auto& a : o.aux) add_pair(s.ipam.front().aux_addresses, a, "--aux-address");
  return s;
}

std::string first_subnet(const NetworkRecord& r) {
  return r.subnets.empty() ? "" : r.subnets.front().subnet.str();
}

void add_create(CLI::App& net) {
  auto* sub = net.add_subcommand("create", "Create a bridge network");
  auto o = std::make_shared<CreateOptions>();
  sub->add_option("name", o->name, "Network name")->required();
  sub->add_option("-d,--driver", o->driver, "Driver (bridge)");
  sub->add_option("--subnet", o->subnets, "Subnet in CIDR form (one IPv4, one IPv6)")->allow_extra_args(false);
  sub->add_option("--ip-range", o->ip_ranges, "Allocate container addresses from this range")
      ->allow_extra_args(false);
  sub->add_option("--gateway", o->gateways, "Gateway of the subnet")->allow_extra_args(false);
  sub->add_option("--aux-address", o->aux, "Reserved address: name=ip")->allow_extra_args(false);
  sub->add_option("--label", o->labels, "Label: key=value")->allow_extra_args(false);
  sub->add_option("-o,--opt", o->opts, "Driver option: key=value")->allow_extra_args(false);
  sub->add_flag("--internal", o->internal, "No way in or out of the network");
  sub->add_flag("--attachable", o->attachable, "Containers of other projects may join");
  sub->add_flag("--ipv6", o->ipv6, "Give the network an IPv6 subnet too");
  set_action(sub, [o] {
    auto r = network::create_network(spec_from(*o));
    std::cout << r.id << "\n";
    return 0;
  });
}

void add_ls(CLI::App& net) {
  auto* sub = net.add_subcommand("ls", "List networks");
  sub->alias("list");
  auto format = std::make_shared<std::string>("table");
  auto quiet = std::make_shared<bool>(false);
  sub->add_option("--format", *format, "table or json")->check(CLI::IsMember({"table", "json"}));
  sub->add_flag("-q,--quiet", *quiet, "Only names");
  set_action(sub, [format, quiet] {
    auto all = network::list_networks();
    if (*quiet) {
      for (const auto& r : all) std::cout << r.spec.name << "\n";
    } else if (*format == "json") {
      for (const auto& r : all)
        std::cout << json{{"ID", r.id.substr(0, 12)}, {"Name", r.spec.name}, {"Driver", r.spec.driver},
                          {"Scope", "local"}, {"Internal", r.spec.internal}, {"Subnet", first_subnet(r)},
                          {"Bridge", r.bridge}}
                         .dump()
                  << "\n";
    } else {
      std::printf("%-12s  %-28s  %-8s  %-18s  %s\n", "NETWORK ID", "NAME", "DRIVER", "SUBNET", "BRIDGE");
      for (const auto& r : all)
        std::printf("%-12s  %-28s  %-8s  %-18s  %s\n", r.id.substr(0, 12).c_str(), r.spec.name.c_str(),
                    r.spec.driver.c_str(), first_subnet(r).c_str(), r.bridge.c_str());
    }
    return 0;
  });
}

void add_inspect(CLI::App& net) {
  auto* sub = net.add_subcommand("inspect", "Show networks in detail (JSON)");
  auto names = std::make_shared<std::vector<std::string>>();
  sub->add_option("names", *names, "Network names")->required();
  set_action(sub, [names] {
    json out = json::array();
    for (const auto& name : *names) {
      auto r = network::find_network(name);
      if (!r) throw Error("network \"" + name + "\" not found", "see `berth network ls`");
      out.push_back(inspect_json(*r));
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  });
}

void add_rm(CLI::App& net) {
  auto* sub = net.add_subcommand("rm", "Remove networks");
  sub->alias("remove");
  auto names = std::make_shared<std::vector<std::string>>();
  sub->add_option("names", *names, "Network names")->required();
  set_action(sub, [names] {
    for (const auto& name : *names) {
      network::remove_network(name);
      std::cout << name << "\n";
    }
    return 0;
  });
}

void add_prune(CLI::App& net) {
  auto* sub = net.add_subcommand("prune", "Remove every network no container uses");
  auto force = std::make_shared<bool>(false);
  sub->add_flag("-f,--force", *force, "Do not ask (berth never asks)");
  set_action(sub, [force] {  // holding `force` keeps the flag's storage alive
    auto removed = network::prune_networks();
    if (!removed.empty()) std::cout << "Deleted Networks:\n";
    for (const auto& name : removed) std::cout << name << "\n";
    return 0;
  });
}

}  // namespace

void add_network_verbs(CLI::App& app, const GlobalOptions&) {
  auto* net = app.add_subcommand("network", "Manage networks");
  net->require_subcommand(1);
  add_ls(*net);
  add_inspect(*net);
  add_create(*net);
  add_rm(*net);
  add_prune(*net);
}

}  // namespace berth::cli
