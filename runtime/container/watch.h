// Waiting on a container without polling: inotify on its state directory wakes the waiter
// whenever the supervisor rewrites the record or appends to the log.
#pragma once

#include <functional>
#include <optional>

#include "runtime/container/record.h"
#include "runtime/container/spec.h"

namespace berth::runtime {

// Blocks until `done` holds for the container's record (checked at once, then at every change),
// or until `limit` passes (nullopt: no limit). Returns the last record read, or nullopt on time
// out. Throws berth::Error when the container does not exist.
std::optional<ContainerRecord> wait_for_record(
    const std::string& id, const std::function<bool(const ContainerRecord&)>& done,
    std::optional<Duration> limit = std::nullopt);

}  // namespace berth::runtime
