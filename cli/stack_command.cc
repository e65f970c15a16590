#include "cli/stack_command.h"

#include <algorithm>
#include <cstdlib>

#include "cli/progress.h"
#include "cli/project_options.h"
#include "stack/labels.h"
#include "stack/observe.h"
#include "stack/repair.h"

namespace berth::cli {

LoadedProject load_locked(const GlobalOptions& global) {
  LoadedProject out;
  out.project = load(load_options(global)).project;
  out.lock = std::make_unique<FileLock>(stack::project_lock_path(out.project.name));
  out.sync = std::make_unique<fs::SyncBatch>();
  stack::repair_project(out.project.name);
  return out;
}

std::vector<runtime::ContainerRecord> containers_of(const compose::Project& project,
                                                    const std::vector<std::string>& services,
                                                    bool include_one_off) {
  std::vector<runtime::ContainerRecord> out;
  for (auto& r : stack::project_containers(project.name)) {
    std::string service = stack::label_of(r, stack::labels::kService);
    if (!services.empty() && std::find(services.begin(), services.end(), service) == services.end()) continue;
    if (!include_one_off && stack::label_of(r, stack::labels::kOneOff) == "True") continue;
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    auto key = [](const runtime::ContainerRecord& r) {
      return std::make_pair(stack::label_of(r, stack::labels::kService),
                            std::atoi(stack::label_of(r, stack::labels::kNumber).c_str()));
    };
    return key(a) < key(b);
  });
  return out;
}

stack::ExecuteOptions execute_options(const GlobalOptions& global) {
  stack::ExecuteOptions o;
  o.events = progress_sink(global);
  return o;
}

}  // namespace berth::cli
