// The supervisor's attached clients (see runtime/container/attach_protocol.h): it accepts them
// on attach.sock, sends each what the container writes, and hands what they send to a sink.
// Every socket is non-blocking with an outbox, so a slow client slows the container's output
// (congested) but never blocks the supervisor.
#pragma once

#include <poll.h>

#include <string>
#include <string_view>
#include <vector>

#include "runtime/container/attach_protocol.h"
#include "runtime/container/fd.h"

namespace berth::runtime {

class AttachSink {
 public:
  virtual void on_input(std::string_view bytes) = 0;
  // The starting client's input ended, or it went away (others' ends are theirs alone, as with
  // docker attach).
  virtual void on_input_end() = 0;
  virtual void on_resize(WindowSize size) = 0;
  virtual ~AttachSink() = default;
};

class AttachHub {
 public:
  void listen(const std::string& path);
  // A client connected before the container started (berth run): its input's end is the
  // container's.
  void adopt(Fd client);

  // Adds the listener and the clients to a poll set; on_poll takes the same slice back.
  void add_pollfds(std::vector<pollfd>& fds, bool take_input) const;
  void on_poll(const pollfd* fds, AttachSink& sink);

  // A client found gone while sending counts as gone for its input too (see AttachSink).
  void broadcast(FrameKind kind, std::string_view data, AttachSink& sink);
  // The container's run ended: every client gets its exit code and is let go.
  void end_run(int exit_code);
  // A client's outbox is full enough to stop reading the container's output for now.
  bool congested() const;
  // At the supervisor's end: what is still queued is delivered (briefly waited for).
  void flush_before_exit();
  void close(const Fd& run_dir_fd);

 private:
  struct Client {
    Fd fd;
    FrameReader reader;
    std::string outbox;
    bool owner = false;
    bool closing = false;  // close once the outbox is out
  };
  void add(Fd fd, bool owner);
  void read_client(Client& client, AttachSink& sink, short revents);
  // Sends what the outbox holds; a client that is gone is dropped (sink: null once no input matters).
  void flush(Client& client, AttachSink* sink);
  // Lets a client go. The starting client's going ends the container's input, however it is
  // noticed: an end of file read, or a failed send (a killed `berth run`).
  void drop(Client& client, AttachSink* sink);

  Fd listener_;
  std::vector<Client> clients_;
};

}  // namespace berth::runtime
