#include "cli/log_printer.h"

#include <cstdio>
#include <mutex>

#include "stack/labels.h"
#include "stack/observe.h"

namespace berth::cli {

namespace {
std::mutex output_mutex;
const char* const kColors[] = {"\033[36m", "\033[33m", "\033[32m", "\033[35m", "\033[34m",
                               "\033[96m", "\033[93m", "\033[92m", "\033[95m", "\033[94m"};
}  // namespace

std::string display_name(const runtime::ContainerRecord& c) {
  std::string service = stack::label_of(c, stack::labels::kService);
  std::string number = stack::label_of(c, stack::labels::kNumber);
  if (service.empty()) return c.name;
  return service + "-" + (number.empty() ? "1" : number);
}

LogPrinter::LogPrinter(const std::vector<runtime::ContainerRecord>& containers, const LogPrintOptions& options)
    : options_(options) {
  for (const auto& c : containers) {
    names_.push_back(c.name);
    width_ = std::max(width_, display_name(c).size());
  }
}

std::string LogPrinter::prefix_of(const runtime::ContainerRecord& c) const {
  if (!options_.prefix) return "";
  std::string name = display_name(c);
  name.resize(std::max(width_, name.size()), ' ');
  if (!options_.color) return name + "  | ";
  size_t index = 0;
  for (size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == c.name) index = i;
  return std::string(kColors[index % std::size(kColors)]) + name + "  |\033[0m ";
}

void LogPrinter::print(const runtime::ContainerRecord& c, const runtime::LogLine& line) {
  std::string text = prefix_of(c);
  if (options_.timestamps) text += line.time + " ";
  text += line.text;
  if (text.empty() || text.back() != '\n') text += '\n';
  std::lock_guard lock(output_mutex);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

void LogPrinter::note(const std::string& text) {
  std::lock_guard lock(output_mutex);
  std::fprintf(stdout, "%s\n", text.c_str());
  std::fflush(stdout);
}

}  // namespace berth::cli
