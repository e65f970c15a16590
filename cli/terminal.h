// The user's terminal while berth is attached to a container's: raw mode (every key goes to the
// container, which echoes and edits itself) and its size changes.
#pragma once

#include <termios.h>

namespace berth::cli {

// Puts `fd` in raw mode for the object's life; does nothing when `fd` is not a terminal.
class RawTerminal {
 public:
  explicit RawTerminal(int fd);
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

 private:
  int fd_;
  bool changed_ = false;
  termios saved_{};
};

// SIGWINCH, as a descriptor that turns readable when the window changed size (a self-pipe: the
// handler only writes a byte). One at a time.
class WindowChanges {
 public:
  WindowChanges();
  ~WindowChanges();
  WindowChanges(const WindowChanges&) = delete;
  WindowChanges& operator=(const WindowChanges&) = delete;
  int fd() const { return read_fd_; }

 private:
  int read_fd_ = -1;
};

}  // namespace berth::cli
