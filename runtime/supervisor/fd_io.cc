#include "runtime/supervisor/fd_io.h"

#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "util/error.h"

namespace berth::runtime {

Fd make_timer() {
  return Fd(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
}

void arm(const Fd& timer, Duration after) {
  itimerspec spec{};
  auto ms = std::max<int64_t>(after.count(), 1);
  spec.it_value.tv_sec = ms / 1000;
  spec.it_value.tv_nsec = (ms % 1000) * 1000000;
  ::timerfd_settime(timer.get(), 0, &spec, nullptr);
}

void disarm(const Fd& timer) {
  itimerspec spec{};
  ::timerfd_settime(timer.get(), 0, &spec, nullptr);
}

void drain_timer(const Fd& timer) {
  uint64_t expirations = 0;
  [[maybe_unused]] ssize_t n = ::read(timer.get(), &expirations, sizeof expirations);
}

void write_all(int fd, const std::string& text) {
  const char* data = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data += n;
    left -= static_cast<size_t>(n);
  }
}

std::string read_available(int fd) {
  std::string out;
  char buffer[4096];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      out.append(buffer, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return out;
  }
}

Fd listen_unix(const std::string& path) {
  ::unlink(path.c_str());
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path)
    throw Error("the socket path " + path + " is too long",
                "use a shorter BERTH_RUN_ROOT (unix sockets allow 107 bytes)");
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd.get(), 16) != 0)
    throw Error("cannot listen on " + path + ": " + std::strerror(errno));
  return fd;
}

// Receives the pty master that runc sends over the console socket.
Fd receive_fd(int listen_fd) {
  Fd conn(::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
  if (!conn.valid()) throw Error(std::string("console socket: ") + std::strerror(errno));
  char name[256];
  iovec iov{name, sizeof name};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  if (::recvmsg(conn.get(), &msg, MSG_CMSG_CLOEXEC) < 0)
    throw Error(std::string("console socket: ") + std::strerror(errno));
  cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS) throw Error("console socket: runc sent no terminal");
  int fd = -1;
  std::memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
  return Fd(fd);
}

}  // namespace berth::runtime
