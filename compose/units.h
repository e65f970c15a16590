// Durations and byte sizes as the Compose Specification writes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace berth::compose {

struct Duration {
  int64_t nanoseconds = 0;
  bool operator==(const Duration&) const = default;
  double seconds() const { return static_cast<double>(nanoseconds) / 1e9; }
};

struct ByteSize {
  int64_t bytes = 0;
  bool operator==(const ByteSize&) const = default;
};

// "1m30s", "10ms", "1h", "1.5s"; a bare number is seconds. nullopt when malformed.
std::optional<Duration> parse_duration(std::string_view text);
// Go's time.Duration formatting, as `docker compose config` prints: "1m30s", "10s", "500ms".
std::string format_duration(Duration d);

// "512m", "1gb", "100k", "1024", "-1" (unlimited). Binary units, as Docker reads them.
std::optional<ByteSize> parse_byte_size(std::string_view text);

}  // namespace berth::compose
