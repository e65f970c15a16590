// An rtnetlink socket (libnl), owned. A socket stays in the network namespace it was opened in,
// so a socket opened inside a container's namespace configures that namespace from any thread.
#pragma once

#include <filesystem>
#include <string>

struct nl_sock;

namespace berth::network::netlink {

class Socket {
 public:
  Socket();  // in the calling thread's network namespace
  // A socket in the namespace bound at `netns` (opened on a short-lived thread that joins it).
  static Socket in_netns(const std::filesystem::path& netns);
  ~Socket();
  Socket(Socket&& other) noexcept : sock_(other.sock_) { other.sock_ = nullptr; }
  Socket& operator=(Socket&&) = delete;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  nl_sock* get() const { return sock_; }

 private:
  explicit Socket(nl_sock* sock) : sock_(sock) {}
  nl_sock* sock_ = nullptr;
};

// Throws berth::Error("<what>: <libnl's message>") when `err` is a libnl error (< 0).
void check(int err, const std::string& what);

}  // namespace berth::network::netlink
