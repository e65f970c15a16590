// Runs a plan: every action starts as soon as the actions it waits for are done, so the
// services of one dependency layer are created and started in parallel. A failed action fails
// the actions that wait for it (they are skipped), the others go on; the run then reports every
// failure at once.
#pragma once

#include <chrono>
#include <string>

#include "compose/model.h"
#include "compose/plan.h"
#include "stack/events.h"

namespace berth::stack {

struct ExecuteOptions {
  EventSink events;
  size_t parallelism = 16;
  std::chrono::milliseconds wait_timeout{0};  // for healthy/completed dependencies; 0: none
  std::chrono::milliseconds stop_timeout{-1}; // -t; negative: the service's stop_grace_period
  bool remove_anonymous_volumes = false;      // for removals (down -v, rm -v)
};

void execute(const compose::Plan& plan, const compose::Project& project, const ExecuteOptions& options);

}  // namespace berth::stack
