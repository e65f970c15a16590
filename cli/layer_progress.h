// Per-layer progress of pull and push, as `docker pull` shows it: on a terminal one line per
// layer redrawn in place with a bar, size and speed; otherwise a plain line per change of state.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "runtime/image/registry_progress.h"

namespace berth::cli {

class LayerProgress {
 public:
  // mode: "tty", "plain" or "quiet" ("auto" picks tty when `out` is a terminal).
  LayerProgress(const std::string& mode, FILE* out);

  void on_event(const image::registry::LayerEvent& event);
  // Draws the final state (on a terminal).
  void finish();

 private:
  struct Line {
    std::string status;
    int64_t current = 0;
    int64_t total = 0;
    std::chrono::steady_clock::time_point started;
  };
  std::string render(const std::string& id, const Line& line) const;
  void redraw();

  std::string mode_;
  FILE* out_;
  std::vector<std::string> order_;
  std::map<std::string, Line> lines_;
  size_t drawn_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace berth::cli
