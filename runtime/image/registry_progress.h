// What pull and push report while they work, one event per layer step; cli/ draws it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace berth::image::registry {

struct LayerEvent {
  std::string id;      // the short digest docker shows ("a3ed95caeb02")
  std::string status;  // "Waiting", "Downloading", "Verifying", "Extracting", "Pull complete",
                       // "Already exists", "Pushing", "Pushed", "Layer already exists"
  int64_t current = 0;
  int64_t total = 0;
};

using EventFn = std::function<void(const LayerEvent&)>;

}  // namespace berth::image::registry
