#include "network/proxy/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <thread>

#include "network/file_watch.h"
#include "network/helper_process.h"
#include "network/proxy/routes.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"

namespace berth::network::proxy {

namespace {

using Clock = std::chrono::steady_clock;
// A UDP "flow" with no datagram either way for this long is forgotten (conntrack's own UDP
// stream timeout is of this order).
constexpr auto kUdpIdle = std::chrono::seconds(60);

socklen_t make_sockaddr(const IpAddress& ip, uint16_t port, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (ip.is_v4()) {
    auto* sa = reinterpret_cast<sockaddr_in*>(&out);
    sa->sin_family = AF_INET;
    sa->sin_port = htons(port);
    std::memcpy(&sa->sin_addr, ip.bytes(), 4);
    return sizeof(sockaddr_in);
  }
  auto* sa = reinterpret_cast<sockaddr_in6*>(&out);
  sa->sin6_family = AF_INET6;
  sa->sin6_port = htons(port);
  std::memcpy(&sa->sin6_addr, ip.bytes(), 16);
  return sizeof(sockaddr_in6);
}

// An fd closed when its owner goes.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = o.fd_;
      o.fd_ = -1;
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

Fd listen_on(const IpAddress& ip, uint16_t port, const std::string& protocol) {
  bool tcp = protocol == "tcp";
  Fd fd(::socket(ip.is_v4() ? AF_INET : AF_INET6, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return fd;
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (!ip.is_v4()) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  sockaddr_storage ss;
  socklen_t len = make_sockaddr(ip, port, ss);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0 || (tcp && ::listen(fd.get(), 128) != 0)) {
    log::warn("port proxy: cannot listen on [" + ip.str() + "]:" + std::to_string(port) + "/" + protocol + ": " +
              std::strerror(errno));
    return Fd();
  }
  return fd;
}

// A socket connected to the route's target; -1 when that failed within five seconds.
Fd connect_to(const Route& route, int type) {
  auto ip = IpAddress::parse(route.target);
  if (!ip) return Fd();
  Fd fd(::socket(ip->is_v4() ? AF_INET : AF_INET6, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (fd.get() < 0) return fd;
  sockaddr_storage ss;
  socklen_t len = make_sockaddr(*ip, route.target_port, ss);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    if (errno != EINPROGRESS) return Fd();
    pollfd p{fd.get(), POLLOUT, 0};
    int err = 0;
    socklen_t err_len = sizeof err;
    if (::poll(&p, 1, 5000) != 1 || ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &err_len) != 0 || err != 0)
      return Fd();
  }
  return fd;
}

// Copies bytes both ways until both sides are done; half-closes pass through.
void relay_tcp(Fd client, Route route) {
  Fd server = connect_to(route, SOCK_STREAM);
  if (server.get() < 0) return;  // the client sees its connection closed, as with no listener
  ::fcntl(client.get(), F_SETFL, O_NONBLOCK);
  int fds[2] = {client.get(), server.get()};
  bool open[2] = {true, true};  // still reading from fds[i]
  char buf[64 * 1024];
  while (open[0] || open[1]) {
    pollfd p[2] = {{fds[0], static_cast<short>(open[0] ? POLLIN : 0), 0},
                   {fds[1], static_cast<short>(open[1] ? POLLIN : 0), 0}};
    if (::poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if (!open[i] || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i], buf, sizeof buf);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n <= 0) {
        open[i] = false;
        ::shutdown(fds[1 - i], SHUT_WR);
        if (n < 0) return;
        continue;
      }
      for (ssize_t done = 0; done < n;) {
        ssize_t w = ::write(fds[1 - i], buf + done, static_cast<size_t>(n - done));
        if (w < 0 && errno == EAGAIN) {
          pollfd out{fds[1 - i], POLLOUT, 0};
          ::poll(&out, 1, -1);
          continue;
        }
        if (w <= 0) return;
        done += w;
      }
    }
  }
}

struct Listener {
  Route route;
  Fd fd;
};

// A UDP client of a listener: its own socket connected to the container.
struct UdpSession {
  int listener = -1;  // the listening socket's fd: answers go out through it
  sockaddr_storage client{};
  socklen_t client_len = 0;
  Fd upstream;
  Clock::time_point last;
};

class Server {
 public:
  explicit Server(ServeOptions options) : options_(std::move(options)) {}
  ~Server() {
    if (inotify_ >= 0) ::close(inotify_);
  }

  void run() {
    auto dir = options_.routes.parent_path();
    std::filesystem::create_directories(dir);
    inotify_ = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (inotify_ < 0) throw Error(std::string("port proxy: inotify: ") + std::strerror(errno));
    if (::inotify_add_watch(inotify_, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF) < 0)
      throw Error("port proxy: cannot watch " + dir.string() + ": " + std::strerror(errno));
    bool serving = reload();
    if (options_.ready_fd >= 0) {
      if (serving) (void)!::write(options_.ready_fd, "1", 1);
      ::close(options_.ready_fd);
      options_.ready_fd = -1;
    }
    if (!serving) return;
    while (true) {
      std::vector<pollfd> fds{{inotify_, POLLIN, 0}};
      if (options_.stop_fd >= 0) fds.push_back({options_.stop_fd, POLLIN, 0});
      size_t first = fds.size();
      std::vector<Listener*> listening;
      for (auto& [key, l] : listeners_) {
        fds.push_back({l.fd.get(), POLLIN, 0});
        listening.push_back(&l);
      }
      size_t first_session = fds.size();
      std::vector<UdpSession*> sessions;
      for (auto& s : sessions_) {
        fds.push_back({s->upstream.get(), POLLIN, 0});
        sessions.push_back(s.get());
      }
      if (::poll(fds.data(), fds.size(), next_expiry_ms()) < 0) {
        if (errno == EINTR) continue;
        throw Error(std::string("port proxy: poll: ") + std::strerror(errno));
      }
      if (options_.stop_fd >= 0 && fds[1].revents) return;
      for (size_t i = first; i < first_session; ++i)
        if (fds[i].revents) serve_listener(*listening[i - first]);
      for (size_t i = first_session; i < fds.size(); ++i)
        if (fds[i].revents) answer_udp(*sessions[i - first_session]);
      expire_sessions();
      if (fds[0].revents && !routes_changed()) return;
    }
  }

 private:
  // Drains inotify; false when the watched directory went away or nothing is left to serve.
  bool routes_changed() {
    WatchedFile w = drain_watch(inotify_, options_.routes.filename().string());
    if (w == WatchedFile::directory_gone) return false;
    return w == WatchedFile::unchanged || reload();
  }

  // Listens where the routes say; false when there are none (and it should stop).
  bool reload() {
    auto text = fs::read_file_if_exists(options_.routes);
    std::vector<Route> routes = text ? routes_from_json(*text) : std::vector<Route>{};
    if (options_.exit_when_empty && routes.empty()) return false;
    std::map<std::pair<uint16_t, std::string>, Route> wanted;
    for (const auto& r : routes) wanted[{r.port, r.protocol}] = r;
    for (auto it = listeners_.begin(); it != listeners_.end();) {
      auto w = wanted.find(it->first);
      if (w != wanted.end() && w->second == it->second.route) {
        ++it;
        continue;
      }
      forget_sessions_of(it->second.fd.get());
      it = listeners_.erase(it);
    }
    for (const auto& [key, route] : wanted) {
      if (listeners_.count(key)) continue;
      Fd fd = listen_on(options_.listen, route.port, route.protocol);
      if (fd.get() >= 0) listeners_[key] = Listener{route, std::move(fd)};
    }
    return true;
  }

  void serve_listener(Listener& l) {
    if (l.route.protocol == "tcp") {
      int client = ::accept4(l.fd.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (client < 0) return;
      std::thread(relay_tcp, Fd(client), l.route).detach();
      return;
    }
    char buf[64 * 1024];
    sockaddr_storage from{};
    socklen_t from_len = sizeof from;
    ssize_t n = ::recvfrom(l.fd.get(), buf, sizeof buf, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) return;
    UdpSession* s = find_session(l.fd.get(), from, from_len);
    if (!s) {
      auto fresh = std::make_unique<UdpSession>();
      fresh->listener = l.fd.get();
      fresh->client = from;
      fresh->client_len = from_len;
      fresh->upstream = connect_to(l.route, SOCK_DGRAM);
      if (fresh->upstream.get() < 0) return;
      s = fresh.get();
      sessions_.push_back(std::move(fresh));
    }
    s->last = Clock::now();
    ::send(s->upstream.get(), buf, static_cast<size_t>(n), MSG_DONTWAIT);
  }

  void answer_udp(UdpSession& s) {
    char buf[64 * 1024];
    ssize_t n = ::recv(s.upstream.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) return;  // ICMP unreachable and the like: the client's own timeout handles it
    s.last = Clock::now();
    ::sendto(s.listener, buf, static_cast<size_t>(n), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&s.client), s.client_len);
  }

  UdpSession* find_session(int listener, const sockaddr_storage& from, socklen_t len) {
    for (auto& s : sessions_)
      if (s->listener == listener && s->client_len == len && std::memcmp(&s->client, &from, len) == 0) return s.get();
    return nullptr;
  }

  void forget_sessions_of(int listener) {
    std::erase_if(sessions_, [&](const auto& s) { return s->listener == listener; });
  }

  void expire_sessions() {
    auto now = Clock::now();
    std::erase_if(sessions_, [&](const auto& s) { return now - s->last >= kUdpIdle; });
  }

  int next_expiry_ms() const {
    if (sessions_.empty()) return -1;
    auto first = sessions_.front()->last;
    for (const auto& s : sessions_) first = std::min(first, s->last);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(first + kUdpIdle - Clock::now()).count();
    return static_cast<int>(std::max<long long>(left, 0) + 1);
  }

  ServeOptions options_;
  int inotify_ = -1;
  std::map<std::pair<uint16_t, std::string>, Listener> listeners_;
  std::vector<std::unique_ptr<UdpSession>> sessions_;
};

}  // namespace

void serve(ServeOptions options) {
  if (options.routes.empty()) options.routes = routes_path();
  if (options.ready_fd < 0) options.ready_fd = ready_fd_from_env("BERTH_PROXY_READY_FD");
  int lock = take_helper_lock(proxy_lock_path());
  if (lock < 0) {
    if (options.ready_fd >= 0) ::close(options.ready_fd);  // the one serving is ready
    return;
  }
  try {
    Server(std::move(options)).run();
  } catch (...) {
    ::close(lock);
    throw;
  }
  ::close(lock);
}

}  // namespace berth::network::proxy
