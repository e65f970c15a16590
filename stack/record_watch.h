// Waiting for containers to reach a state (healthy, exited, running) without polling: the
// supervisor rewrites a container's record by rename, and inotify tells us when.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runtime/container/record.h"

namespace berth::stack {

enum class WaitVerdict { keep_waiting, done, failed };

// Calls `judge` on the records of `ids` now and after every change, until it says done or failed.
// Returns the verdict, or nullopt on timeout (a zero timeout waits forever).
std::optional<WaitVerdict> wait_for_records(
    const std::vector<std::string>& ids,
    const std::function<WaitVerdict(const std::vector<runtime::ContainerRecord>&)>& judge,
    std::chrono::milliseconds timeout);

}  // namespace berth::stack
