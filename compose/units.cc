#include "compose/units.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace berth::compose {

namespace {

std::optional<int64_t> unit_nanoseconds(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "µs" || unit == "μs") return 1'000;
  if (unit == "ms") return 1'000'000;
  if (unit == "s") return 1'000'000'000;
  if (unit == "m") return 60'000'000'000;
  if (unit == "h") return 3'600'000'000'000;
  return std::nullopt;
}

bool parse_decimal(std::string_view text, double* out) {
  if (text.empty()) return false;
  std::string s(text);
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(*out);
}

bool is_number_char(char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; }

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double plain = 0;
  if (parse_decimal(text, &plain)) {
    if (std::fabs(plain * 1e9) > 9.2e18) return std::nullopt;
    return Duration{static_cast<int64_t>(plain * 1e9)};
  }
  bool negative = false;
  if (text.front() == '-' || text.front() == '+') {
    negative = text.front() == '-';
    text.remove_prefix(1);
    if (text.empty()) return std::nullopt;  // a sign alone
  }
  double total = 0;
  while (!text.empty()) {
    size_t n = 0;
    while (n < text.size() && is_number_char(text[n])) ++n;
    double value = 0;
    if (!parse_decimal(text.substr(0, n), &value)) return std::nullopt;
    text.remove_prefix(n);
    size_t u = 0;
    while (u < text.size() && !is_number_char(text[u])) ++u;
    auto unit = unit_nanoseconds(text.substr(0, u));
    if (!unit) return std::nullopt;
    text.remove_prefix(u);
    total += value * static_cast<double>(*unit);
  }
  if (total > 9.2e18) return std::nullopt;
  auto ns = static_cast<int64_t>(std::llround(total));
  return Duration{negative ? -ns : ns};
}

namespace {
// The fractional part of v/unit without trailing zeros, Go style ("1.5", "2").
std::string fixed(uint64_t v, uint64_t unit) {
  std::string out = std::to_string(v / unit);
  uint64_t frac = v % unit;
  if (frac == 0) return out;
  std::string digits;
  for (uint64_t scale = unit / 10; scale > 0; scale /= 10) {
    digits += static_cast<char>('0' + frac / scale);
    frac %= scale;
  }
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return out + "." + digits;
}
}  // namespace

std::string format_duration(Duration d) {
  if (d.nanoseconds == 0) return "0s";
  std::string sign = d.nanoseconds < 0 ? "-" : "";
  uint64_t ns = d.nanoseconds < 0 ? static_cast<uint64_t>(-d.nanoseconds)
                                  : static_cast<uint64_t>(d.nanoseconds);
  if (ns < 1'000) return sign + std::to_string(ns) + "ns";
  if (ns < 1'000'000) return sign + fixed(ns, 1'000) + "µs";
  if (ns < 1'000'000'000) return sign + fixed(ns, 1'000'000) + "ms";
  uint64_t hours = ns / 3'600'000'000'000ULL;
  ns %= 3'600'000'000'000ULL;
  uint64_t minutes = ns / 60'000'000'000ULL;
  ns %= 60'000'000'000ULL;
  std::string out = sign;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  return out + fixed(ns, 1'000'000'000) + "s";
}

std::optional<ByteSize> parse_byte_size(std::string_view text) {
  if (text == "-1") return ByteSize{-1};
  size_t n = 0;
  while (n < text.size() && is_number_char(text[n])) ++n;
  double value = 0;
  if (!parse_decimal(text.substr(0, n), &value)) return std::nullopt;
  std::string unit;
  for (char c : text.substr(n))
    if (c != ' ') unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!unit.empty() && unit.back() == 'b') unit.pop_back();  // "mb" == "m", "b" == ""
  if (unit.size() == 2 && unit.back() == 'i') unit.pop_back();  // "mib" == "m"
  double scale = 1;
  if (unit.empty()) scale = 1;
  else if (unit == "k") scale = 1024.0;
  else if (unit == "m") scale = 1024.0 * 1024;
  else if (unit == "g") scale = 1024.0 * 1024 * 1024;
  else if (unit == "t") scale = 1024.0 * 1024 * 1024 * 1024;
  else if (unit == "p") scale = 1024.0 * 1024 * 1024 * 1024 * 1024;
  else return std::nullopt;
  double bytes = value * scale;
  if (bytes > 9.2e18) return std::nullopt;
  return ByteSize{static_cast<int64_t>(bytes)};
}

}  // namespace berth::compose
