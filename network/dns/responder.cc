#include "network/dns/responder.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <cstring>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "network/file_watch.h"
#include "network/dns/running_containers.h"
#include "network/dns/table.h"
#include "network/dns/wire.h"
#include "network/helper_process.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/paths.h"

namespace berth::network::dns {

namespace {



// A socket address for `ip`:`port`, and its length.
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

IpAddress from_sockaddr(const sockaddr_storage& ss) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&ss)->sin_addr, buf, sizeof buf);
  else
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_addr, buf, sizeof buf);
  return IpAddress::parse(buf).value_or(IpAddress());
}

int bound_socket(const IpAddress& ip, uint16_t port, int type) {
  int fd = ::socket(ip.is_v4() ? AF_INET : AF_INET6, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  // FREEBIND: the address may be added to its bridge a moment after the table names it.
  ::setsockopt(fd, SOL_IP, IP_FREEBIND, &one, sizeof one);
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (!ip.is_v4()) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  sockaddr_storage ss;
  socklen_t len = make_sockaddr(ip, port, ss);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 ||
      (type == SOCK_STREAM && ::listen(fd, 64) != 0)) {
    log::warn("dns: cannot listen on " + ip.str() + ":" + std::to_string(port) + ": " +
              std::strerror(errno));
    ::close(fd);
    return -1;
  }
  return fd;
}

void set_timeout(int fd, int seconds) {
  timeval tv{seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// Asks the host's resolvers over UDP; an empty result when none answered in time.
Bytes forward(const Bytes& query, const std::vector<IpAddress>& upstream, uint16_t port) {
  for (const auto& server : upstream) {
    int fd = ::socket(server.is_v4() ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    set_timeout(fd, 2);
    sockaddr_storage ss;
    socklen_t len = make_sockaddr(server, port, ss);
    Bytes reply(4096);
    ssize_t n = -1;
    if (::sendto(fd, query.data(), query.size(), 0, reinterpret_cast<sockaddr*>(&ss), len) >= 0)
      n = ::recv(fd, reply.data(), reply.size(), 0);
    ::close(fd);
    if (n > 0) {
      reply.resize(static_cast<size_t>(n));
      return reply;
    }
  }
  return {};
}

struct Shared {
  std::mutex mutex;
  Table table;
  std::vector<IpAddress> upstream;
  uint16_t upstream_port = 53;
};

// The reply to one message: berth's own answer, or the host resolvers' answer.
Bytes answer(Shared& shared, const Bytes& msg, const IpAddress& asker, const IpAddress& local) {
  auto q = parse_query(msg);
  if (!q) {
    if (msg.size() >= 4)
      return build_error(static_cast<uint16_t>((msg[0] << 8) | msg[1]), 0, kFormErr);
    return {};
  }
  Lookup found;
  std::vector<IpAddress> upstream;
  uint16_t upstream_port = 53;
  {
    std::lock_guard lock(shared.mutex);
    if (!shared.table.may_ask(asker)) return build_response(*q, {}, kRefused);
    found = shared.table.lookup(q->name, asker, local);
    upstream = shared.upstream;
    upstream_port = shared.upstream_port;
  }
  if (found.in_scope) {
    if (q->klass != kClassIN && q->klass != 255) return build_response(*q, {}, kNotImp);
    uint8_t rcode = found.addresses.empty() ? kNxDomain : kNoError;
    return build_response(*q, found.addresses, rcode);
  }
  Bytes reply = forward(msg, upstream, upstream_port);
  if (reply.empty()) return build_response(*q, {}, kServFail);
  return reply;
}

bool read_full(int fd, uint8_t* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::read(fd, data, size);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

void serve_tcp_client(Shared& shared, int fd, IpAddress asker, IpAddress local) {
  set_timeout(fd, 2);
  uint8_t len_bytes[2];
  while (read_full(fd, len_bytes, 2)) {
    Bytes msg(static_cast<size_t>((len_bytes[0] << 8) | len_bytes[1]));
    if (!read_full(fd, msg.data(), msg.size())) break;
    Bytes reply = answer(shared, msg, asker, local);
    if (reply.empty()) break;
    uint8_t prefix[2] = {static_cast<uint8_t>(reply.size() >> 8), static_cast<uint8_t>(reply.size() & 0xff)};
    if (::write(fd, prefix, 2) != 2 ||
        ::write(fd, reply.data(), reply.size()) != static_cast<ssize_t>(reply.size()))
      break;
  }
  ::close(fd);
}

struct Listener {
  int udp = -1;
  int tcp = -1;
};

class Server {
 public:
  explicit Server(ResponderOptions options) : options_(std::move(options)) {}
  ~Server() {
    for (auto& [ip, l] : listeners_) close_listener(l);
    if (inotify_ >= 0) ::close(inotify_);
  }

  void run() {
    auto dir = options_.table.parent_path();
    std::filesystem::create_directories(dir);
    inotify_ = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (inotify_ < 0) throw Error(std::string("dns: inotify: ") + std::strerror(errno));
    if (::inotify_add_watch(inotify_, dir.c_str(),
                            IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF) < 0)
      throw Error("dns: cannot watch " + dir.string() + ": " + std::strerror(errno));
    running_ = std::make_unique<RunningContainers>(options_.containers);
    if (!reload()) return;
    if (options_.ready_fd >= 0) {
      (void)!::write(options_.ready_fd, "1", 1);
      ::close(options_.ready_fd);
      options_.ready_fd = -1;
    }
    while (true) {
      std::vector<pollfd> fds{{inotify_, POLLIN, 0}, {running_->fd(), POLLIN, 0}};
      if (options_.stop_fd >= 0) fds.push_back({options_.stop_fd, POLLIN, 0});
      std::vector<std::pair<IpAddress, bool>> who;  // per socket: its address, is-tcp
      for (const auto& [ip, l] : listeners_) {
        if (l.udp >= 0) fds.push_back({l.udp, POLLIN, 0}), who.emplace_back(ip, false);
        if (l.tcp >= 0) fds.push_back({l.tcp, POLLIN, 0}), who.emplace_back(ip, true);
      }
      if (::poll(fds.data(), fds.size(), -1) < 0) {
        if (errno == EINTR) continue;
        throw Error(std::string("dns: poll: ") + std::strerror(errno));
      }
      if (options_.stop_fd >= 0 && fds[2].revents) return;
      size_t first = options_.stop_fd >= 0 ? 3 : 2;
      for (size_t i = first; i < fds.size(); ++i) {
        if (!fds[i].revents) continue;
        const auto& [ip, tcp] = who[i - first];
        if (tcp)
          accept_tcp(fds[i].fd, ip);
        else
          handle_udp(fds[i].fd, ip);
      }
      if (fds[1].revents && running_->refresh()) publish();
      if (fds[0].revents && !table_changed()) return;
    }
  }

 private:
  static void close_listener(Listener& l) {
    if (l.udp >= 0) ::close(l.udp);
    if (l.tcp >= 0) ::close(l.tcp);
  }

  // Drains inotify; false when the watched directory went away (the run root was removed).
  bool table_changed() {
    WatchedFile w = drain_watch(inotify_, options_.table.filename().string());
    if (w == WatchedFile::directory_gone) return false;
    return w == WatchedFile::unchanged || reload();
  }

  // Reads the table and listens where it says; false when nothing is left to serve.
  bool reload() {
    auto text = fs::read_file_if_exists(options_.table);
    Table table = text ? table_from_json(*text) : Table{};
    if (options_.exit_when_empty && table.networks.empty()) return false;
    auto wanted = table.listen_addresses();
    for (auto it = listeners_.begin(); it != listeners_.end();) {
      if (std::find(wanted.begin(), wanted.end(), it->first) == wanted.end()) {
        close_listener(it->second);
        it = listeners_.erase(it);
      } else {
        ++it;
      }
    }
    for (const auto& ip : wanted)
      if (!listeners_.count(ip))
        listeners_[ip] = {bound_socket(ip, options_.port, SOCK_DGRAM),
                          bound_socket(ip, options_.port, SOCK_STREAM)};
    table_ = std::move(table);
    publish();
    return true;
  }

  // What the queries see: the table without the names of containers that do not run. Worked out
  // here, on a change, so that answering stays a lookup.
  void publish() {
    Table answering = table_.only_containers(running_->ids());
    std::lock_guard lock(shared_->mutex);
    shared_->table = std::move(answering);
    shared_->upstream = options_.upstream;
    shared_->upstream_port = options_.upstream_port;
  }

  void handle_udp(int fd, const IpAddress& local) {
    Bytes msg(4096);
    sockaddr_storage from{};
    socklen_t from_len = sizeof from;
    ssize_t n = ::recvfrom(fd, msg.data(), msg.size(), MSG_DONTWAIT,
                           reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n <= 0) return;
    msg.resize(static_cast<size_t>(n));
    IpAddress asker = from_sockaddr(from);
    auto q = parse_query(msg);
    bool local_answer = false;
    if (q) {
      std::lock_guard lock(shared_->mutex);
      local_answer = !shared_->table.may_ask(asker) || shared_->table.lookup(q->name, asker, local).in_scope;
    }
    if (local_answer || !q) {
      Bytes reply = answer(*shared_, msg, asker, local);
      if (!reply.empty())
        ::sendto(fd, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), from_len);
      return;
    }
    // Forwarding waits on the network: do it beside the loop, on a copy of the socket.
    int out = ::dup(fd);
    if (out < 0) return;
    std::thread([shared = shared_, msg, asker, local, from, from_len, out] {
      Bytes reply = answer(*shared, msg, asker, local);
      if (!reply.empty())
        ::sendto(out, reply.data(), reply.size(), 0, reinterpret_cast<const sockaddr*>(&from), from_len);
      ::close(out);
    }).detach();
  }

  void accept_tcp(int fd, const IpAddress& local) {
    sockaddr_storage from{};
    socklen_t from_len = sizeof from;
    int client = ::accept4(fd, reinterpret_cast<sockaddr*>(&from), &from_len, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (client < 0) return;
    ::fcntl(client, F_SETFL, 0);  // blocking, with timeouts
    std::thread([shared = shared_, client, asker = from_sockaddr(from), local] {
      serve_tcp_client(*shared, client, asker, local);
    }).detach();
  }

  ResponderOptions options_;
  int inotify_ = -1;
  std::unique_ptr<RunningContainers> running_;
  Table table_;  // as written, with every attached container
  std::map<IpAddress, Listener> listeners_;
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
};

}  // namespace

std::vector<IpAddress> nameservers(const std::string& resolv_conf) {
  std::vector<IpAddress> out;
  std::istringstream in(resolv_conf);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string key, value;
    words >> key >> value;
    if (key != "nameserver") continue;
    if (auto pct = value.find('%'); pct != std::string::npos) value.resize(pct);
    if (auto a = IpAddress::parse(value)) out.push_back(*a);
  }
  return out;
}

void serve(ResponderOptions options) {
  if (options.table.empty()) options.table = table_path();
  if (options.containers.empty()) options.containers = paths::state_root() / "containers";
  if (options.ready_fd < 0) options.ready_fd = ready_fd_from_env("BERTH_DNS_READY_FD");
  if (options.upstream.empty())
    options.upstream = nameservers(fs::read_file_if_exists("/etc/resolv.conf").value_or(""));
  int lock = take_helper_lock(responder_lock_path());
  if (lock < 0) {
    if (options.ready_fd >= 0) ::close(options.ready_fd);  // the one serving is ready
    return;  // another responder serves this run root
  }
  try {
    Server(std::move(options)).run();
  } catch (...) {
    ::close(lock);
    throw;
  }
  ::close(lock);
}

}  // namespace berth::network::dns
