#include "compose/yaml_writer.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdlib>

namespace berth::compose {

namespace {

bool looks_like_number(const std::string& s) {
  if (s.empty()) return false;
  // Every number starts with a digit, a sign or a point ("1", "-2", ".5", "+3"): most strings
  // do not, and need no strtod.
  unsigned char c0 = static_cast<unsigned char>(s[0]);
  if (!std::isdigit(c0) && c0 != '-' && c0 != '+' && c0 != '.') return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  if (end == s.c_str() + s.size()) return true;
  // YAML 1.1 also reads 0x1F, 0o17, 1_000 and sexagesimal 1:20 as numbers.
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) return true;
  bool digits_and_colons = s.find_first_of(":_") != std::string::npos &&
                           s.find_first_of("0123456789") != std::string::npos;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != ':' && c != '_' && c != '.')
      digits_and_colons = false;
  return digits_and_colons;
}

bool reads_as_other_type(const std::string& s) {
  static constexpr std::string_view words[] = {
      "null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes",
      "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N", ".inf",
      ".Inf", ".nan", ".NaN", "-.inf", "<<", "="};
  if (s.size() <= 5)  // the longest word
    for (std::string_view w : words)
      if (std::string_view(s) == w) return true;
  return looks_like_number(s);
}

bool safe_plain(const std::string& s) {
  if (s.empty() || reads_as_other_type(s)) return false;
  if (std::isspace(static_cast<unsigned char>(s.front())) ||
      std::isspace(static_cast<unsigned char>(s.back())))
    return false;
  if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string_view::npos) {
    // "-foo" and ":foo" are fine plain when not followed by a space; keep it simple and quote.
    return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (c == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) return false;
    if (c == '#' && i > 0 && s[i - 1] == ' ') return false;
    if (c == ',' || c == '[' || c == ']' || c == '{' || c == '}') return false;
  }
  return true;
}

std::string double_quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

// A multi-line string as a literal block, when that reads back exactly.
bool literal_block(const std::string& s, const std::string& indent, std::string& out) {
  if (s.find('\n') == std::string::npos) return false;
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
  if (s.front() == ' ' || s.front() == '\n') return false;
  size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
  std::string body = s.substr(0, s.size() - trailing);
  // Trailing spaces on a line survive a literal block, but keep edge cases in quotes.
  if (body.empty() || body.back() == ' ') return false;
  out += trailing == 0 ? "|-" : trailing == 1 ? "|" : "|+";
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    std::string line = body.substr(start, end - start);
    out += "\n";
    if (!line.empty()) out += indent + line;
    start = end + 1;
  }
  for (size_t i = 1; i < trailing; ++i) out += "\n";
  return true;
}

std::string scalar_text(const Node& n, size_t indent) {
  if (n.is_null()) return "null";
  const std::string& s = n.text();
  if (!n.quoted()) return s.empty() ? "\"\"" : s;
  if (safe_plain(s)) return s;
  std::string block;
  if (literal_block(s, std::string(indent, ' '), block)) return block;
  return double_quoted(s);
}

void append_key(const std::string& key, std::string& out) {
  if (safe_plain(key)) out += key;
  else out += double_quoted(key);
}

bool is_empty_collection(const Node& n) {
  return (n.is_mapping() || n.is_sequence()) && n.size() == 0;
}

// Appends straight to `out` with indents as counts: printing a large project makes no
// temporary strings per line. `inline_first`: the first key of a mapping goes on the current
// line ("- key: value" in a sequence), the others align under it.
void write(const Node& n, size_t indent, std::string& out, bool inline_first = false);

void write_scalar_line(const Node& v, size_t indent, std::string& out) {
  out += ' ';
  out += scalar_text(v, indent);
  out += '\n';
}

void write_value_after_key(const Node& v, size_t indent, std::string& out) {
  if (is_empty_collection(v)) {
    out += v.is_mapping() ? " {}\n" : " []\n";
  } else if (v.is_mapping() || v.is_sequence()) {
    out += '\n';
    write(v, indent + 2, out);
  } else {
    write_scalar_line(v, indent + 2, out);
  }
}

void write(const Node& n, size_t indent, std::string& out, bool inline_first) {
  if (n.is_mapping()) {
    bool first = true;
    for (const auto& e : n.entries()) {
      if (!first || !inline_first) out.append(indent, ' ');
      first = false;
      append_key(e.key, out);
      out += ':';
      write_value_after_key(e.value, indent, out);
    }
  } else if (n.is_sequence()) {
    for (const Node& item : n.items()) {
      out.append(indent, ' ');
      out += '-';
      if (is_empty_collection(item)) {
        out += item.is_mapping() ? " {}\n" : " []\n";
      } else if (item.is_mapping()) {
        out += ' ';
        write(item, indent + 2, out, true);
      } else if (item.is_sequence()) {
        out += '\n';
        write(item, indent + 2, out);
      } else {
        write_scalar_line(item, indent + 2, out);
      }
    }
  } else {
    out.append(indent, ' ');
    out += scalar_text(n, indent);
    out += '\n';
  }
}

nlohmann::ordered_json to_json_value(const Node& n) {
  switch (n.kind()) {
    case Node::Kind::Null:
      return nullptr;
    case Node::Kind::Scalar: {
      const std::string& s = n.text();
      if (n.quoted()) return s;
      if (s == "true") return true;
      if (s == "false") return false;
      auto parsed = nlohmann::ordered_json::parse(s, nullptr, false);
      if (!parsed.is_discarded() && parsed.is_number()) return parsed;
      return s;
    }
    case Node::Kind::Sequence: {
      auto arr = nlohmann::ordered_json::array();
      for (const Node& item : n.items()) arr.push_back(to_json_value(item));
      return arr;
    }
    case Node::Kind::Mapping: {
      auto obj = nlohmann::ordered_json::object();
      for (const auto& e : n.entries()) obj[e.key] = to_json_value(e.value);
      return obj;
    }
  }
  return nullptr;
}

}  // namespace

std::string to_yaml(const Node& root) {
  std::string out;
  if (is_empty_collection(root)) return root.is_mapping() ? "{}\n" : "[]\n";
  write(root, 0, out);
  return out;
}

std::string to_json(const Node& root, int indent) {
  return to_json_value(root).dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace berth::compose
