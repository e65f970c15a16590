#include "network/file_watch.h"

#include <sys/inotify.h>
#include <unistd.h>

namespace berth::network {

WatchedFile drain_watch(int inotify_fd, const std::string& name) {
  alignas(inotify_event) char buf[4096];
  WatchedFile result = WatchedFile::unchanged;
  while (true) {
    ssize_t n = ::read(inotify_fd, buf, sizeof buf);
    if (n <= 0) break;
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<inotify_event*>(p);
      if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) return WatchedFile::directory_gone;
      if (ev->len && name == ev->name) result = WatchedFile::changed;
      p += sizeof(inotify_event) + ev->len;
    }
  }
  return result;
}

}  // namespace berth::network
