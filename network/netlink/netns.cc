#include "network/netlink/netns.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.h"
#include "util/paths.h"

namespace berth::network::netlink {

namespace {
[[noreturn]] void fail(const std::string& what, int err) {
  throw Error(what + ": " + std::strerror(err));
}

// Opens `path` for setns; a missing namespace gets a message that says so.
int open_netns(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    throw Error("cannot open network namespace " + path.string() + ": " + std::strerror(err),
                err == ENOENT ? "the namespace was removed, or never created" : "");
  }
  return fd;
}
}  // namespace

std::filesystem::path Netns::path_for(const std::string& name) {
  return paths::run_root() / "netns" / name;
}

Netns Netns::create(const std::string& name) {
  auto path = path_for(name);
  std::filesystem::create_directories(path.parent_path());
  int fd = ::open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
  if (fd < 0) {
    int err = errno;
    throw Error("cannot create network namespace " + path.string() + ": " + std::strerror(err),
                err == EEXIST ? "a namespace of that name exists already; remove it first" : "");
  }
  ::close(fd);
  Netns owned(path);  // from here on, failures remove the file again
  // unshare() moves only this (new) thread; the bind mount keeps the namespace alive after the
  // thread exits. /proc/thread-self names this thread's namespace, not the process leader's.
  std::exception_ptr error;
  std::thread worker([&] {
    try {
      if (::unshare(CLONE_NEWNET) != 0) fail("cannot create a network namespace", errno);
      if (::mount("/proc/thread-self/ns/net", path.c_str(), nullptr, MS_BIND, nullptr) != 0)
        fail("cannot bind the network namespace at " + path.string(), errno);
    } catch (...) {
      error = std::current_exception();
    }
  });
  worker.join();
  if (error) std::rethrow_exception(error);
  return owned;
}

void Netns::remove(const std::filesystem::path& path) {
  if (path.empty()) return;
  if (::umount2(path.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT)
    fail("cannot unmount network namespace " + path.string(), errno);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    fail("cannot remove network namespace " + path.string(), errno);
}

Netns::~Netns() {
  try {
    remove(path_);
  } catch (...) {
    // A destructor cannot report; the leftover check of the tests would find it.
  }
}

NetnsGuard::NetnsGuard(const std::filesystem::path& netns) {
  original_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (original_ < 0) fail("cannot open this thread's network namespace", errno);
  int target = open_netns(netns);
  int rc = ::setns(target, CLONE_NEWNET);
  int err = errno;
  ::close(target);
  if (rc != 0) {
    ::close(original_);
    fail("cannot enter network namespace " + netns.string(), err);
  }
}

NetnsGuard::~NetnsGuard() {
  // Going back can only fail if the original namespace vanished, which an open fd prevents.
  (void)::setns(original_, CLONE_NEWNET);
  ::close(original_);
}

}  // namespace berth::network::netlink
