#include "network/netlink/socket.h"

#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "network/netlink/netns.h"
#include "util/error.h"

namespace berth::network::netlink {

namespace {
nl_sock* connect_route_socket() {
  nl_sock* sock = nl_socket_alloc();
  if (!sock) throw Error("cannot allocate a netlink socket: out of memory");
  int err = nl_connect(sock, NETLINK_ROUTE);
  if (err < 0) {
    nl_socket_free(sock);
    check(err, "cannot open an rtnetlink socket");
  }
  return sock;
}
}  // namespace

void check(int err, const std::string& what) {
  if (err < 0) throw Error(what + ": " + nl_geterror(err));
}

Socket::Socket() : sock_(connect_route_socket()) {}

Socket Socket::in_netns(const std::filesystem::path& netns) {
  return Socket(run_in_netns(netns, [] { return connect_route_socket(); }));
}

Socket::~Socket() {
  if (sock_) nl_socket_free(sock_);
}

}  // namespace berth::network::netlink
