#include "runtime/supervisor/attach_hub.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "runtime/supervisor/fd_io.h"
#include "util/error.h"

namespace berth::runtime {

namespace {
constexpr size_t kOutboxHigh = 256 * 1024;
}

void AttachHub::listen(const std::string& path) { listener_ = listen_unix(path); }

void AttachHub::adopt(Fd client) { add(std::move(client), true); }

void AttachHub::add(Fd fd, bool owner) {
  ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) | O_NONBLOCK);
  Client client;
  client.fd = std::move(fd);
  client.owner = owner;
  clients_.push_back(std::move(client));
}

void AttachHub::add_pollfds(std::vector<pollfd>& fds, bool take_input) const {
  if (listener_.valid()) fds.push_back({listener_.get(), POLLIN, 0});
  for (const auto& c : clients_) {
    short events = 0;
    if (take_input && !c.closing) events |= POLLIN;
    if (!c.outbox.empty()) events |= POLLOUT;
    fds.push_back({c.fd.get(), events, 0});
  }
}

void AttachHub::on_poll(const pollfd* fds, AttachSink& sink) {
  bool accept = false;
  if (listener_.valid()) accept = (fds++)->revents != 0;
  size_t known = clients_.size();  // accepted ones come after: not in this poll set
  for (size_t i = 0; i < known; ++i) {
    Client& c = clients_[i];
    short revents = fds[i].revents;
    if (!c.fd.valid() || revents == 0) continue;
    if (revents & POLLOUT) flush(c, &sink);
    if (c.fd.valid() && (revents & (POLLIN | POLLHUP | POLLERR))) read_client(c, sink, revents);
  }
  if (accept) {
    Fd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (fd.valid()) add(std::move(fd), false);
  }
  std::erase_if(clients_, [](const Client& c) { return !c.fd.valid(); });
}

void AttachHub::read_client(Client& client, AttachSink& sink, short revents) {
  if (client.closing) {  // nothing more is read from it; a hang-up ends it at once
    if (revents & (POLLHUP | POLLERR)) client.fd.reset();
    return;
  }
  char buffer[16384];
  ssize_t n = ::read(client.fd.get(), buffer, sizeof buffer);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {  // gone (detached, or killed): the container goes on
    drop(client, &sink);
    return;
  }
  client.reader.feed(std::string_view(buffer, static_cast<size_t>(n)));
  try {
    while (auto frame = client.reader.next()) {
      switch (frame->kind) {
        case FrameKind::input: sink.on_input(frame->payload); break;
        case FrameKind::input_end:
          if (client.owner) sink.on_input_end();
          break;
        case FrameKind::resize:
          if (auto size = parse_window_size(frame->payload)) sink.on_resize(*size);
          break;
        default: throw Error("a supervisor's frame from a client");
      }
    }
  } catch (const Error&) {
    drop(client, &sink);  // not a berth client: let it go
  }
}

void AttachHub::drop(Client& client, AttachSink* sink) {
  if (!client.fd.valid()) return;
  client.fd.reset();
  // The starting client's stdin was the container's (docker's stdin_once): without it, a
  // program reading its stdin gets the end instead of waiting forever.
  if (sink && client.owner && !client.closing) sink->on_input_end();
}

void AttachHub::flush(Client& client, AttachSink* sink) {
  while (!client.outbox.empty()) {
    ssize_t n = ::send(client.fd.get(), client.outbox.data(), client.outbox.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) {
      drop(client, sink);
      return;
    }
    client.outbox.erase(0, static_cast<size_t>(n));
  }
  if (client.closing) client.fd.reset();
}

void AttachHub::broadcast(FrameKind kind, std::string_view data, AttachSink& sink) {
  if (clients_.empty()) return;
  std::string frame = encode_frame(kind, data);
  for (auto& c : clients_) {
    if (c.closing) continue;
    c.outbox += frame;
    flush(c, &sink);
  }
  std::erase_if(clients_, [](const Client& c) { return !c.fd.valid(); });
}

void AttachHub::end_run(int exit_code) {
  std::string frame = encode_frame(FrameKind::exit, std::to_string(exit_code));
  for (auto& c : clients_) {
    if (c.closing) continue;
    c.outbox += frame;
    c.closing = true;
    flush(c, nullptr);
  }
  std::erase_if(clients_, [](const Client& c) { return !c.fd.valid(); });
}

bool AttachHub::congested() const {
  return std::any_of(clients_.begin(), clients_.end(),
                     [](const Client& c) { return c.outbox.size() > kOutboxHigh; });
}

void AttachHub::flush_before_exit() {
  for (auto& c : clients_) {
    for (int tries = 0; c.fd.valid() && !c.outbox.empty() && tries < 50; ++tries) {
      pollfd p{c.fd.get(), POLLOUT, 0};
      if (::poll(&p, 1, 100) > 0) flush(c, nullptr);
    }
  }
  clients_.clear();
}

void AttachHub::close(const Fd& run_dir_fd) {
  if (!listener_.valid()) return;
  listener_.reset();
  ::unlinkat(run_dir_fd.get(), kAttachSocket, 0);
}

}  // namespace berth::runtime
