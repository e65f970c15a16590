// What the verbs that act on a running project share: loading it under its lock, observing it,
// planning and executing with the progress display.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/global_options.h"
#include "compose/model.h"
#include "compose/plan.h"
#include "runtime/container/record.h"
#include "stack/executor.h"
#include "util/file_lock.h"
#include "util/fs.h"

namespace berth::cli {

struct LoadedProject {
  compose::Project project;
  std::unique_ptr<FileLock> lock;
  // Declared after the lock so that it ends first: the state is durable before the lock is free.
  std::unique_ptr<fs::SyncBatch> sync;

  // Makes the state durable, then lets other berth commands at the project.
  void unlock() {
    sync.reset();
    lock.reset();
  }
};

// Loads the blueprint and takes the project's lock (another berth on the same project waits).
LoadedProject load_locked(const GlobalOptions& global);
// The project's containers, optionally only of `services`, by service then number.
std::vector<runtime::ContainerRecord> containers_of(const compose::Project& project,
                                                    const std::vector<std::string>& services = {},
                                                    bool include_one_off = false);
stack::ExecuteOptions execute_options(const GlobalOptions& global);

}  // namespace berth::cli
