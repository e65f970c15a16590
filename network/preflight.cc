#include "network/preflight.h"

#include <map>

#include "network/ip.h"
#include "network/ipam.h"
#include "network/netlink/socket.h"
#include "network/network.h"
#include "network/ports.h"
#include "network/store.h"
#include "util/error.h"

namespace berth::network {

namespace {
// The subnets each network has or would get, by full name.
std::map<std::string, std::vector<SubnetState>> planned_subnets(const NetworkPlan& plan, const Store& store) {
  std::map<std::string, std::vector<SubnetState>> out;
  auto records = store.all();
  netlink::Socket sock;
  std::vector<Cidr> taken = taken_subnets(records, sock);
  for (const NetworkSpec& spec : plan.networks) {
    if (out.count(spec.name)) continue;
    if (auto existing = store.find(spec.name)) {
      out[spec.name] = existing->subnets;
      continue;
    }
    if (spec.external)
      throw Error("external network \"" + spec.name + "\" not found",
                  "create it first with `berth network create " + spec.name +
                      "`; berth never creates external networks",
                  {}, "networks." + spec.name);
    validate_network_name(spec.name);
    std::vector<SubnetState> subnets = plan_subnets(spec, taken);
    for (const auto& s : subnets) taken.push_back(s.subnet);
    out[spec.name] = std::move(subnets);
  }
  return out;
}

// Static addresses: each inside its subnet, free (but for containers the plan removes first),
// and not wanted twice.
void check_static_addresses(const NetworkPlan& plan, std::map<std::string, std::vector<SubnetState>> subnets) {
  for (auto& [name, list] : subnets)
    for (auto& s : list)
      for (const auto& id : plan.leaving) release(s, id);
  for (size_t i = 0; i < plan.attachments.size(); ++i) {
    const PlannedAttachment& a = plan.attachments[i];
    auto& list = subnets[a.network];
    for (const auto& [text, v4] : {std::pair{a.ipv4, true}, std::pair{a.ipv6, false}}) {
      if (text.empty()) continue;
      std::string field = a.where + (v4 ? ".ipv4_address" : ".ipv6_address");
      IpAddress want = IpAddress::parse_or_throw(text, field);
      if (want.is_v4() != v4)
        throw Error(text + " is not an IPv" + std::string(v4 ? "4" : "6") + " address", "", a.location, field);
      SubnetState* subnet = nullptr;
      for (auto& s : list)
        if (s.subnet.is_v4() == v4) subnet = &s;
      if (!subnet)
        throw Error("network " + a.network + " has no IPv" + std::string(v4 ? "4" : "6") + " subnet",
                    v4 ? "give the network an IPv4 subnet" : "set enable_ipv6 and an IPv6 subnet on the network",
                    a.location, field);
      try {
        allocate(*subnet, a.where, want);
      } catch (const Error& e) {
        std::string hint =
            !subnet->subnet.contains(want) ? "use an address of " + subnet->subnet.str() + ", or change the network's ipam.config"
            : subnet->allocated.count(want)
                ? "give each container an address of its own (a scaled service cannot have a static one)"
                : "the gateway, aux_addresses and the subnet's first and last addresses are reserved: use another "
                  "address of " + subnet->subnet.str();
        throw Error(e.message() + " (network " + a.network + ")", hint, a.location, field);
      }
    }
  }
}

// Fixed host ports: free on the host, not published by berth for another container, not twice.
void check_ports(const NetworkPlan& plan, const Store& store) {
  std::vector<PublishedPort> taken;
  for (const auto& r : store.all())
    for (const auto& [id, a] : r.attachments)
      if (!plan.leaving.count(id)) taken.insert(taken.end(), a.ports.begin(), a.ports.end());
  for (const PlannedAttachment& a : plan.attachments) {
    try {
      auto chosen = resolve_ports(a.ports, taken);
      taken.insert(taken.end(), chosen.begin(), chosen.end());
    } catch (const Error& e) {
      throw Error(e.message(), e.hint(), a.location, a.where + ".ports");
    }
  }
}
}  // namespace

void check_network_plan(const NetworkPlan& plan) {
  auto host_lock = host_network_lock();
  Store store;
  auto subnets = planned_subnets(plan, store);
  check_static_addresses(plan, subnets);
  check_ports(plan, store);
}

}  // namespace berth::network
