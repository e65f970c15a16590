// Starting the DNS responder as a process of its own, once per run root, and waiting until it
// listens.
#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "network/dns/responder.h"
#include "util/error.h"
#include "util/log.h"
#include "util/paths.h"

namespace berth::network::dns {

namespace {
std::vector<std::string>& command() {
  static std::vector<std::string> argv;
  return argv;
}
}  // namespace

std::filesystem::path responder_lock_path() { return paths::run_root() / "dns" / "responder.lock"; }

void set_responder_command(std::vector<std::string> argv) { command() = std::move(argv); }

bool responder_running() {
  int fd = ::open(responder_lock_path().c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
  ::close(fd);
  return !free;
}

void ensure_responder() {
  if (command().empty() || responder_running()) return;
  std::vector<char*> argv;
  for (auto& a : command()) argv.push_back(a.data());
  argv.push_back(nullptr);
  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) != 0)
    throw Error(std::string("cannot start the DNS responder: ") + std::strerror(errno));
  pid_t child = ::fork();
  if (child < 0) {
    ::close(ready[0]);
    ::close(ready[1]);
    throw Error(std::string("cannot start the DNS responder: ") + std::strerror(errno));
  }
  if (child == 0) {
    // Detach twice: the responder is nobody's child and outlives this command.
    ::setsid();
    if (::fork() != 0) ::_exit(0);
    int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
      ::dup2(null, 0);
      ::dup2(null, 1);
      ::dup2(null, 2);
    }
    // The write end survives exec as fd 3 (dup2 clears close-on-exec).
    ::dup2(ready[1], 3);
    ::setenv("BERTH_DNS_READY_FD", "3", 1);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(ready[1]);
  int status = 0;
  ::waitpid(child, &status, 0);
  // One byte when it listens; end of file when it exited (or another one serves).
  pollfd p{ready[0], POLLIN, 0};
  if (::poll(&p, 1, 2000) != 1) log::warn("the DNS responder did not report ready within 2 s");
  ::close(ready[0]);
}

}  // namespace berth::network::dns
