#include "cli/human_duration.h"

namespace berth::cli {

std::string human_duration(long seconds) {
  auto n = [](long v, const char* unit) { return std::to_string(v) + " " + unit + (v == 1 ? "" : "s"); };
  if (seconds < 1) return "Less than a second";
  if (seconds < 60) return n(seconds, "second");
  long minutes = seconds / 60;
  if (minutes == 1) return "About a minute";
  if (minutes < 60) return n(minutes, "minute");
  long hours = (seconds + 1800) / 3600;  // rounded to the nearest hour, as docker does
  if (hours == 1) return "About an hour";
  if (hours < 48) return n(hours, "hour");
  if (hours < 24 * 7 * 2) return n(hours / 24, "day");
  if (hours < 24 * 30 * 2) return n(hours / 24 / 7, "week");
  if (hours < 24 * 365 * 2) return n(hours / 24 / 30, "month");
  return n(seconds / 3600 / 24 / 365, "year");  // years from the whole hours, as docker does
}

}  // namespace berth::cli
