// Helpers for tests that work with real network namespaces: a per-test state root, sockets
// opened inside a namespace, and a check that nothing of a network is left on the host.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "network/attach.h"
#include "network/firewall.h"
#include "network/netlink/link.h"
#include "network/netlink/netns.h"
#include "network/network.h"
#include "runtime/container/record.h"
#include "tests/support/temp_dir.h"
#include "util/error.h"

namespace berth::test {

// Every test gets its own BERTH_ROOT and BERTH_RUN_ROOT and a name suffix unique on this host
// (tests run side by side).
class NetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("BERTH_ROOT", (dir_.path() / "state").c_str(), 1);
    ::setenv("BERTH_RUN_ROOT", (dir_.path() / "run").c_str(), 1);
    suffix_ = std::to_string(::getpid());
  }

  void TearDown() override {
    // Whatever a failed test left: take it down, so the host stays clean.
    for (const auto& r : network::list_networks()) {
      for (const auto& [id, a] : r.attachments) network::detach(id, r.spec.name);
      network::remove_network(r.spec.name);
    }
  }

  // A network name unique on the host: "<base><pid>".
  std::string name(const std::string& base) const { return base + suffix_; }

  // A spec that takes a subnet from the default pools (free of host routes, under a host lock).
  network::NetworkSpec spec(const std::string& base, bool internal = false) const {
    network::NetworkSpec s;
    s.name = name(base);
    s.internal = internal;
    return s;
  }

  network::AttachResult attach(const std::string& container, const network::netlink::Netns& ns,
                               const std::string& net, std::vector<std::string> names = {},
                               std::string ifname = "eth0") {
    network::AttachSpec a;
    a.container = container;
    a.netns = ns.path();
    a.network = net;
    a.ifname = std::move(ifname);
    a.names = std::move(names);
    auto result = network::attach(a);
    set_status(container, "running");  // as its supervisor would once it runs
    return result;
  }

  // Writes the record of a container in `status`, which the DNS responder follows.
  static void set_status(const std::string& container, const std::string& status) {
    runtime::ContainerRecord record;
    record.id = container;
    record.status = status;
    runtime::write_record(record, false);
  }

  TempDir dir_;
  std::string suffix_;
};

// A socket made inside `netns` (it stays there whatever thread uses it).
inline int socket_in(const std::filesystem::path& netns, int type, int family = AF_INET) {
  return network::netlink::run_in_netns(netns, [type, family] { return ::socket(family, type | SOCK_CLOEXEC, 0); });
}

inline sockaddr_in v4_addr(const std::string& ip, uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  ::inet_pton(AF_INET, ip.c_str(), &sa.sin_addr);
  return sa;
}

// An IPv4 or IPv6 socket address for ip:port; `len` gets its size.
inline sockaddr_storage any_addr(const std::string& ip, uint16_t port, socklen_t& len) {
  sockaddr_storage ss{};
  if (ip.find(':') == std::string::npos) {
    auto sa = v4_addr(ip, port);
    std::memcpy(&ss, &sa, sizeof sa);
    len = sizeof sa;
  } else {
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(port);
    ::inet_pton(AF_INET6, ip.c_str(), &sa.sin6_addr);
    std::memcpy(&ss, &sa, sizeof sa);
    len = sizeof sa;
  }
  return ss;
}

// A TCP server in `netns` on `port` that answers each connection with `reply` and closes it.
class TcpServer {
 public:
  TcpServer(const std::filesystem::path& netns, uint16_t port, std::string reply) : reply_(std::move(reply)) {
    // One IPv6 socket that takes IPv4 connections too.
    fd_ = socket_in(netns, SOCK_STREAM, AF_INET6);
    int one = 1, zero = 0;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ::setsockopt(fd_, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    socklen_t len = 0;
    auto sa = any_addr("::", port, len);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&sa), len) != 0 || ::listen(fd_, 16) != 0)
      throw std::runtime_error("test server cannot listen");
    ::pipe2(stop_, O_CLOEXEC);
    thread_ = std::thread([this] { serve(); });
  }
  ~TcpServer() {
    (void)!::write(stop_[1], "x", 1);
    thread_.join();
    ::close(fd_);
    ::close(stop_[0]);
    ::close(stop_[1]);
  }

 private:
  void serve() {
    while (true) {
      pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_[0], POLLIN, 0}};
      if (::poll(fds, 2, -1) <= 0 || fds[1].revents) return;
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      (void)!::write(c, reply_.data(), reply_.size());
      ::close(c);
    }
  }
  int fd_ = -1;
  int stop_[2] = {-1, -1};
  std::string reply_;
  std::thread thread_;
};

// Connects from `netns` (or this process's namespace when empty) to ip:port and returns what the
// server sent; "" when the connection failed or did not happen within `timeout_ms`.
inline std::string tcp_fetch(const std::filesystem::path& netns, const std::string& ip, uint16_t port,
                             int timeout_ms = 1500) {
  socklen_t len = 0;
  auto sa = any_addr(ip, port, len);
  int family = sa.ss_family;
  int fd = netns.empty() ? ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0) : socket_in(netns, SOCK_STREAM, family);
  ::fcntl(fd, F_SETFL, O_NONBLOCK);
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&sa), len);
  std::string out;
  if (rc == 0 || errno == EINPROGRESS) {
    pollfd p{fd, POLLIN, 0};
    char buf[256];
    while (::poll(&p, 1, timeout_ms) > 0) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return out;
}

inline bool nft_table_exists(const std::string& table) {
  try {
    network::run_nft("list table inet " + table);
    return true;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace berth::test
