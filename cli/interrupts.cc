#include "cli/interrupts.h"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstring>

#include "util/error.h"

namespace berth::cli {

namespace {
sigset_t handled() {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGINT);
  sigaddset(&s, SIGTERM);
  return s;
}
}  // namespace

Interrupts::Interrupts(std::function<void(int, int)> on_signal) {
  sigset_t s = handled();
  pthread_sigmask(SIG_BLOCK, &s, nullptr);
  signal_fd_ = ::signalfd(-1, &s, SFD_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC);
  if (signal_fd_ < 0 || wake_fd_ < 0) throw Error(std::string("signalfd: ") + std::strerror(errno));
  thread_ = std::thread([this, on_signal = std::move(on_signal)] {
    int count = 0;
    while (true) {
      pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) continue;
      if (fds[1].revents & POLLIN) return;
      signalfd_siginfo info;
      if (::read(signal_fd_, &info, sizeof info) == sizeof info) on_signal(static_cast<int>(info.ssi_signo), ++count);
    }
  });
}

Interrupts::~Interrupts() {
  uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
  thread_.join();
  ::close(signal_fd_);
  ::close(wake_fd_);
  sigset_t s = handled();
  pthread_sigmask(SIG_UNBLOCK, &s, nullptr);
}

}  // namespace berth::cli
