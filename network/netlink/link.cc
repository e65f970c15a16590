#include "network/netlink/link.h"

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

#include <memory>

#include "util/error.h"

namespace berth::network::netlink {

namespace {
struct LinkDeleter {
  void operator()(rtnl_link* l) const { rtnl_link_put(l); }
};
struct AddrDeleter {
  void operator()(nl_addr* a) const { nl_addr_put(a); }
};
struct RtAddrDeleter {
  void operator()(rtnl_addr* a) const { rtnl_addr_put(a); }
};
struct RouteDeleter {
  void operator()(rtnl_route* r) const { rtnl_route_put(r); }
};
struct CacheDeleter {
  void operator()(nl_cache* c) const { nl_cache_free(c); }
};
using LinkPtr = std::unique_ptr<rtnl_link, LinkDeleter>;
using AddrPtr = std::unique_ptr<nl_addr, AddrDeleter>;
using CachePtr = std::unique_ptr<nl_cache, CacheDeleter>;

LinkPtr get_link(const Socket& sock, const std::string& name) {
  rtnl_link* link = nullptr;
  int err = rtnl_link_get_kernel(sock.get(), 0, name.c_str(), &link);
  if (err == -NLE_NODEV || err == -NLE_OBJ_NOTFOUND) return nullptr;
  check(err, "cannot look up link " + name);
  return LinkPtr(link);
}

LinkPtr require_link(const Socket& sock, const std::string& name) {
  auto link = get_link(sock, name);
  if (!link) throw Error("no network interface called " + name);
  return link;
}

AddrPtr nl_address(const IpAddress& a, int prefix) {
  nl_addr* addr = nl_addr_build(a.is_v4() ? AF_INET : AF_INET6, a.bytes(), a.size());
  if (!addr) throw Error("out of memory building a netlink address");
  nl_addr_set_prefixlen(addr, prefix);
  return AddrPtr(addr);
}

// Sets the link's MAC address from "aa:bb:cc:dd:ee:ff"; an empty string leaves it to the kernel.
void set_mac(rtnl_link* link, const std::string& text) {
  if (text.empty()) return;
  nl_addr* mac = nullptr;
  if (nl_addr_parse(text.c_str(), AF_LLC, &mac) < 0 || nl_addr_get_len(mac) != 6) {
    if (mac) nl_addr_put(mac);
    throw Error("\"" + text + "\" is not a MAC address",
                "write six hex bytes separated by colons, like 02:42:ac:11:00:02");
  }
  rtnl_link_set_addr(link, mac);
  nl_addr_put(mac);
}

std::optional<IpAddress> from_nl(nl_addr* a) {
  if (!a) return std::nullopt;
  char buf[64];
  nl_addr2str(a, buf, sizeof buf);
  std::string text = buf;
  auto slash = text.find('/');
  return IpAddress::parse(text.substr(0, slash));
}
}  // namespace

bool link_exists(const Socket& sock, const std::string& name) { return get_link(sock, name) != nullptr; }

int link_index(const Socket& sock, const std::string& name) {
  return rtnl_link_get_ifindex(require_link(sock, name).get());
}

void set_link_up(const Socket& sock, const std::string& name) {
  auto link = require_link(sock, name);
  LinkPtr change(rtnl_link_alloc());
  rtnl_link_set_flags(change.get(), IFF_UP);
  check(rtnl_link_change(sock.get(), link.get(), change.get(), 0), "cannot bring up " + name);
}

void set_master(const Socket& sock, const std::string& name, int master_index) {
  auto link = require_link(sock, name);
  LinkPtr change(rtnl_link_alloc());
  rtnl_link_set_master(change.get(), master_index);
  check(rtnl_link_change(sock.get(), link.get(), change.get(), 0),
        "cannot put " + name + " on its bridge");
}

bool delete_link(const Socket& sock, const std::string& name) {
  auto link = get_link(sock, name);
  if (!link) return false;
  int err = rtnl_link_delete(sock.get(), link.get());
  if (err == -NLE_NODEV || err == -NLE_OBJ_NOTFOUND) return false;
  check(err, "cannot delete link " + name);
  return true;
}

void create_bridge(const Socket& sock, const std::string& name, int mtu, const std::string& mac) {
  LinkPtr link(rtnl_link_bridge_alloc());
  if (!link) throw Error("out of memory allocating a bridge");
  rtnl_link_set_name(link.get(), name.c_str());
  if (mtu > 0) rtnl_link_set_mtu(link.get(), static_cast<unsigned>(mtu));
  set_mac(link.get(), mac);
  int err = rtnl_link_add(sock.get(), link.get(), NLM_F_CREATE | NLM_F_EXCL);
  if (err == -NLE_EXIST)
    throw Error("cannot create bridge " + name + ": an interface of that name exists",
                "remove it, or choose another bridge name (driver_opts "
                "com.docker.network.bridge.name)");
  check(err, "cannot create bridge " + name);
}

void create_veth(const Socket& sock, const VethSpec& spec) {
  LinkPtr host(rtnl_link_veth_alloc());
  if (!host) throw Error("out of memory allocating a veth pair");
  rtnl_link* peer = rtnl_link_veth_get_peer(host.get());  // owned by `host`
  rtnl_link_set_name(host.get(), spec.host_name.c_str());
  rtnl_link_set_name(peer, spec.peer_name.c_str());
  if (spec.mtu > 0) {
    rtnl_link_set_mtu(host.get(), static_cast<unsigned>(spec.mtu));
    rtnl_link_set_mtu(peer, static_cast<unsigned>(spec.mtu));
  }
  if (spec.master_index > 0) rtnl_link_set_master(host.get(), spec.master_index);
  rtnl_link_set_flags(host.get(), IFF_UP);
  if (spec.peer_netns_fd >= 0) rtnl_link_set_ns_fd(peer, spec.peer_netns_fd);
  set_mac(peer, spec.peer_mac);
  int err = rtnl_link_add(sock.get(), host.get(), NLM_F_CREATE | NLM_F_EXCL);
  rtnl_link_put(peer);  // rtnl_link_veth_get_peer took a reference
  if (err == -NLE_EXIST)
    throw Error("cannot create veth " + spec.host_name + ": an interface of that name exists");
  check(err, "cannot create veth pair " + spec.host_name + " / " + spec.peer_name);
}

void add_address(const Socket& sock, const std::string& link, const IpAddress& address, int prefix) {
  int index = link_index(sock, link);
  std::unique_ptr<rtnl_addr, RtAddrDeleter> addr(rtnl_addr_alloc());
  rtnl_addr_set_ifindex(addr.get(), index);
  rtnl_addr_set_family(addr.get(), address.is_v4() ? AF_INET : AF_INET6);
  auto local = nl_address(address, prefix);
  check(rtnl_addr_set_local(addr.get(), local.get()), "cannot set address");
  rtnl_addr_set_prefixlen(addr.get(), prefix);
  if (!address.is_v4()) rtnl_addr_set_flags(addr.get(), IFA_F_NODAD);
  int err = rtnl_addr_add(sock.get(), addr.get(), 0);
  check(err, "cannot add address " + address.str() + "/" + std::to_string(prefix) + " to " + link);
}

void add_default_route(const Socket& sock, const IpAddress& gateway) {
  std::unique_ptr<rtnl_route, RouteDeleter> route(rtnl_route_alloc());
  int family = gateway.is_v4() ? AF_INET : AF_INET6;
  rtnl_route_set_family(route.get(), static_cast<uint8_t>(family));
  IpAddress any = gateway.masked(0);
  auto dst = nl_address(any, 0);
  check(rtnl_route_set_dst(route.get(), dst.get()), "cannot set route destination");
  rtnl_route_set_table(route.get(), RT_TABLE_MAIN);
  rtnl_nexthop* nh = rtnl_route_nh_alloc();
  auto gw = nl_address(gateway, gateway.bits());
  rtnl_route_nh_set_gateway(nh, gw.get());
  rtnl_route_add_nexthop(route.get(), nh);  // the route owns it from here
  check(rtnl_route_add(sock.get(), route.get(), NLM_F_CREATE),
        "cannot add a default route via " + gateway.str());
}

std::vector<Cidr> route_destinations(const Socket& sock, int family) {
  nl_cache* raw = nullptr;
  check(rtnl_route_alloc_cache(sock.get(), family, 0, &raw), "cannot read the routing table");
  CachePtr cache(raw);
  std::vector<Cidr> out;
  for (nl_object* obj = nl_cache_get_first(cache.get()); obj; obj = nl_cache_get_next(obj)) {
    auto* route = reinterpret_cast<rtnl_route*>(obj);
    if (rtnl_route_get_table(route) != RT_TABLE_MAIN) continue;
    nl_addr* dst = rtnl_route_get_dst(route);
    if (!dst) continue;
    int prefix = static_cast<int>(nl_addr_get_prefixlen(dst));
    if (prefix == 0) continue;  // the default route overlaps everything and blocks nothing
    auto a = from_nl(dst);
    if (a) out.emplace_back(*a, prefix);
  }
  return out;
}

std::string link_mac(const Socket& sock, const std::string& name) {
  auto link = require_link(sock, name);
  char buf[64] = {};
  nl_addr* mac = rtnl_link_get_addr(link.get());
  if (mac) nl_addr2str(mac, buf, sizeof buf);
  return buf;
}

std::vector<Cidr> link_addresses(const Socket& sock, const std::string& name) {
  int index = link_index(sock, name);
  nl_cache* raw = nullptr;
  check(rtnl_addr_alloc_cache(sock.get(), &raw), "cannot read addresses");
  CachePtr cache(raw);
  std::vector<Cidr> out;
  for (nl_object* obj = nl_cache_get_first(cache.get()); obj; obj = nl_cache_get_next(obj)) {
    auto* addr = reinterpret_cast<rtnl_addr*>(obj);
    if (rtnl_addr_get_ifindex(addr) != index || rtnl_addr_get_scope(addr) == RT_SCOPE_LINK) continue;
    auto a = from_nl(rtnl_addr_get_local(addr));
    if (a) out.emplace_back(*a, rtnl_addr_get_prefixlen(addr));
  }
  return out;
}

LinkGuard::~LinkGuard() {
  if (name_.empty()) return;
  try {
    delete_link(*sock_, name_);
  } catch (...) {
    // Best effort while unwinding from another error.
  }
}

}  // namespace berth::network::netlink
