// Undo steps collected while something is being built; run in reverse unless the build completes.
#pragma once

#include <functional>
#include <vector>

#include "util/log.h"

namespace berth::volumes {

class Rollback {
 public:
  Rollback() = default;
  Rollback(const Rollback&) = delete;
  Rollback& operator=(const Rollback&) = delete;
  ~Rollback() {
    for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) {
      try {
        (*it)();
      } catch (const std::exception& e) {
        log::warn(std::string("while undoing: ") + e.what());
      }
    }
  }
  void add(std::function<void()> undo) { steps_.push_back(std::move(undo)); }
  void commit() { steps_.clear(); }

 private:
  std::vector<std::function<void()>> steps_;
};

}  // namespace berth::volumes
