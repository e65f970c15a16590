#include "network/attach.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "network/conntrack.h"
#include "network/dns/responder.h"
#include "network/dns/table.h"
#include "network/firewall.h"
#include "network/ifname.h"
#include "network/mac.h"
#include "network/netlink/link.h"
#include "network/network.h"
#include "network/ports.h"
#include "network/proxy/routes.h"
#include "network/store.h"
#include "util/error.h"
#include "util/paths.h"

namespace berth::network {

namespace {
// An open namespace file, closed when done.
class NetnsFd {
 public:
  explicit NetnsFd(const std::filesystem::path& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0)
      throw Error("cannot open network namespace " + path.string() + ": " + std::strerror(errno),
                  "create the container's namespace before attaching it");
  }
  ~NetnsFd() { ::close(fd_); }
  NetnsFd(const NetnsFd&) = delete;
  NetnsFd& operator=(const NetnsFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::vector<PublishedPort> all_published(const std::vector<NetworkRecord>& records) {
  std::vector<PublishedPort> out;
  for (const auto& r : records)
    for (const auto& [id, a] : r.attachments) out.insert(out.end(), a.ports.begin(), a.ports.end());
  return out;
}

// Takes a container off a network's record: its attachment and its addresses.
void take_off(NetworkRecord& r, const std::string& container) {
  for (auto& s : r.subnets) release(s, container);
  r.attachments.erase(container);
}

std::optional<IpAddress> wanted_address(const std::string& text, const std::string& what) {
  if (text.empty()) return std::nullopt;
  return IpAddress::parse_or_throw(text, what);
}

// Addresses, links up, loopback and default route inside the container's namespace.
void configure_container_end(const AttachSpec& spec, const NetworkRecord& r, const AttachResult& res) {
  auto inner = netlink::Socket::in_netns(spec.netns);
  if (res.ipv4) netlink::add_address(inner, spec.ifname, *res.ipv4, res.prefix4);
  if (res.ipv6) netlink::add_address(inner, spec.ifname, *res.ipv6, res.prefix6);
  netlink::set_link_up(inner, spec.ifname);
  netlink::set_link_up(inner, "lo");
  if (spec.default_route && !r.spec.internal) {
    if (res.ipv4) netlink::add_default_route(inner, r.subnet_v4()->gateway);
    if (res.ipv6) netlink::add_default_route(inner, r.subnet_v6()->gateway);
  }
}
}  // namespace

std::vector<PublishedPort> published_ports() { return all_published(Store().all()); }

namespace {

// The first of attach's two short turns under the network lock: checks, then addresses and ports
// chosen and written down as the container's, so that attaches running at the same time choose
// others. The interfaces are made outside the lock: a stack's containers attach in parallel.
// `r` is left holding the network's record (its bridge, mtu and gateways do not change).
AttachResult reserve(const AttachSpec& spec, NetworkRecord& r) {
  Store store;
  r = store.get(spec.network);
  std::vector<NetworkRecord> records = store.all();  // read once: the ports in use, then DNS
  if (r.attachments.count(spec.container))
    throw Error("container " + spec.container + " is already on network " + spec.network,
                "detach it first");
  AttachResult res;
  res.ports = resolve_ports(spec.ports, all_published(records));
  if (!res.ports.empty() && r.spec.internal)
    throw Error("cannot publish ports of container " + spec.container + " on internal network " +
                    spec.network,
                "internal networks have no way in or out; publish on another network");
  std::string where = "container " + spec.container + " on network " + spec.network;
  for (const auto& p : res.ports)
    if (p.host_ip.find(':') != std::string::npos && !r.subnet_v6())
      throw Error(where + ": port " + std::to_string(p.host_port) + " is published on IPv6 address " +
                      p.host_ip + ", but the network has no IPv6",
                  "set enable_ipv6 on the network, or publish on an IPv4 address");
  auto want4 = wanted_address(spec.ipv4, where + ": ipv4_address");
  auto want6 = wanted_address(spec.ipv6, where + ": ipv6_address");
  if (want4 && !want4->is_v4())
    throw Error(where + ": ipv4_address " + spec.ipv4 + " is not an IPv4 address");
  if (want6 && want6->is_v4())
    throw Error(where + ": ipv6_address " + spec.ipv6 + " is not an IPv6 address");
  if (want6 && !r.subnet_v6())
    throw Error(where + ": ipv6_address given, but the network has no IPv6 subnet",
                "set enable_ipv6 and an IPv6 subnet on the network");
  try {
    if (SubnetState* s = r.subnet_v4()) {
      res.ipv4 = allocate(*s, spec.container, want4);
      res.prefix4 = s->subnet.prefix();
      res.gateway4 = s->gateway;
    }
    if (SubnetState* s = r.subnet_v6()) {
      res.ipv6 = allocate(*s, spec.container, want6);
      res.prefix6 = s->subnet.prefix();
    }
  } catch (const Error& e) {
    throw Error(where + ": " + e.message(), e.hint());
  }
  res.ifname = spec.ifname;
  res.host_veth = host_veth_name(spec.container, spec.network, paths::state_root().string());

  Attachment a;
  a.container = spec.container;
  a.netns = spec.netns.string();
  a.host_veth = res.host_veth;
  a.ifname = spec.ifname;
  a.ipv4 = res.ipv4 ? res.ipv4->str() : "";
  a.ipv6 = res.ipv6 ? res.ipv6->str() : "";
  a.names = spec.names;
  a.ports = res.ports;
  a.mac = res.mac = spec.mac.empty() ? container_mac(spec.container, spec.network) : canonical_mac(spec.mac);
  r.attachments[spec.container] = a;
  store.save(r);
  for (auto& n : records)
    if (n.spec.name == r.spec.name) n = r;
  // Its names go into DNS now: the responder answers only for running containers, and this one
  // does not run before its interfaces are made.
  try {
    dns::publish_table(records);
    proxy::publish_routes(records);
  } catch (...) {
    // Nothing is made yet: give the addresses and ports back, as if it had never come.
    take_off(r, spec.container);
    store.save(r);
    try {
      dns::publish_table(store.all());  // it may have gone out before the failure
    } catch (...) {
      // the first error is the one to report
    }
    throw;
  }
  return res;
}

// The veth pair, its host end on the bridge, the container's end configured in its namespace.
void plumb(const AttachSpec& spec, const NetworkRecord& r, AttachResult& res) {
  netlink::Socket host;
  NetnsFd netns(spec.netns);
  // The name is berth's own (a hash of state root, network and container): one that exists is
  // left from an attach that died half-way. Take it away.
  netlink::delete_link(host, res.host_veth);
  netlink::VethSpec veth{res.host_veth, spec.ifname, netns.get(), netlink::link_index(host, r.bridge),
                         r.mtu, res.mac};
  netlink::create_veth(host, veth);
  configure_container_end(spec, r, res);
}

// The second turn under the lock, for containers that publish ports: the firewall rules that
// forward them, made once the container's end has its address.
void publish_ports(const AttachSpec& spec, const AttachResult& res) {
  if (res.ports.empty()) return;
  Store store;
  NetworkRecord r = store.get(spec.network);
  if (!r.attachments.count(spec.container))
    throw Error("container " + spec.container + " was taken off network " + spec.network + " while joining it");
  NetworkRecord before = r;  // the rules as they were without this container
  before.attachments.erase(spec.container);
  if (render_firewall(r) != render_firewall(before)) apply_firewall(r);
}

}  // namespace

AttachResult attach(const AttachSpec& spec) {
  if (!valid_ifname(spec.ifname))
    throw Error("\"" + spec.ifname + "\" cannot be an interface name", "use eth0, eth1, ...");
  NetworkRecord record;
  AttachResult res = reserve(spec, record);
  try {
    plumb(spec, record, res);
    publish_ports(spec, res);
  } catch (...) {
    // Gives back the addresses and ports, and deletes the veth (both ends) if it was made.
    try {
      detach(spec.container, spec.network, false);
    } catch (...) {
      // the first error is the one to report
    }
    throw;
  }
  dns::ensure_responder();
  return res;
}

void detach(const std::string& container, const std::string& network, bool remove_if_unused) {
  std::string veth;
  {
    Store store;
    auto found = store.find(network);
    if (!found) return;
    NetworkRecord r = *found;
    auto it = r.attachments.find(container);
    if (it != r.attachments.end()) {
      veth = it->second.host_veth;
      const NetworkRecord before = r;
      const Attachment gone = it->second;
      take_off(r, container);
      if (render_firewall(r) != render_firewall(before)) apply_firewall(r);
      forget_port_flows(gone);  // after the rules: no new packet can make the flow again
      store.save(r);
      auto records = store.all();
      dns::publish_table(records);
      proxy::publish_routes(records);
    }
    if (remove_if_unused && r.attachments.empty()) remove_network_locked(store, r);
  }
  // Outside the lock: the kernel takes some 20 ms to unregister a device, and the containers of a
  // stack go down in parallel.
  if (!veth.empty()) netlink::delete_link(netlink::Socket(), veth);
}

}  // namespace berth::network
