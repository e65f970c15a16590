#include "network/conntrack.h"

#include <netinet/in.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/netfilter/ct.h>
#include <netlink/netlink.h>

#include <cstring>
#include <memory>

#include "network/ip.h"
#include "network/netlink/socket.h"
#include "util/error.h"
#include "util/log.h"

namespace berth::network {

namespace {
struct SockFree {
  void operator()(nl_sock* s) const { nl_socket_free(s); }
};
struct CacheFree {
  void operator()(nl_cache* c) const { nl_cache_free(c); }
};

constexpr int kReply = 1;  // libnl's tuple index of the reply direction

int protocol_number(const std::string& protocol) { return protocol == "udp" ? IPPROTO_UDP : IPPROTO_TCP; }

// Whether the entry's reply comes from `address` on one of `ports`.
bool dnat_to(nfnl_ct* ct, const IpAddress& address, const std::vector<PublishedPort>& ports) {
  nl_addr* src = nfnl_ct_get_src(ct, kReply);
  if (!src || nl_addr_get_len(src) != (address.is_v4() ? 4u : 16u)) return false;
  if (std::memcmp(nl_addr_get_binary_addr(src), address.bytes(), nl_addr_get_len(src)) != 0) return false;
  uint16_t port = nfnl_ct_get_src_port(ct, kReply);
  int proto = nfnl_ct_get_proto(ct);
  for (const auto& p : ports)
    if (p.container_port == port && protocol_number(p.protocol) == proto) return true;
  return false;
}
}  // namespace

size_t forget_port_flows(const std::string& address, const std::vector<PublishedPort>& ports) {
  if (address.empty() || ports.empty()) return 0;
  IpAddress ip = IpAddress::parse_or_throw(address, "conntrack");
  std::unique_ptr<nl_sock, SockFree> sock(nl_socket_alloc());
  if (!sock) throw Error("conntrack: cannot allocate a netlink socket");
  netlink::check(nl_connect(sock.get(), NETLINK_NETFILTER), "conntrack: connect to ctnetlink");
  nl_cache* raw = nullptr;
  netlink::check(nfnl_ct_alloc_cache(sock.get(), &raw), "conntrack: read the connection table");
  std::unique_ptr<nl_cache, CacheFree> cache(raw);
  size_t removed = 0;
  for (nl_object* o = nl_cache_get_first(cache.get()); o; o = nl_cache_get_next(o)) {
    auto* ct = reinterpret_cast<nfnl_ct*>(o);
    if (!dnat_to(ct, ip, ports)) continue;
    int err = nfnl_ct_del(sock.get(), ct, 0);
    if (err == 0) ++removed;
    // -NLE_OBJ_NOTFOUND: it ended by itself meanwhile.
    else if (err != -NLE_OBJ_NOTFOUND) netlink::check(err, "conntrack: delete a flow to " + address);
  }
  return removed;
}

void forget_port_flows(const Attachment& a) {
  for (const std::string& address : {a.ipv4, a.ipv6}) {
    try {
      forget_port_flows(address, a.ports);
    } catch (const Error& e) {
      log::warn(std::string("published ports of container ") + a.container + ": " + e.message());
    }
  }
}

}  // namespace berth::network
