// The default .env syntax, after compose-go's dotenv parser (see dotenv.h for the rules).
#include "compose/dotenv.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "compose/dotenv_detail.h"
#include "compose/template.h"

namespace berth::compose {

namespace dotenv_detail {

namespace {

// Interpolation may add this much to a whole file: far above real files, low enough that values
// repeating each other (A=$B$B$B..., B=$C$C$C...) give an error instead of exhausting memory.
constexpr size_t kMaxDotenvGrowth = size_t{64} << 20;

constexpr std::string_view kNel = "\xC2\x85";   // U+0085, a space to compose-go
constexpr std::string_view kNbsp = "\xC2\xA0";  // U+00A0, likewise

// Bytes of the non-newline space at `pos`, or 0.
size_t space_at(std::string_view text, size_t pos) {
  switch (text[pos]) {
    case ' ': case '\t': case '\v': case '\f': case '\r': return 1;
    default: break;
  }
  std::string_view rest = text.substr(pos);
  return rest.starts_with(kNel) || rest.starts_with(kNbsp) ? 2 : 0;
}

// Bytes of the UTF-8 sequence at `pos`, or 0 when it is not valid UTF-8.
size_t utf8_length(std::string_view text, size_t pos) {
  auto byte = static_cast<unsigned char>(text[pos]);
  size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3
                : (byte >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || pos + length > text.size()) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((static_cast<unsigned char>(text[pos + i]) & 0xC0) != 0x80) return 0;
  }
  return length;
}

bool is_ascii_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '.' || c == '-' || c == '[' || c == ']';
}

std::string_view trim_right_spaces(std::string_view s) {
  while (!s.empty()) {
    if (s.ends_with(kNel) || s.ends_with(kNbsp)) {
      s.remove_suffix(2);
    } else if (s.back() == ' ' || s.back() == '\t' || s.back() == '\v' || s.back() == '\f' ||
               s.back() == '\r' || s.back() == '\n') {
      s.remove_suffix(1);
    } else {
      break;
    }
  }
  return s;
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& file, const Lookup& lookup)
      : text_(text), file_(file), lookup_(lookup) {}

  std::vector<DotenvEntry> parse() {
    if (text_.starts_with(kUtf8Bom)) pos_ = kUtf8Bom.size();
    while (skip_to_statement()) parse_statement();
    return entries_.take();
  }

 private:
  // Skips blank space, newlines and `#` comment lines. False at the end of the text.
  bool skip_to_statement() {
    while (pos_ < text_.size()) {
      if (text_[pos_] == '\n') {
        ++pos_;
      } else if (size_t n = space_at(text_, pos_)) {
        pos_ += n;
      } else if (text_[pos_] == '#') {
        size_t eol = text_.find('\n', pos_);
        pos_ = eol == std::string_view::npos ? text_.size() : eol;
      } else {
        return true;
      }
    }
    return false;
  }

  void parse_statement() {
    size_t start = pos_;
    skip_export();
    size_t key_start = pos_;
    std::string key = scan_key();
    bool inherited = pos_ >= text_.size() || text_[pos_] == '\n';
    if (key.empty()) {
      if (inherited) throw error_at(start, "\"export\" without a variable name");
      throw error_at(pos_, std::string("no variable name before '") + text_[pos_] + "'",
                     "write NAME=value");
    }
    if (key.find_first_of(" \t\v\f\r") != std::string::npos ||
        key.find(kNel) != std::string::npos || key.find(kNbsp) != std::string::npos) {
      throw error_at(key_start, "variable name \"" + key + "\" contains a space",
                     "names are letters, digits and _ . - [ ]; quote a value with spaces");
    }
    int line = line_of(start);
    if (inherited) {  // a bare NAME: passed through from the environment when set there
      if (lookup_) {
        if (std::optional<std::string> value = lookup_(key)) entries_.set(key, *value, line);
      }
      return;
    }
    ++pos_;  // the '=' or ':'
    while (pos_ < text_.size() && space_at(text_, pos_)) pos_ += space_at(text_, pos_);
    std::string value = scan_value(key);
    entries_.set(std::move(key), std::move(value), line);
  }

  // `export` followed by a space is a prefix (`exportFOO=1` and `export=1` are names).
  void skip_export() {
    std::string_view rest = text_.substr(pos_);
    if (!rest.starts_with("export") || rest.size() == 6) return;
    size_t n = space_at(text_, pos_ + 6);
    if (n == 0) return;
    pos_ += 6;
    while (pos_ < text_.size() && (n = space_at(text_, pos_))) pos_ += n;
  }

  // The name up to `=`, `:`, a newline or the end (left there), right-trimmed.
  std::string scan_key() {
    size_t begin = pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '=' || c == ':' || c == '\n') break;
      if (size_t n = space_at(text_, pos_)) {
        pos_ += n;
      } else if (is_ascii_key_char(c)) {
        ++pos_;
      } else if (static_cast<unsigned char>(c) >= 0x80 && utf8_length(text_, pos_) > 1) {
        pos_ += utf8_length(text_, pos_);  // a non-ASCII letter, as compose-go allows
      } else {
        throw bad_key_char(begin);
      }
    }
    return std::string(trim_right_spaces(text_.substr(begin, pos_ - begin)));
  }

  Error bad_key_char(size_t begin) const {
    size_t eol = text_.find('\n', begin);
    std::string_view line = text_.substr(begin, eol == std::string_view::npos ? eol : eol - begin);
    std::string shown = static_cast<unsigned char>(text_[pos_]) >= 0x80
                            ? "invalid UTF-8"
                            : "character '" + std::string(1, text_[pos_]) + "'";
    if (line.size() > 60) line = line.substr(0, 60);
    return error_at(pos_, "unexpected " + shown + " in variable name \"" + std::string(line) + "\"",
                    "names are letters, digits and _ . - [ ], followed by = and the value");
  }

  std::string scan_value(const std::string& key) {
    size_t value_start = pos_;
    if (pos_ < text_.size() && (text_[pos_] == '"' || text_[pos_] == '\'')) {
      char quote = text_[pos_];
      std::string raw = scan_quoted(quote);
      if (quote == '\'') return raw;
      return interpolate(expand_escapes(raw), key, value_start);
    }
    size_t eol = text_.find('\n', pos_);
    if (eol == std::string_view::npos) eol = text_.size();
    std::string_view raw = text_.substr(pos_, eol - pos_);
    pos_ = eol;
    if (size_t comment = raw.find(" #"); comment != std::string_view::npos) {
      raw = raw.substr(0, comment);
    }
    return interpolate(trim_right_spaces(raw), key, value_start);
  }

  // From an opening quote to its closing one. A backslash keeps the next character in the
  // value; it is dropped only before the quote itself (the rest is expand_escapes' business).
  std::string scan_quoted(char quote) {
    size_t open = pos_++;
    std::string raw;
    bool escaped = false;
    for (; pos_ < text_.size(); ++pos_) {
      char c = text_[pos_];
      if (escaped) {
        if (c != quote) raw += '\\';
        raw += c;
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == quote) {
        ++pos_;
        return raw;
      } else {
        raw += c;
      }
    }
    size_t eol = text_.find('\n', open);
    std::string_view shown = text_.substr(open, eol == std::string_view::npos ? eol : eol - open);
    if (shown.size() > 60) shown = shown.substr(0, 60);
    throw error_at(open, "unterminated quoted value " + std::string(shown),
                   std::string("end the value with a matching ") + quote);
  }

  // Variables resolve from the environment first, then from earlier entries (compose-go).
  std::string interpolate(std::string_view raw, const std::string& key, size_t value_start) {
    Lookup chained = [this](std::string_view name) -> std::optional<std::string> {
      if (lookup_) {
        if (std::optional<std::string> value = lookup_(name)) return value;
      }
      if (const std::string* value = entries_.find(name)) return *value;
      return std::nullopt;
    };
    try {
      std::string out =
          expand_template(raw, chained, UnsetHandler(), raw.size() + kMaxDotenvGrowth - growth_);
      if (out.size() > raw.size()) growth_ += out.size() - raw.size();
      return out;
    } catch (const Error& e) {
      throw error_at(value_start, "in the value of " + key + ": " + e.message(), e.hint());
    }
  }

  int line_of(size_t offset) {
    if (offset < counted_to_) {
      counted_to_ = 0;
      counted_line_ = 1;
    }
    for (; counted_to_ < offset; ++counted_to_) {
      if (text_[counted_to_] == '\n') ++counted_line_;
    }
    return counted_line_;
  }

  Error error_at(size_t offset, std::string what, std::string hint = {}) const {
    int line = 1 + static_cast<int>(std::count(text_.begin(), text_.begin() + offset, '\n'));
    size_t line_start = text_.rfind('\n', offset == 0 ? 0 : offset - 1);
    line_start = line_start == std::string_view::npos || offset == 0 ? 0 : line_start + 1;
    int column = static_cast<int>(offset - line_start) + 1;
    return dotenv_error(file_, line, column, std::move(what), std::move(hint));
  }

  std::string_view text_;
  const std::string& file_;
  const Lookup& lookup_;
  size_t pos_ = 0;
  Entries entries_;
  size_t growth_ = 0;
  size_t counted_to_ = 0;
  int counted_line_ = 1;
};

}  // namespace

std::vector<DotenvEntry> parse_interpolated(std::string_view text, const std::string& file,
                                            const Lookup& lookup) {
  return Parser(text, file, lookup).parse();
}

}  // namespace dotenv_detail

std::vector<DotenvEntry> parse_dotenv(std::string_view text, const std::string& file_name,
                                      const Lookup& lookup, DotenvFormat format) {
  if (format == DotenvFormat::Raw) return dotenv_detail::parse_raw(text, file_name, lookup);
  return dotenv_detail::parse_interpolated(text, file_name, lookup);
}

}  // namespace berth::compose
