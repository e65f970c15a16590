#include "util/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "util/error.h"

namespace berth::log {

void init(const std::string& level) {
  auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off")
    throw Error("unknown log level '" + level + "'",
                "use one of trace, debug, info, warn, error, critical, off");
  // Diagnostics go to stderr: stdout belongs to the command's output (config, ps --format json).
  auto logger = spdlog::stderr_color_mt("berth");
  logger->set_pattern("%^%l%$: %v");
  logger->set_level(parsed);
  spdlog::set_default_logger(logger);
}

void debug(const std::string& message) { spdlog::debug(message); }
void info(const std::string& message) { spdlog::info(message); }
void warn(const std::string& message) { spdlog::warn(message); }
void error(const std::string& message) { spdlog::error(message); }

}  // namespace berth::log
