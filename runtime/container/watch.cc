#include "runtime/container/watch.h"

#include <poll.h>
#include <sys/inotify.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "runtime/container/fd.h"
#include "util/error.h"

namespace berth::runtime {

std::optional<ContainerRecord> wait_for_record(
    const std::string& id, const std::function<bool(const ContainerRecord&)>& done,
    std::optional<Duration> limit) {
  Fd inotify(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (!inotify.valid()) throw Error(std::string("inotify: ") + std::strerror(errno));
  auto dir = container_state_dir(id);
  // Watch first, then read: a change between the two still wakes us.
  if (::inotify_add_watch(inotify.get(), dir.c_str(), IN_MOVED_TO | IN_CLOSE_WRITE) < 0)
    throw Error("no such container: " + id, "list the containers with `berth ps -a`");
  auto deadline = limit ? std::optional(std::chrono::steady_clock::now() + *limit) : std::nullopt;
  while (true) {
    auto record = read_record(id);
    if (!record) throw Error("container " + id + " was removed while waiting for it");
    if (done(*record)) return record;
    int timeout = -1;
    if (deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          *deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      timeout = static_cast<int>(left.count());
    }
    pollfd p{inotify.get(), POLLIN, 0};
    int rc = ::poll(&p, 1, timeout);
    if (rc < 0 && errno != EINTR) throw Error(std::string("poll: ") + std::strerror(errno));
    char buffer[4096];
    while (::read(inotify.get(), buffer, sizeof buffer) > 0) {
    }
  }
}

}  // namespace berth::runtime
