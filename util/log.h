// Logging: spdlog behind a small facade so that most files need not include spdlog.
#pragma once

#include <string>

namespace berth::log {

// level: trace, debug, info, warn, error, critical, off. Throws berth::Error on a bad name.
void init(const std::string& level);

void debug(const std::string& message);
void info(const std::string& message);
void warn(const std::string& message);
void error(const std::string& message);

}  // namespace berth::log
