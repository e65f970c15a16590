#include "runtime/container/attach.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "runtime/container/attach_protocol.h"
#include "runtime/container/detach_keys.h"
#include "runtime/container/record.h"
#include "runtime/container/socket_path.h"
#include "util/error.h"

namespace berth::runtime {

namespace {

constexpr size_t kSendHigh = 64 * 1024;  // stop reading the user's input above this

void write_fully(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      pollfd p{fd, POLLOUT, 0};
      ::poll(&p, 1, -1);
      continue;
    }
    if (n <= 0) return;  // our own output went away: nothing to tell it
    data.remove_prefix(static_cast<size_t>(n));
  }
}

std::optional<WindowSize> terminal_size(int fd) {
  winsize ws{};
  if (fd < 0 || ::ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0)
    return std::nullopt;
  return WindowSize{ws.ws_row, ws.ws_col};
}

class Pump {
 public:
  Pump(Fd stream, const AttachIo& io) : stream_(std::move(stream)), io_(io) {
    ::fcntl(stream_.get(), F_SETFL, ::fcntl(stream_.get(), F_GETFL) | O_NONBLOCK);
    input_open_ = io.input_fd >= 0;
    send_size();
  }

  AttachOutcome run() {
    while (!done_) {
      pollfd fds[3];
      nfds_t n = 0;
      short stream_events = POLLIN;
      if (!outbox_.empty()) stream_events |= POLLOUT;
      fds[n++] = {stream_.get(), stream_events, 0};
      int input_at = -1, resize_at = -1;
      if (input_open_ && outbox_.size() < kSendHigh) {
        input_at = static_cast<int>(n);
        fds[n++] = {io_.input_fd, POLLIN, 0};
      }
      if (io_.resize_fd >= 0) {
        resize_at = static_cast<int>(n);
        fds[n++] = {io_.resize_fd, POLLIN, 0};
      }
      if (::poll(fds, n, -1) < 0) {
        if (errno == EINTR) continue;
        throw Error(std::string("attach: poll: ") + std::strerror(errno));
      }
      if (resize_at >= 0 && fds[resize_at].revents) on_resize();
      if (input_at >= 0 && fds[input_at].revents) on_input();
      if (done_) break;
      if (fds[0].revents & POLLOUT) flush();
      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) on_stream();
    }
    return outcome_;
  }

 private:
  void send_size() {
    if (auto size = terminal_size(io_.terminal_fd))
      outbox_ += encode_frame(FrameKind::resize, encode_window_size(*size));
  }

  void on_resize() {
    char drain[64];
    while (::read(io_.resize_fd, drain, sizeof drain) > 0) {
    }
    send_size();
    flush();
  }

  void on_input() {
    char buffer[4096];
    ssize_t n = ::read(io_.input_fd, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n <= 0) {
      input_open_ = false;
      std::string held = keys_.flush();
      if (!held.empty()) outbox_ += encode_frame(FrameKind::input, held);
      outbox_ += encode_frame(FrameKind::input_end, {});
      flush();
      return;
    }
    std::string_view typed(buffer, static_cast<size_t>(n));
    if (!io_.detach_keys) {
      outbox_ += encode_frame(FrameKind::input, typed);
    } else {
      DetachKeys::Result r = keys_.feed(typed);
      if (!r.forward.empty()) outbox_ += encode_frame(FrameKind::input, r.forward);
      if (r.detach) {
        flush_blocking();
        outcome_.detached = true;
        done_ = true;
        return;
      }
    }
    flush();
  }

  void flush() {
    while (!outbox_.empty()) {
      ssize_t n = ::send(stream_.get(), outbox_.data(), outbox_.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      if (n <= 0) {  // the supervisor went away: what it sent is still to be read
        outbox_.clear();
        input_open_ = false;
        return;
      }
      outbox_.erase(0, static_cast<size_t>(n));
    }
  }

  void flush_blocking() {
    while (!outbox_.empty()) {
      flush();
      if (outbox_.empty()) break;
      pollfd p{stream_.get(), POLLOUT, 0};
      ::poll(&p, 1, 1000);
      if (!(p.revents & POLLOUT)) break;
    }
  }

  void on_stream() {
    char buffer[16384];
    ssize_t n = ::read(stream_.get(), buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n <= 0) {
      done_ = true;
      return;
    }
    reader_.feed(std::string_view(buffer, static_cast<size_t>(n)));
    while (auto frame = reader_.next()) {
      switch (frame->kind) {
        case FrameKind::stdout_data: write_fully(io_.output_fd, frame->payload); break;
        case FrameKind::stderr_data: write_fully(io_.error_fd, frame->payload); break;
        case FrameKind::exit:
          outcome_.exit_code = std::atoi(frame->payload.c_str());
          done_ = true;
          return;
        default: throw Error("attach stream: the supervisor sent a client's frame");
      }
    }
  }

  Fd stream_;
  const AttachIo& io_;
  bool input_open_ = false;
  bool done_ = false;
  std::string outbox_;
  FrameReader reader_;
  DetachKeys keys_;
  AttachOutcome outcome_;
};

}  // namespace

Fd connect_attach(const std::string& id) {
  Fd dir(::open(container_run_dir(id).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) throw Error("container " + id + " has no run directory", "start it first");
  std::string path = socket_path_via(dir, kAttachSocket);
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) throw Error("the attach socket path is too long");
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw Error("cannot attach to container " + id + ": " + std::strerror(errno),
                "is it running? (containers started before berth could attach have no socket: "
                "restart them)");
  return fd;
}

AttachOutcome pump_attach(Fd stream, const AttachIo& io) {
  Pump pump(std::move(stream), io);
  return pump.run();
}

}  // namespace berth::runtime
