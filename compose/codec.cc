#include "compose/codec.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "compose/suggest.h"

namespace berth::compose::codec {

void type_error(const Node& node, const std::string& path, std::string_view expected) {
  std::string got = node.kind_name();
  if (node.is_scalar()) got = "'" + node.text() + "'";
  throw node_error(node, path, "must be " + std::string(expected) + ", not " + got,
                   "see the Compose Specification for the form of this attribute");
}

void unknown_key(const Node::Entry& entry, const std::string& path,
                 const std::vector<std::string_view>& known) {
  std::string hint;
  std::string near = closest_match(entry.key, known);
  if (!near.empty())
    hint = "did you mean '" + near + "'?";
  else
    hint = "remove it, or prefix it with 'x-' to keep it as an extension";
  throw Error("unknown attribute '" + entry.key + "'", hint, entry.key_mark.location(),
              path_join(path, entry.key));
}

const std::string& scalar_text(const Node& node, const std::string& path, std::string_view expected) {
  if (!node.is_scalar()) type_error(node, path, expected);
  return node.text();
}

void Codec<std::string>::decode(const Node& n, const std::string& path, std::string& out) {
  if (n.plain_null()) {
    out.clear();
    return;
  }
  out = scalar_text(n, path, "a string");
}

void Codec<int64_t>::decode(const Node& n, const std::string& path, int64_t& out) {
  const std::string& t = scalar_text(n, path, "an integer");
  std::string_view s = t;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) base = 16, s.remove_prefix(2);
  else if (s.size() > 2 && s[0] == '0' && s[1] == 'o') base = 8, s.remove_prefix(2);
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) type_error(n, path, "an integer");
}

void Codec<double>::decode(const Node& n, const std::string& path, double& out) {
  const std::string& t = scalar_text(n, path, "a number");
  char* end = nullptr;
  out = std::strtod(t.c_str(), &end);
  if (t.empty() || end != t.c_str() + t.size() || !std::isfinite(out)) type_error(n, path, "a number");
}

Node Codec<double>::encode(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return Node::scalar(buf, {}, false);
}

void Codec<bool>::decode(const Node& n, const std::string& path, bool& out) {
  if (n.plain_bool(&out)) return;
  const std::string& t = scalar_text(n, path, "a boolean (true or false)");
  if (t == "true" || t == "True" || t == "TRUE") out = true;
  else if (t == "false" || t == "False" || t == "FALSE") out = false;
  else type_error(n, path, "a boolean (true or false)");
}

void Codec<Duration>::decode(const Node& n, const std::string& path, Duration& out) {
  const std::string& t = scalar_text(n, path, "a duration");
  auto d = parse_duration(t);
  if (!d)
    throw node_error(n, path, "'" + t + "' is not a duration",
                     "write a number with a unit: 10s, 1m30s, 500ms, 2h");
  out = *d;
}

void Codec<ByteSize>::decode(const Node& n, const std::string& path, ByteSize& out) {
  const std::string& t = scalar_text(n, path, "a byte size");
  auto b = parse_byte_size(t);
  if (!b)
    throw node_error(n, path, "'" + t + "' is not a byte size",
                     "write a number with an optional unit: 1024, 512k, 256m, 1g");
  out = *b;
}

}  // namespace berth::compose::codec
