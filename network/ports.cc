#include "network/ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "network/ip.h"
#include "util/error.h"

namespace berth::network {

namespace {
std::string describe(const PortSpec& s) {
  auto range = [](uint16_t a, uint16_t b) {
    return std::to_string(a) + (b && b != a ? "-" + std::to_string(b) : "");
  };
  std::string out = s.host_ip.empty() ? "" : s.host_ip + ":";
  if (s.host_start) out += range(s.host_start, s.host_end) + ":";
  return out + range(s.container_start, s.container_end) + "/" + s.protocol;
}

bool same_host_ip(const std::string& a, const std::string& b) {
  auto any = [](const std::string& ip) { return ip.empty() || ip == "0.0.0.0"; };
  return any(a) || any(b) || a == b;
}

bool taken_by_berth(const std::vector<PublishedPort>& taken, const std::string& host_ip,
                    uint16_t port, const std::string& protocol) {
  for (const auto& t : taken)
    if (t.host_port == port && t.protocol == protocol && same_host_ip(t.host_ip, host_ip)) return true;
  return false;
}

// A socket bound to host_ip:port; -1 with errno set when that fails.
int bind_socket(const std::string& host_ip, uint16_t port, const std::string& protocol) {
  auto ip = host_ip.empty() ? IpAddress::v4(0) : IpAddress::parse_or_throw(host_ip, "host_ip");
  int type = protocol == "udp" ? SOCK_DGRAM : SOCK_STREAM;
  int fd = ::socket(ip.is_v4() ? AF_INET : AF_INET6, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int rc;
  if (ip.is_v4()) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    std::memcpy(&sa.sin_addr, ip.bytes(), 4);
    rc = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  } else {
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(port);
    std::memcpy(&sa.sin6_addr, ip.bytes(), 16);
    rc = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  }
  if (rc != 0) {
    int err = errno;
    ::close(fd);
    errno = err;
    return -1;
  }
  return fd;
}
}  // namespace

std::vector<PortRequest> expand_port_spec(const PortSpec& s) {
  if (s.protocol != "tcp" && s.protocol != "udp")
    throw Error("port " + describe(s) + ": protocol \"" + s.protocol + "\" is not supported",
                "use tcp or udp");
  if (s.container_start == 0)
    throw Error("port " + describe(s) + ": no container port", "name the port the container listens on");
  uint16_t c_end = s.container_end ? s.container_end : s.container_start;
  uint16_t h_end = s.host_end ? s.host_end : s.host_start;
  if (c_end < s.container_start || h_end < s.host_start)
    throw Error("port " + describe(s) + ": a range ends before it starts", "write ranges low-high");
  size_t c_count = static_cast<size_t>(c_end - s.container_start) + 1;
  size_t h_count = s.host_start ? static_cast<size_t>(h_end - s.host_start) + 1 : 0;
  std::vector<PortRequest> out;
  if (h_count == 0) {
    for (size_t i = 0; i < c_count; ++i)
      out.push_back({s.host_ip, {}, static_cast<uint16_t>(s.container_start + i), s.protocol});
  } else if (h_count == c_count) {
    for (size_t i = 0; i < c_count; ++i)
      out.push_back({s.host_ip, {static_cast<uint16_t>(s.host_start + i)},
                     static_cast<uint16_t>(s.container_start + i), s.protocol});
  } else if (c_count == 1) {
    PortRequest r{s.host_ip, {}, s.container_start, s.protocol};
    for (size_t i = 0; i < h_count; ++i) r.host_candidates.push_back(static_cast<uint16_t>(s.host_start + i));
    out.push_back(r);
  } else {
    throw Error("port " + describe(s) + ": host range has " + std::to_string(h_count) +
                    " ports but container range has " + std::to_string(c_count),
                "give both ranges the same length, or publish one container port on a host range");
  }
  return out;
}

bool host_port_free(const std::string& host_ip, uint16_t port, const std::string& protocol) {
  int fd = bind_socket(host_ip, port, protocol);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

uint16_t any_free_port(const std::string& host_ip, const std::string& protocol) {
  int fd = bind_socket(host_ip, 0, protocol);
  if (fd < 0) throw Error("cannot find a free " + protocol + " port: " + std::strerror(errno));
  sockaddr_storage sa{};
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  ::close(fd);
  if (sa.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&sa)->sin_port);
  return ntohs(reinterpret_cast<sockaddr_in6*>(&sa)->sin6_port);
}

std::vector<PublishedPort> resolve_ports(const std::vector<PortSpec>& specs,
                                         const std::vector<PublishedPort>& taken) {
  std::vector<PublishedPort> chosen;
  auto all_taken = taken;
  for (const PortSpec& spec : specs) {
    for (const PortRequest& r : expand_port_spec(spec)) {
      uint16_t port = 0;
      if (r.host_candidates.empty()) {
        // The kernel's pick is free now; berth's own DNAT ports are not bound, so skip those.
        for (int tries = 0; tries < 64 && port == 0; ++tries) {
          uint16_t p = any_free_port(r.host_ip, r.protocol);
          if (!taken_by_berth(all_taken, r.host_ip, p, r.protocol)) port = p;
        }
        if (port == 0) throw Error("cannot find a free " + r.protocol + " port for " + describe(spec));
      } else {
        for (uint16_t candidate : r.host_candidates) {
          if (taken_by_berth(all_taken, r.host_ip, candidate, r.protocol)) continue;
          if (!host_port_free(r.host_ip, candidate, r.protocol)) continue;
          port = candidate;
          break;
        }
        if (port == 0) {
          std::string which = r.host_candidates.size() == 1
                                  ? "host port " + std::to_string(r.host_candidates.front()) + "/" +
                                        r.protocol + " is already in use"
                                  : "every host port of the range is already in use";
          throw Error("cannot publish " + describe(spec) + ": " + which,
                      "stop what uses it, or publish on another host port");
        }
      }
      PublishedPort p{r.host_ip, port, r.container_port, r.protocol};
      chosen.push_back(p);
      all_taken.push_back(p);
    }
  }
  return chosen;
}

}  // namespace berth::network
