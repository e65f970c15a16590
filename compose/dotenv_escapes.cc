// The escapes of double-quoted .env values, as compose-go's dotenv expands them.
#include <optional>

#include "compose/dotenv_detail.h"

namespace berth::compose::dotenv_detail {

namespace {

// `\0ooo`, three octal digits worth at most 0377, as compose-go takes it; else nullopt.
std::optional<char> octal_escape(std::string_view digits) {
  if (digits.size() != 3) return std::nullopt;
  int value = 0;
  for (char d : digits) {
    if (d < '0' || d > '7') return std::nullopt;
    value = value * 8 + (d - '0');
  }
  if (value > 0377) return std::nullopt;
  return static_cast<char>(value);
}

}  // namespace

// The escapes of a double-quoted value. `\$` becomes `$$` so that interpolation, which comes
// next, yields a literal `$`. Unknown escapes stay as written, backslash included.
std::string expand_escapes(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\' || i + 1 == raw.size()) {
      out += raw[i];
      continue;
    }
    char e = raw[i + 1];
    const char* simple = nullptr;
    switch (e) {
      case 'a': simple = "\a"; break;
      case 'b': simple = "\b"; break;
      case 'f': simple = "\f"; break;
      case 'n': simple = "\n"; break;
      case 'r': simple = "\r"; break;
      case 't': simple = "\t"; break;
      case 'v': simple = "\v"; break;
      case '\\': simple = "\\"; break;
      case '"': simple = "\""; break;
      case '$': simple = "$$"; break;
      default: break;
    }
    if (simple) {
      out += simple;
      ++i;
      continue;
    }
    if (e == '0') {
      size_t end = i + 2;
      while (end < raw.size() && end < i + 5 && raw[end] >= '0' && raw[end] <= '9') ++end;
      std::optional<char> c = octal_escape(raw.substr(i + 2, end - i - 2));
      if (c) {
        out += *c;
      } else {
        out.append(raw.substr(i, end - i));
      }
      i = end - 1;
      continue;
    }
    out += '\\';
    out += e;
    ++i;
  }
  return out;
}

}  // namespace berth::compose::dotenv_detail
