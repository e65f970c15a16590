// What the executor reports as it works: one event per step of a network, volume, image or
// container, for the progress display, `--progress json` and `berth events`.
#pragma once

#include <functional>
#include <string>

namespace berth::stack {

struct Event {
  std::string kind;    // container, network, volume, image
  std::string target;  // its name
  std::string status;  // Creating, Created, Starting, Started, Waiting, Healthy, Exited, Stopping,
                       // Stopped, Removing, Removed, Pulling, Pulled, Error, Skipped
  std::string message;
  double seconds = 0;  // since the step began
  bool done = false;   // the last event of this step
};

using EventSink = std::function<void(const Event&)>;

}  // namespace berth::stack
