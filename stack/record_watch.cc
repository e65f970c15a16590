#include "stack/record_watch.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.h"

namespace berth::stack {

namespace {
class Inotify {
 public:
  Inotify() : fd_(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) {
    if (fd_ < 0) throw Error(std::string("inotify: ") + std::strerror(errno));
  }
  ~Inotify() { ::close(fd_); }
  Inotify(const Inotify&) = delete;
  Inotify& operator=(const Inotify&) = delete;
  void watch(const std::string& dir) { ::inotify_add_watch(fd_, dir.c_str(), IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE_SELF); }
  // Waits for events (or the timeout, -1 for none) and drains them.
  void wait(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    ::poll(&p, 1, timeout_ms);
    char buf[4096];
    while (::read(fd_, buf, sizeof buf) > 0) {
    }
  }

 private:
  int fd_;
};
}  // namespace

std::optional<WaitVerdict> wait_for_records(
    const std::vector<std::string>& ids,
    const std::function<WaitVerdict(const std::vector<runtime::ContainerRecord>&)>& judge,
    std::chrono::milliseconds timeout) {
  Inotify inotify;
  for (const auto& id : ids) inotify.watch(runtime::container_state_dir(id).string());
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    std::vector<runtime::ContainerRecord> records;
    for (const auto& id : ids)
      if (auto r = runtime::read_record(id)) records.push_back(*r);
    WaitVerdict v = judge(records);
    if (v != WaitVerdict::keep_waiting) return v;
    int wait_ms = -1;
    if (timeout.count() > 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      wait_ms = static_cast<int>(left.count());
    }
    inotify.wait(wait_ms);
  }
}

}  // namespace berth::stack
