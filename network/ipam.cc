#include "network/ipam.h"

#include <cstdio>

#include "util/error.h"

namespace berth::network {

namespace {
// The network and (IPv4) broadcast addresses are never handed out.
bool is_reserved(const SubnetState& s, const IpAddress& a) {
  if (a == s.subnet.network() || a == s.gateway) return true;
  if (a.is_v4() && a == s.subnet.last() && s.subnet.prefix() < 31) return true;
  for (const auto& [name, addr] : s.aux)
    if (addr == a) return true;
  return false;
}

std::string owner_of(const SubnetState& s, const IpAddress& a) {
  if (a == s.gateway) return "the gateway";
  for (const auto& [name, addr] : s.aux)
    if (addr == a) return "aux address \"" + name + "\"";
  auto it = s.allocated.find(a);
  if (it != s.allocated.end()) return "container " + it->second;
  return "the network or broadcast address";
}
}  // namespace

std::vector<Cidr> default_v4_pool() {
  std::vector<Cidr> pool;
  for (uint32_t second = 17; second <= 31; ++second)
    pool.emplace_back(IpAddress::v4((172u << 24) | (second << 16)), 16);
  for (uint32_t third = 0; third < 256; third += 16)
    pool.emplace_back(IpAddress::v4((192u << 24) | (168u << 16) | (third << 8)), 20);
  return pool;
}

std::vector<Cidr> default_v6_pool() {
  // fd62:6572:7468::/48 ("berth" in the global ID), split into /64s by the fourth group.
  std::vector<Cidr> pool;
  for (unsigned i = 0; i < 256; ++i) {
    char text[40];
    std::snprintf(text, sizeof text, "fd62:6572:7468:%x::", i);
    pool.emplace_back(*IpAddress::parse(text), 64);
  }
  return pool;
}

std::optional<Cidr> pick_subnet(const std::vector<Cidr>& pool, const std::vector<Cidr>& taken) {
  for (const Cidr& candidate : pool) {
    bool free = true;
    for (const Cidr& t : taken)
      if (t.is_v4() == candidate.is_v4() && t.overlaps(candidate)) free = false;
    if (free) return candidate;
  }
  return std::nullopt;
}

SubnetState plan_subnet(const IpamConfig& config, const Cidr& subnet,
                        const std::vector<Cidr>& taken, const std::string& where) {
  SubnetState s;
  s.subnet = Cidr(subnet.network(), subnet.prefix());
  if (s.subnet.prefix() > s.subnet.address().bits() - 2)
    throw Error(where + ": subnet " + s.subnet.str() + " is too small",
                "use a subnet with room for a gateway and containers, like a /24");
  for (const Cidr& t : taken)
    if (t.is_v4() == s.subnet.is_v4() && t.overlaps(s.subnet))
      throw Error(where + ": subnet " + s.subnet.str() + " overlaps " + t.str() +
                      ", which is already in use",
                  "choose a subnet that no other network or host route uses, or leave it out "
                  "to get a free one");
  if (!config.ip_range.empty()) {
    Cidr range = Cidr::parse_or_throw(config.ip_range, where + ".ip_range");
    if (!s.subnet.contains(range))
      throw Error(where + ".ip_range: " + config.ip_range + " is not inside subnet " + s.subnet.str(),
                  "make ip_range a part of the subnet");
    s.ip_range = Cidr(range.network(), range.prefix());
  }
  if (!config.gateway.empty()) {
    s.gateway = IpAddress::parse_or_throw(config.gateway, where + ".gateway");
    if (!s.subnet.contains(s.gateway) || s.gateway == s.subnet.network())
      throw Error(where + ".gateway: " + config.gateway + " is not a host address of subnet " +
                      s.subnet.str(),
                  "choose a gateway inside the subnet");
  } else {
    s.gateway = s.subnet.host(1);
  }
  for (const auto& [name, text] : config.aux_addresses) {
    IpAddress a = IpAddress::parse_or_throw(text, where + ".aux_addresses." + name);
    if (!s.subnet.contains(a))
      throw Error(where + ".aux_addresses." + name + ": " + text + " is not inside subnet " +
                      s.subnet.str(),
                  "aux addresses must be addresses of the subnet");
    if (is_reserved(s, a))
      throw Error(where + ".aux_addresses." + name + ": " + text + " is already " + owner_of(s, a),
                  "give every aux address its own address");
    s.aux[name] = a;
  }
  return s;
}

IpAddress allocate(SubnetState& s, const std::string& owner, const std::optional<IpAddress>& wanted) {
  if (wanted) {
    if (!s.subnet.contains(*wanted))
      throw Error("address " + wanted->str() + " is not inside subnet " + s.subnet.str(),
                  "choose an address of the network's subnet, or leave it out");
    if (is_reserved(s, *wanted) || s.allocated.count(*wanted))
      throw Error("address " + wanted->str() + " is already taken by " + owner_of(s, *wanted),
                  "choose another address, or leave it out to get a free one");
    s.allocated[*wanted] = owner;
    return *wanted;
  }
  const Cidr& range = s.ip_range ? *s.ip_range : s.subnet;
  // Bounded: a /64 has more addresses than anyone will attach, so stop after a million probes.
  int host_bits = range.address().bits() - range.prefix();
  uint64_t count = host_bits >= 20 ? (1ull << 20) : (1ull << host_bits);
  for (uint64_t i = 0; i < count; ++i) {
    IpAddress a = range.host(i);
    if (is_reserved(s, a) || s.allocated.count(a)) continue;
    s.allocated[a] = owner;
    return a;
  }
  throw Error("no free address left in " + range.str(),
              "use a larger subnet or ip_range, or remove containers from the network");
}

size_t release(SubnetState& s, const std::string& owner) {
  return std::erase_if(s.allocated, [&](const auto& kv) { return kv.second == owner; });
}

}  // namespace berth::network
