// The client side of a container's attach stream (see attach_protocol.h): what the user types
// goes to the container, what the container writes comes back, until it exits or the user
// detaches.
#pragma once

#include <optional>
#include <string>

#include "runtime/container/fd.h"

namespace berth::runtime {

// Connects to the attach socket of a running container. Throws berth::Error when it has none.
Fd connect_attach(const std::string& id);

struct AttachIo {
  int input_fd = -1;         // forwarded to the container; -1: nothing is
  int output_fd = 1;         // the container's stdout (and its terminal)
  int error_fd = 2;          // its stderr
  bool detach_keys = false;  // ctrl-p ctrl-q in the input detaches
  int terminal_fd = -1;      // a terminal whose size the container's terminal follows
  int resize_fd = -1;        // readable when terminal_fd changed size (drained here)
};

struct AttachOutcome {
  bool detached = false;
  std::optional<int> exit_code;  // nullopt when the stream ended without one
};

// Runs the stream to its end. Owns `stream`. Throws berth::Error on a broken stream.
AttachOutcome pump_attach(Fd stream, const AttachIo& io);

}  // namespace berth::runtime
