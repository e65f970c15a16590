// Internals shared by the two .env syntaxes (dotenv.cc, dotenv_raw.cc). Not for other modules.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "compose/dotenv.h"
#include "util/error.h"

namespace berth::compose::dotenv_detail {

// The entries of one file: first-definition order, the last definition's value and line.
class Entries {
 public:
  void set(std::string name, std::string value, int line) {
    auto [it, inserted] = index_.try_emplace(name, entries_.size());
    if (inserted) {
      entries_.push_back(DotenvEntry{std::move(name), std::move(value), line});
      return;
    }
    DotenvEntry& entry = entries_[it->second];
    entry.value = std::move(value);
    entry.line = line;
  }

  const std::string* find(std::string_view name) const {
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : &entries_[it->second].value;
  }

  std::vector<DotenvEntry> take() { return std::move(entries_); }

 private:
  std::vector<DotenvEntry> entries_;
  std::map<std::string, size_t, std::less<>> index_;
};

// A .env problem at a place in the file.
inline Error dotenv_error(const std::string& file, int line, int column, std::string what,
                          std::string hint = {}) {
  return Error(std::move(what), std::move(hint), SourceLocation{file, line, column});
}

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// The escapes of a double-quoted value: \a \b \f \n \r \t \v \\ \" and \0ooo. `\$` becomes `$$`
// so that interpolation, which comes next, yields a literal `$`. Unknown escapes stay as written.
std::string expand_escapes(std::string_view raw);

std::vector<DotenvEntry> parse_interpolated(std::string_view text, const std::string& file,
                                            const Lookup& lookup);
std::vector<DotenvEntry> parse_raw(std::string_view text, const std::string& file,
                                   const Lookup& lookup);

}  // namespace berth::compose::dotenv_detail
