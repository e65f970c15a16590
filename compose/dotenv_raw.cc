// env_file `format: raw`: docker's `--env-file` syntax (docker/cli kvfile), values literal.
#include <optional>

#include "compose/dotenv_detail.h"
#include "compose/yaml_reader.h"

namespace berth::compose::dotenv_detail {

namespace {

bool is_leading_space(char c) {
  return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

}  // namespace

std::vector<DotenvEntry> parse_raw(std::string_view text, const std::string& file,
                                   const Lookup& lookup) {
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  Entries entries;
  int line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (size_t bad = find_invalid_utf8(line); bad != std::string_view::npos) {
      throw dotenv_error(file, line_no, static_cast<int>(bad) + 1, "invalid UTF-8",
                         "save the file as UTF-8");
    }
    size_t indent = 0;
    while (indent < line.size() && is_leading_space(line[indent])) ++indent;
    line.remove_prefix(indent);
    if (line.empty() || line.front() == '#') continue;

    size_t eq = line.find('=');
    std::string_view name = line.substr(0, eq);
    int column = static_cast<int>(indent) + 1;
    if (name.empty()) {
      throw dotenv_error(file, line_no, column, "no variable name before '='",
                         "write NAME=value");
    }
    if (name.find_first_of(" \t") != std::string_view::npos) {
      throw dotenv_error(file, line_no, column,
                         "variable name \"" + std::string(name) + "\" contains whitespace",
                         "a raw env_file is NAME=value lines, without `export` or spaces "
                         "around '='");
    }
    if (eq != std::string_view::npos) {
      entries.set(std::string(name), std::string(line.substr(eq + 1)), line_no);
    } else if (lookup) {  // a bare NAME: passed through from the environment when set there
      if (std::optional<std::string> value = lookup(name)) {
        entries.set(std::string(name), std::move(*value), line_no);
      }
    }
  }
  return entries.take();
}

}  // namespace berth::compose::dotenv_detail
