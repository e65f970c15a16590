#include "network/helper_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <string_view>

#include "util/error.h"
#include "util/file_lock.h"
#include "util/log.h"

extern char** environ;

namespace berth::network {

bool helper_running(const std::filesystem::path& lock) {
  int fd = ::open(lock.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
  ::close(fd);
  return !free;
}

namespace {
// The helpers this process gave up on (by lock path); `add` records one. Returns whether `lock`
// is among them.
bool given_up(const std::filesystem::path& lock, bool add) {
  static std::mutex mutex;
  static std::set<std::filesystem::path> locks;
  std::lock_guard<std::mutex> hold(mutex);
  if (add) locks.insert(lock);
  return locks.count(lock) > 0;
}
}  // namespace

void start_helper(const std::vector<std::string>& command, const std::filesystem::path& lock,
                  const char* ready_env, const std::string& what) {
  if (command.empty() || helper_running(lock)) return;
  // One command starts it at a time: the parallel attaches of one `up` all find no helper
  // running, and without this each would start one (that loses to the first and exits).
  std::filesystem::path launch_path = lock;
  launch_path += ".launch";
  FileLock launching(launch_path);
  if (helper_running(lock)) return;  // started while this one waited
  // One that hung once is not waited for again by every attach of this command in turn.
  if (given_up(lock, false)) return;
  std::vector<std::string> args = command;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The environment is made before fork: in the child of a threaded process only
  // async-signal-safe calls are safe, and setenv is not one.
  std::vector<std::string> env_strings{std::string(ready_env) + "=3"};
  std::string prefix = std::string(ready_env) + "=";
  for (char** e = environ; *e; ++e)
    if (std::string_view(*e).substr(0, prefix.size()) != prefix) env_strings.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) != 0) throw Error("cannot start " + what + ": " + std::strerror(errno));
  pid_t child = ::fork();
  if (child < 0) {
    ::close(ready[0]);
    ::close(ready[1]);
    throw Error("cannot start " + what + ": " + std::strerror(errno));
  }
  if (child == 0) {
    // Detach twice: the helper is nobody's child and outlives this command.
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
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(ready[1]);
  int status = 0;
  ::waitpid(child, &status, 0);
  // One byte when it serves; end of file when it exited (or another one serves).
  pollfd p{ready[0], POLLIN, 0};
  if (::poll(&p, 1, 2000) != 1) {
    log::warn(what + " did not report ready within 2 s");
    given_up(lock, true);
  }
  ::close(ready[0]);
}

int take_helper_lock(const std::filesystem::path& lock) {
  std::filesystem::create_directories(lock.parent_path());
  int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw Error("cannot open " + lock.string() + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

int ready_fd_from_env(const char* ready_env) {
  const char* ready = std::getenv(ready_env);
  if (!ready) return -1;
  int fd = std::atoi(ready);
  ::unsetenv(ready_env);
  return fd;
}

}  // namespace berth::network
