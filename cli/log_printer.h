// Prints containers' logs with a coloured "service-1  | " prefix per container, as compose does;
// used by `logs` and by an attached `up`.
#pragma once

#include <string>
#include <vector>

#include "runtime/container/log_reader.h"
#include "runtime/container/record.h"

namespace berth::cli {

struct LogPrintOptions {
  bool color = true;
  bool prefix = true;
  bool timestamps = false;
};

class LogPrinter {
 public:
  LogPrinter(const std::vector<runtime::ContainerRecord>& containers, const LogPrintOptions& options);
  // Thread-safe: lines of different containers never interleave within a line.
  void print(const runtime::ContainerRecord& container, const runtime::LogLine& line);
  void note(const std::string& text);  // a line of berth's own, in the stream

 private:
  std::string prefix_of(const runtime::ContainerRecord& c) const;
  LogPrintOptions options_;
  size_t width_ = 0;
  std::vector<std::string> names_;
};

// The name shown for a container: service-N (compose shows the container name without the project).
std::string display_name(const runtime::ContainerRecord& container);

}  // namespace berth::cli
