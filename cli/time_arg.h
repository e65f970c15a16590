// --since and --until of `logs`: an RFC 3339 time ("2026-11-28T01:00:00Z", with a fraction or an
// offset), a date, Unix seconds, or a duration back from now ("10m", "1h30m"), turned into the
// fixed-width UTC form the log's times have, so that they compare as text.
#pragma once

#include <ctime>
#include <string>

namespace berth::cli {

// Throws berth::Error naming `flag` when `text` is none of the forms. `now` is seconds since
// the epoch (a parameter so that tests can fix it).
std::string log_time_bound(const std::string& text, const std::string& flag, std::time_t now);

}  // namespace berth::cli
