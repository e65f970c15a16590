// The `$VAR` / `${VAR:-default}` template language of Compose, for one string.
//
// Shared by the blueprint's interpolation and by .env files, which use the same syntax. Errors are
// berth::Error without a location: the caller knows where the text came from and adds it.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "compose/lookup.h"

namespace berth::compose {

// Nested references (`${A:-${B:-${C}}}`) deeper than this are refused: real files nest two or
// three levels, and a cap keeps hostile input from exhausting the stack.
inline constexpr int kMaxTemplateNesting = 50;

// Called with the name of a variable substituted by `$VAR` / `${VAR}` while unset.
using UnsetHandler = std::function<void(std::string_view name)>;

// Expands `text`: $$ -> $, $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?e}, ${VAR?e}, ${VAR:+a},
// ${VAR+a}, with templates nested in the d/e/a parts, which are only evaluated when used (so a
// variable there is only looked up, and only reported unset, when it matters). A `$` not followed
// by a name, `{` or `$` is kept literally. Syntax is checked everywhere, used or not.
// The result may not grow beyond `max_output` bytes: an error, not an allocation storm, when
// variables expand into each other.
std::string expand_template(std::string_view text, const Lookup& lookup,
                            const UnsetHandler& on_unset, size_t max_output);

}  // namespace berth::compose
