// Where variable values come from: the process environment, .env files, earlier entries.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace berth::compose {

// A variable source: the value, or nullopt when the variable is unset (set-but-empty is "").
using Lookup = std::function<std::optional<std::string>(std::string_view name)>;

}  // namespace berth::compose
