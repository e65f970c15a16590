// Stage 2 of the loader: variable interpolation over the blueprint tree.
//
// Runs per file, before merging, as the Compose Specification says. Values come from a Lookup
// (the process environment over the .env files, assembled by the caller).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compose/lookup.h"
#include "compose/node.h"

namespace berth::compose {

struct InterpolationWarnings {
  std::vector<std::string> unset;  // names used but unset, once each, in order
};

// Bytes that interpolation may add to one value, and to one whole tree: far above any real file,
// low enough that variables expanding into each other give an error instead of exhausting memory.
inline constexpr size_t kMaxInterpolationGrowth = size_t{16} << 20;
inline constexpr size_t kMaxTreeInterpolationGrowth = size_t{256} << 20;

// Substitutes $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err},
// ${VAR:+alt}, ${VAR+alt}, nested forms in the default/alt/err parts (evaluated only when used),
// and $$ -> $. An unset variable gives "" and is recorded in `warnings` (may be null). A `$` not
// followed by a name, `{` or `$` is kept literally, as compose-go does.
// Errors (berth::Error at `mark` with `path`): a failing ${VAR:?msg}/${VAR?msg} (naming VAR, with
// msg), an unterminated `${`, an invalid name (`${1a}`, `${}`), an unsupported operator
// (`${A/x/y}`), nesting deeper than kMaxTemplateNesting, growth beyond kMaxInterpolationGrowth.
std::string interpolate_string(std::string_view text, const Lookup& lookup, const Mark& mark,
                               const std::string& path, InterpolationWarnings* warnings);

// Interpolates every scalar VALUE of the tree in place (mapping keys are not interpolated),
// keeping marks, tags and the plain/quoted flag (a plain scalar's type is decided later). Error
// paths are built with path_join/path_index ("services.web.image").
void interpolate_tree(Node& root, const Lookup& lookup, InterpolationWarnings* warnings);

}  // namespace berth::compose
