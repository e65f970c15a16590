// .env and env_file parsing, as docker compose does it.
//
// The default syntax is compose-go's dotenv format (the Compose Specification's env file syntax);
// `format: raw` env_files use docker's `--env-file` syntax (docker/cli kvfile), values literal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compose/lookup.h"
#include "util/error.h"

namespace berth::compose {

struct DotenvEntry {
  std::string name;
  std::string value;
  int line;  // 1-based line of the (last) definition
};

enum class DotenvFormat {
  Interpolated,  // default .env syntax
  Raw,           // env_file `format: raw`: KEY=VALUE taken literally
};

// The .env text's variables, in order of first definition; a name defined twice appears once,
// with its last value (and line).
//
// Interpolated: blank lines and `#` comment lines; an optional `export ` prefix; `KEY=VAL` or
// `KEY: VAL` with spaces allowed around the separator; names of letters, digits, `_ . - [ ]`.
// Unquoted values run to the end of the line, are trimmed on the right and lose an inline comment
// started by ` #`. 'Single-quoted' values are literal (only \' is unescaped) and may span lines.
// "Double-quoted" values may span lines and unescape \a \b \f \n \r \t \v \\ \" \$ and \0ooo
// (others stay as written). Unquoted and double-quoted values are interpolated (${VAR:-x}, $VAR,
// ...); a variable resolves from `lookup` first and then from entries earlier in the file, as in
// compose-go (so the environment, which wins over the file anyway, also wins inside it).
// After a closing quote the line goes on like a new statement (compose-go): a ` # comment`
// there is ignored. A bare `KEY` (no `=`) takes its value from `lookup`; unset, it is omitted.
// A UTF-8 byte-order mark is skipped.
//
// Raw (docker --env-file): one `KEY=VALUE` per line, leading whitespace and `#` comment lines
// skipped, the value kept byte for byte (quotes and trailing spaces included, no interpolation);
// a bare `KEY` is looked up as above.
//
// Errors are berth::Error at file:line:column saying what is wrong: an unterminated quote, a line
// with no name before `=`, a name with a space or an invalid character, invalid interpolation
// (see interpolate.h), invalid UTF-8 (Raw).
std::vector<DotenvEntry> parse_dotenv(std::string_view text, const std::string& file_name,
                                      const Lookup& lookup,
                                      DotenvFormat format = DotenvFormat::Interpolated);

}  // namespace berth::compose
