#include "cli/terminal.h"

#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.h"

namespace berth::cli {

RawTerminal::RawTerminal(int fd) : fd_(fd) {
  if (!::isatty(fd) || ::tcgetattr(fd, &saved_) != 0) return;
  termios mode = saved_;
  ::cfmakeraw(&mode);
  changed_ = ::tcsetattr(fd, TCSADRAIN, &mode) == 0;
}

RawTerminal::~RawTerminal() {
  if (changed_) ::tcsetattr(fd_, TCSADRAIN, &saved_);
}

namespace {
int g_write_fd = -1;

void on_winch(int) {
  int saved = errno;
  char byte = 0;
  [[maybe_unused]] ssize_t n = ::write(g_write_fd, &byte, 1);
  errno = saved;
}
}  // namespace

WindowChanges::WindowChanges() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
    throw Error(std::string("pipe: ") + std::strerror(errno));
  read_fd_ = fds[0];
  g_write_fd = fds[1];
  struct sigaction action {};
  action.sa_handler = on_winch;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGWINCH, &action, nullptr);
}

WindowChanges::~WindowChanges() {
  ::signal(SIGWINCH, SIG_DFL);
  ::close(g_write_fd);
  ::close(read_fd_);
  g_write_fd = -1;
}

}  // namespace berth::cli
