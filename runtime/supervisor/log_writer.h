// A container's log: one JSON object per line of output, {"log","stream","time"} as Docker's
// json-file driver writes it, rotated by size (max-size, max-file).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "runtime/container/fd.h"
#include "runtime/container/spec.h"

namespace berth::runtime {

// One log entry, newline-terminated: {"log":"<text>","stream":"stdout","time":"<time>"}
std::string json_log_line(std::string_view text, std::string_view stream, std::string_view time);

class LogWriter {
 public:
  LogWriter(std::filesystem::path path, LogOptions options);

  // Output as read from a stream ("stdout" or "stderr"): complete lines are written at once,
  // a partial line waits for its end (or for 16 KiB, or for flush()).
  void append(std::string_view stream, std::string_view data);
  // Writes what is left of a stream's partial line (at EOF).
  void flush(std::string_view stream);

 private:
  void write_entry(std::string_view stream, std::string_view text);
  void open();
  void rotate();
  std::string& pending(std::string_view stream) {
    return stream == "stderr" ? pending_err_ : pending_out_;
  }

  std::filesystem::path path_;
  LogOptions options_;
  Fd fd_;
  uint64_t size_ = 0;
  std::string pending_out_;
  std::string pending_err_;
};

}  // namespace berth::runtime
