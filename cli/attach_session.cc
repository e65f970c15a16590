#include "cli/attach_session.h"

#include <unistd.h>

#include <optional>

#include "cli/terminal.h"

namespace berth::cli {

runtime::AttachOutcome attach_session(runtime::Fd stream, SessionMode mode) {
  bool local_tty = ::isatty(STDIN_FILENO) != 0;
  runtime::AttachIo io;
  io.input_fd = mode.forward_input ? STDIN_FILENO : -1;
  // As docker: the detach keys on a terminal only (piped input is data, whatever its bytes).
  io.detach_keys = mode.forward_input && local_tty;
  std::optional<WindowChanges> resizes;
  if (mode.container_tty && local_tty) {
    resizes.emplace();
    io.terminal_fd = STDIN_FILENO;
    io.resize_fd = resizes->fd();
  }
  std::optional<RawTerminal> raw;
  if (mode.container_tty && mode.forward_input && local_tty) raw.emplace(STDIN_FILENO);
  return runtime::pump_attach(std::move(stream), io);
}

}  // namespace berth::cli
