#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace berth::cli {

namespace {

std::string capitalised(const std::string& s) {
  std::string out = s;
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

std::string line_of(const stack::Event& e) {
  char seconds[32] = "";
  if (e.done && e.seconds > 0) std::snprintf(seconds, sizeof seconds, " %.1fs", e.seconds);
  std::string out = " " + capitalised(e.kind) + " " + e.target + "  " + e.status + seconds;
  if (!e.message.empty()) out += ": " + e.message;
  return out;
}

// One line per object, rewritten in place as its status changes (compose v2's display).
class LiveDisplay {
 public:
  void on(const stack::Event& e) {
    std::string key = e.kind + " " + e.target;
    auto it = index_.find(key);
    if (it == index_.end()) {
      index_[key] = lines_.size();
      lines_.push_back(line_of(e));
      std::fprintf(stderr, "%s\n", lines_.back().c_str());
    } else {
      lines_[it->second] = line_of(e);
      size_t up = lines_.size() - it->second;
      // Up to the object's line, rewrite it, and back down.
      std::fprintf(stderr, "\033[%zuA\r\033[2K%s\033[%zuB\r", up, lines_[it->second].c_str(), up);
    }
    std::fflush(stderr);
  }

 private:
  std::map<std::string, size_t> index_;
  std::vector<std::string> lines_;
};

}  // namespace

stack::EventSink progress_sink(const GlobalOptions& global) {
  std::string mode = global.progress;
  if (mode == "auto") mode = ::isatty(STDERR_FILENO) && global.ansi != "never" ? "tty" : "plain";
  if (mode == "quiet") return [](const stack::Event&) {};
  if (mode == "json")
    return [](const stack::Event& e) {
      nlohmann::json j = {{"kind", e.kind}, {"target", e.target}, {"status", e.status}, {"done", e.done}};
      if (!e.message.empty()) j["message"] = e.message;
      if (e.done) j["seconds"] = e.seconds;
      std::fprintf(stderr, "%s\n", j.dump().c_str());
    };
  if (mode == "tty") {
    auto display = std::make_shared<LiveDisplay>();
    return [display](const stack::Event& e) { display->on(e); };
  }
  return [](const stack::Event& e) {
    if (!e.done && e.status != "Waiting") return;  // plain output: one line per finished step
    std::fprintf(stderr, "%s\n", line_of(e).c_str());
  };
}

}  // namespace berth::cli
