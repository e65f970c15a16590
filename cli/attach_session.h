// berth attached to a container's stream (berth run, berth attach): the user's stdin forwarded
// when the container keeps one, the terminal raw and its size followed when both ends are
// terminals, ctrl-p ctrl-q to detach from a terminal.
#pragma once

#include "runtime/container/attach.h"

namespace berth::cli {

struct SessionMode {
  bool forward_input = false;  // the container keeps its stdin open and the user wants it
  bool container_tty = false;  // the container has a terminal
};

runtime::AttachOutcome attach_session(runtime::Fd stream, SessionMode mode);

}  // namespace berth::cli
