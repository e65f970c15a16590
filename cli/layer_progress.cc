#include "cli/layer_progress.h"

#include <unistd.h>

namespace berth::cli {

namespace {

std::string size_text(int64_t bytes) {
  char buf[32];
  if (bytes >= 1000 * 1000 * 1000)
    std::snprintf(buf, sizeof buf, "%.2fGB", static_cast<double>(bytes) / 1e9);
  else if (bytes >= 1000 * 1000)
    std::snprintf(buf, sizeof buf, "%.1fMB", static_cast<double>(bytes) / 1e6);
  else if (bytes >= 1000)
    std::snprintf(buf, sizeof buf, "%.1fkB", static_cast<double>(bytes) / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%ldB", static_cast<long>(bytes));
  return buf;
}

}  // namespace

LayerProgress::LayerProgress(const std::string& mode, FILE* out) : mode_(mode), out_(out) {
  if (mode_ == "auto" || mode_ == "json") mode_ = ::isatty(::fileno(out)) ? "tty" : "plain";
}

std::string LayerProgress::render(const std::string& id, const Line& line) const {
  std::string text = id + ": " + line.status;
  bool moving = line.status == "Downloading" || line.status == "Pushing";
  if (moving && line.total > 0) {
    constexpr int kWidth = 40;
    int filled = static_cast<int>(kWidth * std::min<int64_t>(line.current, line.total) / line.total);
    text += " [" + std::string(static_cast<size_t>(std::max(0, filled - 1)), '=') + (filled > 0 ? ">" : "") +
            std::string(static_cast<size_t>(kWidth - filled), ' ') + "] " + size_text(line.current) + "/" +
            size_text(line.total);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - line.started).count();
    if (secs > 0.2) text += " " + size_text(static_cast<int64_t>(static_cast<double>(line.current) / secs)) + "/s";
  }
  return text;
}

void LayerProgress::redraw() {
  if (drawn_ > 0) std::fprintf(out_, "\x1b[%zuA", drawn_);
  for (const auto& id : order_) std::fprintf(out_, "\x1b[2K%s\n", render(id, lines_[id]).c_str());
  drawn_ = order_.size();
  std::fflush(out_);
  last_draw_ = std::chrono::steady_clock::now();
}

void LayerProgress::on_event(const image::registry::LayerEvent& event) {
  if (mode_ == "quiet") return;
  auto [it, fresh] = lines_.try_emplace(event.id);
  if (fresh) {
    order_.push_back(event.id);
    it->second.started = std::chrono::steady_clock::now();
  }
  Line& line = it->second;
  bool changed = line.status != event.status;
  if (changed && (event.status == "Downloading" || event.status == "Pushing"))
    line.started = std::chrono::steady_clock::now();
  line.status = event.status;
  line.current = event.current;
  line.total = event.total;
  if (mode_ == "plain") {
    if (changed) std::fprintf(out_, "%s: %s\n", event.id.c_str(), event.status.c_str());
    return;
  }
  auto now = std::chrono::steady_clock::now();
  if (changed || fresh || now - last_draw_ > std::chrono::milliseconds(100)) redraw();
}

void LayerProgress::finish() {
  if (mode_ == "tty" && !order_.empty()) redraw();
}

}  // namespace berth::cli
