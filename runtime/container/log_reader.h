// Reading a container's log (its JSON lines, the rotated files first): what `berth logs` shows,
// with --tail, --since, --until and --follow.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace berth::runtime {

struct LogLine {
  std::string time;    // RFC 3339, UTC, nanoseconds
  std::string stream;  // stdout or stderr
  std::string text;    // as the container wrote it, newline included
};

struct LogQuery {
  std::optional<size_t> tail;  // the last N lines only
  std::string since;           // RFC 3339 bounds, compared as text (both are UTC, fixed width)
  std::string until;
  bool follow = false;         // then keep reading new lines until the container is down
};

// Calls `emit` for each line in order. With follow, returns once the container has stopped (no
// restart pending) and its log is read to the end; `emit` returning false stops early.
void read_logs(const std::string& id, const LogQuery& query,
               const std::function<bool(const LogLine&)>& emit);

}  // namespace berth::runtime
