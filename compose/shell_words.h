// Splits a command string into words with POSIX shell quoting, as compose does for a string
// `command:` or `entrypoint:`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::compose {

// nullopt when a quote is not closed.
std::optional<std::vector<std::string>> split_shell_words(std::string_view text);

}  // namespace berth::compose
