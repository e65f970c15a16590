// berth events: the project's container events as they happen (create, start, die, pause,
// unpause, restart, destroy, health_status), read from the container records: inotify on
// $BERTH_ROOT/containers and on each container's directory, so any berth process's work shows.
// What happened before the command started is not replayed (there is no event log).
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/container_steps.h"
#include "cli/project_options.h"
#include "cli/verbs.h"
#include "runtime/container/record.h"
#include "stack/labels.h"
#include "stack/observe.h"
#include "util/error.h"
#include "util/log.h"
#include "util/paths.h"

namespace berth::cli {

namespace {

struct EventsFlags {
  bool json = false;
  std::vector<std::string> services;
};

struct Seen {
  std::string status, health, name, service, image;
};

std::string event_time() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  std::tm tm{};
  gmtime_r(&ts.tv_sec, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000);
  return buf;
}

class Watcher {
 public:
  Watcher(const compose::Project& project, const EventsFlags& flags) : project_(project), flags_(flags) {}

  [[noreturn]] void run() {
    int fd = ::inotify_init1(IN_CLOEXEC);
    if (fd < 0) throw Error(std::string("inotify: ") + std::strerror(errno));
    std::filesystem::path dir = paths::state_root() / "containers";
    std::filesystem::create_directories(dir);
    root_wd_ = ::inotify_add_watch(fd, dir.c_str(), IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_ONLYDIR);
    if (root_wd_ < 0) throw Error("cannot watch " + dir.string() + ": " + std::strerror(errno));
    // Watch, then read: a change between the two is seen as an event.
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      std::string id = entry.path().filename().string();
      watch(fd, id);
      if (auto r = runtime::read_record(id); r && mine(*r)) seen_[id] = seen_of(*r);
    }
    log::info("watching " + dir.string() + " for events of project " + project_.name);
    char buffer[16384] __attribute__((aligned(alignof(inotify_event))));
    while (true) {
      ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw Error(std::string("inotify: ") + std::strerror(errno));
      }
      for (char* p = buffer; p < buffer + n;) {
        auto* e = reinterpret_cast<inotify_event*>(p);
        p += sizeof(inotify_event) + e->len;
        std::string name = e->len ? e->name : "";
        if (e->wd == root_wd_) {
          if (e->mask & (IN_CREATE | IN_MOVED_TO)) {
            watch(fd, name);
            changed(name);
          } else if (e->mask & IN_DELETE) {
            removed(name);
          }
        } else if (auto it = ids_.find(e->wd); it != ids_.end() && name == "record.json") {
          changed(it->second);
        } else if (e->mask & IN_IGNORED) {
          ids_.erase(e->wd);
        }
      }
    }
  }

 private:
  void watch(int fd, const std::string& id) {
    auto dir = runtime::container_state_dir(id);
    int wd = ::inotify_add_watch(fd, dir.c_str(), IN_MOVED_TO | IN_CLOSE_WRITE | IN_ONLYDIR);
    if (wd >= 0) ids_[wd] = id;
  }

  bool mine(const runtime::ContainerRecord& r) const {
    if (stack::label_of(r, stack::labels::kProject) != project_.name) return false;
    std::string service = stack::label_of(r, stack::labels::kService);
    return flags_.services.empty() ||
           std::find(flags_.services.begin(), flags_.services.end(), service) != flags_.services.end();
  }

  static Seen seen_of(const runtime::ContainerRecord& r) {
    return {r.status, r.health.status, r.name, stack::label_of(r, stack::labels::kService),
            stack::label_of(r, stack::labels::kImage)};
  }

  void changed(const std::string& id) {
    auto r = runtime::read_record(id);
    if (!r || !mine(*r)) return;
    Seen now = seen_of(*r);
    auto it = seen_.find(id);
    std::string before = it == seen_.end() ? "" : it->second.status;
    std::string health_before = it == seen_.end() ? "" : it->second.health;
    seen_[id] = now;
    if (it == seen_.end()) emit(id, now, "create");
    if (now.status != before) {
      if (now.status == "running") emit(id, now, before == "paused" ? "unpause" : "start");
      else if (now.status == "paused") emit(id, now, "pause");
      else if (now.status == "exited" || now.status == "dead") emit(id, now, "die");
      else if (now.status == "restarting") emit(id, now, "restart");
    }
    if (!now.health.empty() && now.health != health_before) emit(id, now, "health_status: " + now.health);
  }

  void removed(const std::string& id) {
    auto it = seen_.find(id);
    if (it == seen_.end()) return;
    emit(id, it->second, "destroy");
    seen_.erase(it);
  }

  void emit(const std::string& id, const Seen& s, const std::string& action) const {
    if (flags_.json) {
      nlohmann::json j = {{"time", event_time()}, {"type", "container"}, {"action", action}, {"id", id},
                          {"service", s.service}, {"attributes", {{"name", s.name}, {"image", s.image}}}};
      std::cout << j.dump() << std::endl;
    } else {
      std::cout << event_time() << " container " << action << " " << id << " (image=" << s.image
                << ", name=" << s.name << ")" << std::endl;
    }
  }

  const compose::Project& project_;
  const EventsFlags& flags_;
  int root_wd_ = -1;
  std::map<int, std::string> ids_;    // watch -> container id
  std::map<std::string, Seen> seen_;  // container id -> what it was
};

int run_events(const GlobalOptions& g, const EventsFlags& f) {
  compose::Project p = load(load_options(g)).project;
  check_services(p, f.services);
  Watcher(p, f).run();
}

}  // namespace

void add_events_verb(CLI::App& app, const GlobalOptions& global) {
  auto* events = app.add_subcommand("events", "Print the project's container events as they happen");
  auto f = std::make_shared<EventsFlags>();
  events->add_flag("--json", f->json, "One JSON object per line");
  events->add_option("services", f->services, "Services (default: all)");
  set_action(events, [&global, f] { return run_events(global, *f); });
}

}  // namespace berth::cli
