#include "network/dns/running_containers.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/container/record.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"

namespace berth::network::dns {

namespace {
constexpr const char* kRecordFile = "record.json";
// A record is replaced by a rename (write_record); a record removed with its directory ends the
// directory's watch (IN_IGNORED).
constexpr uint32_t kRecordEvents = IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE | IN_ONLYDIR;
constexpr uint32_t kRootEvents =
    IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
}  // namespace

bool resolves_while(const std::string& status) { return status == "running" || status == "paused"; }

RunningContainers::RunningContainers(std::filesystem::path records_root) : root_(std::move(records_root)) {
  inotify_ = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (inotify_ < 0) throw Error(std::string("dns: inotify: ") + std::strerror(errno));
  std::error_code ec;
  std::filesystem::create_directories(root_, ec);
  watch_root();
}

RunningContainers::~RunningContainers() {
  if (inotify_ >= 0) ::close(inotify_);
}

void RunningContainers::watch_root() {
  root_watch_ = ::inotify_add_watch(inotify_, root_.c_str(), kRootEvents);
  if (root_watch_ < 0) {
    log::warn("dns: cannot watch " + root_.string() + ": " + std::strerror(errno) +
              "; no container's name will resolve");
    return;
  }
  // Watch first, then read: a record written in between is both read and reported.
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root_, ec))
    if (entry.is_directory(ec)) watch_container(entry.path().filename().string());
}

bool RunningContainers::watch_container(const std::string& id) {
  int wd = ::inotify_add_watch(inotify_, (root_ / id).c_str(), kRecordEvents);
  if (wd >= 0) watches_[wd] = id;
  return update(id);
}

bool RunningContainers::update(const std::string& id) {
  bool resolves = false;
  try {
    auto path = root_ / id / kRecordFile;
    if (auto text = fs::read_file_if_exists(path))
      resolves = resolves_while(runtime::record_from_json(*text, path.string()).status);
  } catch (const Error& e) {
    log::warn("dns: " + e.message());  // a record that cannot be read: its names stay out
  }
  bool had = ids_.count(id) > 0;
  if (resolves)
    ids_.insert(id);
  else
    ids_.erase(id);
  return had != resolves;
}

bool RunningContainers::refresh() {
  alignas(inotify_event) char buf[8192];
  bool changed = false;
  while (true) {
    ssize_t n = ::read(inotify_, buf, sizeof buf);
    if (n <= 0) break;
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<inotify_event*>(p);
      p += sizeof(inotify_event) + ev->len;
      std::string name = ev->len ? ev->name : "";
      if (ev->wd == root_watch_) {
        if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
          root_watch_ = -1;  // the state root went away: nothing runs from it any more
          changed = changed || !ids_.empty();
          ids_.clear();
        } else if (!name.empty() && (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
          changed = watch_container(name) || changed;
        } else if (!name.empty()) {
          changed = ids_.erase(name) > 0 || changed;
        }
        continue;
      }
      auto it = watches_.find(ev->wd);
      if (it == watches_.end()) continue;
      std::string id = it->second;
      if (ev->mask & IN_IGNORED) {
        watches_.erase(it);
        changed = ids_.erase(id) > 0 || changed;
      } else if (name == kRecordFile) {
        changed = update(id) || changed;
      }
    }
  }
  return changed;
}

}  // namespace berth::network::dns
