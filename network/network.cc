#include "network/network.h"

#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "network/conntrack.h"
#include "network/dns/table.h"
#include "network/firewall.h"
#include "network/ifname.h"
#include "network/mac.h"
#include "network/netlink/link.h"
#include "network/proxy/routes.h"
#include "network/store.h"
#include "util/error.h"
#include "util/paths.h"

namespace berth::network {

namespace {
constexpr const char* kBridgeNameOpt = "com.docker.network.bridge.name";
constexpr const char* kMtuOpt = "com.docker.network.driver.mtu";

std::string random_id() {
  unsigned char bytes[32] = {};
  int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::read(fd, bytes, sizeof bytes) != static_cast<ssize_t>(sizeof bytes)) {
    if (fd >= 0) ::close(fd);
    throw Error("cannot read /dev/urandom for a network id");
  }
  ::close(fd);
  std::string out;
  char hex[3];
  for (unsigned char b : bytes) {
    std::snprintf(hex, sizeof hex, "%02x", b);
    out += hex;
  }
  return out;
}

std::string now_rfc3339() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int parse_mtu(const NetworkSpec& spec) {
  auto it = spec.driver_opts.find(kMtuOpt);
  if (it == spec.driver_opts.end()) return 0;
  const std::string& text = it->second;
  bool digits = !text.empty() && text.size() < 6 && text.find_first_not_of("0123456789") == std::string::npos;
  int mtu = digits ? std::stoi(text) : -1;
  if (mtu < 68 || mtu > 65535)
    throw Error("networks." + spec.name + ".driver_opts." + kMtuOpt + ": \"" + text +
                    "\" is not an MTU",
                "give a number from 68 to 65535, like 1500");
  return mtu;
}

std::string choose_bridge_name(const NetworkSpec& spec, const std::vector<NetworkRecord>& others,
                               const netlink::Socket& sock) {
  std::string name;
  auto it = spec.driver_opts.find(kBridgeNameOpt);
  if (it != spec.driver_opts.end()) {
    name = it->second;
    if (!valid_ifname(name))
      throw Error("networks." + spec.name + ".driver_opts." + kBridgeNameOpt + ": \"" + name +
                      "\" cannot be an interface name",
                  "use at most 15 characters, without '/', ':' or spaces");
  } else {
    name = bridge_name_for(spec.name, paths::state_root().string());
  }
  for (const auto& r : others)
    if (r.bridge == name)
      throw Error("network " + spec.name + ": bridge " + name + " is already used by network " +
                      r.spec.name,
                  "give this network another bridge name");
  if (netlink::link_exists(sock, name))
    throw Error("network " + spec.name + ": an interface called " + name + " exists already",
                "remove it, or give the network another bridge name (driver_opts " +
                    std::string(kBridgeNameOpt) + ")");
  return name;
}

// The bridge of a record, addressed and up, with the kernel settings its traffic needs.
void make_bridge(const netlink::Socket& sock, const NetworkRecord& r) {
  netlink::create_bridge(sock, r.bridge, r.mtu, bridge_mac(r.id));
  netlink::LinkGuard bridge(sock, r.bridge);
  for (const auto& s : r.subnets) netlink::add_address(sock, r.bridge, s.gateway, s.subnet.prefix());
  netlink::set_link_up(sock, r.bridge);
  // A published port reached through 127.0.0.1 is routed onto the bridge with a loopback source.
  enable_sysctl("net/ipv4/conf/" + r.bridge + "/route_localnet");
  if (!r.spec.internal) {
    enable_sysctl("net/ipv4/ip_forward");
    if (r.subnet_v6()) enable_sysctl("net/ipv6/conf/all/forwarding");
  }
  bridge.keep();
}

// The DNS names and the loopback proxy's routes follow the records.
void publish_dns(const Store& store) {
  auto records = store.all();
  dns::publish_table(records);
  proxy::publish_routes(records);
}

void remove_locked(const Store& store, const NetworkRecord& r) {
  netlink::Socket sock;
  remove_firewall(r);
  netlink::delete_link(sock, r.bridge);
  store.erase(r.spec.name);
  publish_dns(store);
}
}  // namespace

// Subnets no new network may overlap: every berth network's and every host route's.
std::vector<Cidr> taken_subnets(const std::vector<NetworkRecord>& records, const netlink::Socket& sock) {
  std::vector<Cidr> taken = netlink::route_destinations(sock, AF_INET);
  for (const auto& c : netlink::route_destinations(sock, AF_INET6))
    if (!(c.prefix() == 8 && c.network().bytes()[0] == 0xff)) taken.push_back(c);  // not multicast
  for (const auto& r : records)
    for (const auto& s : r.subnets) taken.push_back(s.subnet);
  return taken;
}

std::vector<SubnetState> plan_subnets(const NetworkSpec& spec, std::vector<Cidr> taken) {
  std::vector<SubnetState> out;
  bool have_v4 = false, have_v6 = false;
  for (size_t i = 0; i < spec.ipam.size(); ++i) {
    const IpamConfig& c = spec.ipam[i];
    std::string where = "networks." + spec.name + ".ipam.config[" + std::to_string(i) + "]";
    std::optional<Cidr> subnet;
    if (!c.subnet.empty()) subnet = Cidr::parse_or_throw(c.subnet, where + ".subnet");
    if (!subnet) {
      if (!c.ip_range.empty() || !c.gateway.empty() || !c.aux_addresses.empty())
        throw Error(where + ": ip_range, gateway and aux_addresses need a subnet", "add a subnet");
      continue;
    }
    if (!subnet->is_v4() && !spec.enable_ipv6)
      throw Error(where + ".subnet: " + c.subnet + " is an IPv6 subnet but enable_ipv6 is not set",
                  "set enable_ipv6: true on the network");
    if ((subnet->is_v4() && have_v4) || (!subnet->is_v4() && have_v6))
      throw Error(where + ".subnet: berth supports one IPv4 and one IPv6 subnet per network",
                  "remove the extra ipam.config entry");
    SubnetState s = plan_subnet(c, *subnet, taken, where);
    taken.push_back(s.subnet);
    (subnet->is_v4() ? have_v4 : have_v6) = true;
    out.push_back(std::move(s));
  }
  if (!have_v4) {
    auto pick = pick_subnet(default_v4_pool(), taken);
    if (!pick)
      throw Error("network " + spec.name + ": every subnet of the default pools is in use",
                  "give the network a subnet (ipam.config), or remove unused networks");
    out.insert(out.begin(), plan_subnet({}, *pick, taken, "network " + spec.name));
    taken.push_back(*pick);
  }
  if (spec.enable_ipv6 && !have_v6) {
    auto pick = pick_subnet(default_v6_pool(), taken);
    if (!pick)
      throw Error("network " + spec.name + ": every IPv6 subnet of the default pool is in use",
                  "give the network an IPv6 subnet (ipam.config)");
    out.push_back(plan_subnet({}, *pick, taken, "network " + spec.name));
  }
  return out;
}

void validate_network_name(const std::string& name) {
  bool ok = !name.empty() && std::isalnum(static_cast<unsigned char>(name[0]));
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') ok = false;
  if (!ok)
    throw Error("\"" + name + "\" is not a valid network name",
                "use letters, digits, '_', '.' and '-', starting with a letter or digit");
}

NetworkRecord create_network(const NetworkSpec& spec) {
  validate_network_name(spec.name);
  if (spec.external) {
    auto existing = find_network(spec.name);
    if (!existing)
      throw Error("external network \"" + spec.name + "\" not found",
                  "create it first with `berth network create " + spec.name +
                      "`; berth never creates external networks");
    return *existing;
  }
  if (spec.driver != "bridge" && !spec.driver.empty())
    throw Error("networks." + spec.name + ".driver: \"" + spec.driver + "\" is not supported",
                "berth supports the bridge driver");

  auto host_lock = host_network_lock();
  Store store;
  if (store.find(spec.name))
    throw Error("network \"" + spec.name + "\" exists already",
                "remove it with `berth network rm " + spec.name + "`, or use another name");
  auto others = store.all();
  netlink::Socket sock;

  NetworkRecord r;
  r.spec = spec;
  r.spec.driver = "bridge";
  r.mtu = parse_mtu(spec);
  r.bridge = choose_bridge_name(spec, others, sock);
  r.subnets = plan_subnets(spec, taken_subnets(others, sock));
  r.id = random_id();
  r.created = now_rfc3339();

  // Everything checked; now make it, undoing on failure.
  make_bridge(sock, r);
  netlink::LinkGuard bridge(sock, r.bridge);
  apply_firewall(r);
  try {
    store.save(r);
    publish_dns(store);
  } catch (...) {
    remove_firewall(r);
    store.erase(r.spec.name);
    throw;
  }
  bridge.keep();
  return r;
}

NetworkRecord ensure_network(const NetworkSpec& spec) {
  if (find_network(spec.name)) return repair_network(spec.name);
  return create_network(spec);
}

NetworkRecord repair_network(const std::string& name) {
  auto host_lock = host_network_lock();
  Store store;
  NetworkRecord r = store.get(name);
  netlink::Socket sock;
  bool changed = false;
  // Attachments whose namespace or veth is gone (a reboot, a crash) give their addresses back.
  std::vector<Attachment> forgotten;
  for (auto it = r.attachments.begin(); it != r.attachments.end();) {
    const Attachment& a = it->second;
    if (std::filesystem::exists(a.netns) && netlink::link_exists(sock, a.host_veth)) {
      ++it;
      continue;
    }
    netlink::delete_link(sock, a.host_veth);
    for (auto& s : r.subnets) release(s, it->first);
    forgotten.push_back(a);
    it = r.attachments.erase(it);
    changed = true;
  }
  if (!netlink::link_exists(sock, r.bridge)) {
    // While the bridge was gone, something else may have taken its subnet.
    for (const auto& route : netlink::route_destinations(sock, AF_INET))
      for (const auto& s : r.subnets)
        if (s.subnet.is_v4() && route.overlaps(s.subnet))
          throw Error("network \"" + name + "\": its subnet " + s.subnet.str() +
                          " is now used by a route to " + route.str(),
                      "remove what took the subnet, or remove the network (`berth network rm " +
                          name + "`) and create it again");
    make_bridge(sock, r);
    // The veths outlived the old bridge as loose ports: put them on the new one.
    int index = netlink::link_index(sock, r.bridge);
    for (const auto& [id, a] : r.attachments) netlink::set_master(sock, a.host_veth, index);
    changed = true;
  }
  if (!changed) return r;
  apply_firewall(r);
  for (const auto& a : forgotten) forget_port_flows(a);
  store.save(r);
  publish_dns(store);
  return r;
}

void remove_network(const std::string& name) {
  Store store;
  NetworkRecord r = store.get(name);
  if (!r.attachments.empty()) {
    std::string users;
    for (const auto& [id, a] : r.attachments) users += (users.empty() ? "" : ", ") + id;
    throw Error("network \"" + name + "\" is in use by: " + users,
                "stop or remove those containers first");
  }
  remove_locked(store, r);
}

std::vector<NetworkRecord> list_networks() { return Store().all(); }

std::optional<NetworkRecord> find_network(const std::string& name) { return Store().find(name); }

std::vector<std::string> prune_networks() {
  Store store;
  std::vector<std::string> removed;
  for (const auto& r : store.all()) {
    if (!r.attachments.empty()) continue;
    remove_locked(store, r);
    removed.push_back(r.spec.name);
  }
  return removed;
}

void remove_network_locked(const Store& store, const NetworkRecord& r) { remove_locked(store, r); }

}  // namespace berth::network
