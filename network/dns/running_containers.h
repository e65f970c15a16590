// Which containers' names the responder answers: those whose process runs. berth keeps a
// container's namespace and veth (and so its attachment in the table) from create to rm, but, as
// Docker drops a container's names when it stops, the responder answers only for containers
// whose record (runtime/container/record.h) says the process is there. It follows the records
// with inotify: the supervisor rewrites a record on every status change.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>

namespace berth::network::dns {

// Whether a container in `status` has its names in DNS: running, and paused (its process and
// network are kept, as in Docker). Not restarting: Docker releases the network when a container
// exits, also while it waits to be restarted, and takes it back when the container starts again.
bool resolves_while(const std::string& status);

// The ids of the containers whose names resolve, kept current from the container records under
// `records_root` (paths::state_root()/containers).
class RunningContainers {
 public:
  explicit RunningContainers(std::filesystem::path records_root);
  ~RunningContainers();
  RunningContainers(const RunningContainers&) = delete;
  RunningContainers& operator=(const RunningContainers&) = delete;

  // Readable when a record may have changed: then call refresh().
  int fd() const { return inotify_; }
  // Reads what changed; true when the set of ids changed.
  bool refresh();
  const std::set<std::string>& ids() const { return ids_; }

 private:
  void watch_root();
  // Watches a container's directory and reads its record; true when its membership changed.
  bool watch_container(const std::string& id);
  // Re-reads one container's record; true when its membership changed.
  bool update(const std::string& id);

  std::filesystem::path root_;
  int inotify_ = -1;
  int root_watch_ = -1;
  std::map<int, std::string> watches_;  // watch descriptor -> container id
  std::set<std::string> ids_;
};

}  // namespace berth::network::dns
