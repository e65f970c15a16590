#include "cli/time_arg.h"

#include <cctype>
#include <cstdio>
#include <regex>

#include "util/error.h"

namespace berth::cli {

namespace {

std::string format_utc(std::time_t seconds, long nanoseconds) {
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, nanoseconds);
  return buf;
}

// "1h30m", "10m", "45s", "1.5h": seconds, or -1 when it is not a duration.
double duration_seconds(const std::string& text) {
  static const std::regex part(R"(([0-9]+(?:\.[0-9]+)?)(ns|us|ms|s|m|h))");
  if (text.empty()) return -1;
  double total = 0;
  size_t consumed = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), part); it != std::sregex_iterator(); ++it) {
    if (static_cast<size_t>(it->position()) != consumed) return -1;
    consumed += static_cast<size_t>(it->length());
    double n = std::stod((*it)[1]);
    std::string unit = (*it)[2];
    double scale = unit == "h" ? 3600 : unit == "m" ? 60 : unit == "s" ? 1 : unit == "ms" ? 1e-3 : unit == "us" ? 1e-6 : 1e-9;
    total += n * scale;
  }
  return consumed == text.size() ? total : -1;
}

}  // namespace

std::string log_time_bound(const std::string& text, const std::string& flag, std::time_t now) {
  if (double d = duration_seconds(text); d >= 0) {
    auto whole = static_cast<std::time_t>(d);
    long nanos = static_cast<long>((d - static_cast<double>(whole)) * 1e9);
    std::time_t s = now - whole;
    if (nanos > 0) {
      --s;
      nanos = 1'000'000'000L - nanos;
    }
    return format_utc(s, nanos);
  }
  std::smatch m;
  static const std::regex unix_time(R"(([0-9]+)(?:\.([0-9]{1,9}))?)");
  if (std::regex_match(text, m, unix_time)) {
    std::string frac = m[2].matched ? m[2].str() : "";
    frac.resize(9, '0');
    return format_utc(static_cast<std::time_t>(std::stoll(m[1])), std::stol(frac));
  }
  static const std::regex rfc3339(
      R"((\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?)?)");
  if (std::regex_match(text, m, rfc3339)) {
    std::tm tm{};
    tm.tm_year = std::stoi(m[1]) - 1900;
    tm.tm_mon = std::stoi(m[2]) - 1;
    tm.tm_mday = std::stoi(m[3]);
    if (m[4].matched) {
      tm.tm_hour = std::stoi(m[4]);
      tm.tm_min = std::stoi(m[5]);
      if (m[6].matched) tm.tm_sec = std::stoi(m[6]);
    }
    if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
      throw Error(flag + ": '" + text + "' is not a valid time");
    std::time_t t = timegm(&tm);
    if (m[8].matched && m[8].str() != "Z" && m[8].str() != "z") {
      std::string off = m[8];
      int sign = off[0] == '-' ? -1 : 1;
      std::string digits;
      for (char c : off.substr(1))
        if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
      t -= sign * (std::stoi(digits.substr(0, 2)) * 3600 + std::stoi(digits.substr(2, 2)) * 60);
    } else if (m[4].matched && !m[8].matched) {
      // No zone: local time, as docker reads it.
      std::tm local = tm;
      local.tm_isdst = -1;
      t = mktime(&local);
    }
    std::string frac = m[7].matched ? m[7].str() : "";
    frac.resize(9, '0');
    return format_utc(t, std::stol(frac));
  }
  throw Error(flag + ": '" + text + "' is not a time",
              "give an RFC 3339 time (2026-11-28T01:00:00Z), Unix seconds, or a duration back from now (10m, 1h30m)");
}

}  // namespace berth::cli
