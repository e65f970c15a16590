// Generic decoding of the canonical tree into typed model structs, and encoding back.
//
// A struct describes its YAML keys once, in a Fields<S> table; decode (with unknown-key errors and
// did-you-mean hints), encode (for `berth config`) and emptiness all come from that table.
// Short syntax is gone by the time a tree reaches the codec: canonicalise() turned it into the
// long form, so each codec knows exactly one shape.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "compose/node.h"
#include "compose/units.h"

namespace berth::compose::codec {

template <class T, class Enable = void>
struct Codec;

template <class T>
void decode(const Node& node, const std::string& path, T& out) {
  Codec<T>::decode(node, path, out);
}
template <class T>
Node encode(const T& value) {
  return Codec<T>::encode(value);
}
template <class T>
bool empty(const T& value) {
  return Codec<T>::empty(value);
}

[[noreturn]] void type_error(const Node& node, const std::string& path, std::string_view expected);
[[noreturn]] void unknown_key(const Node::Entry& entry, const std::string& path,
                              const std::vector<std::string_view>& known);
// The scalar's text; a type error for sequences and mappings.
const std::string& scalar_text(const Node& node, const std::string& path, std::string_view expected);

// ---- scalars ----

template <>
struct Codec<std::string> {
  static void decode(const Node& n, const std::string& path, std::string& out);
  static Node encode(const std::string& v) { return Node::scalar(v); }
  static bool empty(const std::string& v) { return v.empty(); }
};

template <>
struct Codec<int64_t> {
  static void decode(const Node& n, const std::string& path, int64_t& out);
  static Node encode(int64_t v) { return Node::scalar(std::to_string(v), {}, false); }
  static bool empty(int64_t v) { return v == 0; }
};

template <>
struct Codec<double> {
  static void decode(const Node& n, const std::string& path, double& out);
  static Node encode(double v);
  static bool empty(double v) { return v == 0; }
};

template <>
struct Codec<bool> {
  static void decode(const Node& n, const std::string& path, bool& out);
  static Node encode(bool v) { return Node::scalar(v ? "true" : "false", {}, false); }
  static bool empty(bool v) { return !v; }
};

template <>
struct Codec<Duration> {
  static void decode(const Node& n, const std::string& path, Duration& out);
  static Node encode(Duration v) { return Node::scalar(format_duration(v)); }
  static bool empty(Duration) { return false; }
};

template <>
struct Codec<ByteSize> {
  static void decode(const Node& n, const std::string& path, ByteSize& out);
  static Node encode(ByteSize v) { return Node::scalar(std::to_string(v.bytes)); }
  static bool empty(ByteSize) { return false; }
};

// ---- containers ----

// An optional value is printed whenever it is set, even when the value itself is empty
// (`required: false`, `entrypoint: []`): that is how the model says "written by the user".
template <class T>
struct Codec<std::optional<T>> {
  static void decode(const Node& n, const std::string& path, std::optional<T>& out) {
    if (n.plain_null() && !n.is_mapping()) {
      out.reset();
      return;
    }
    T value{};
    Codec<T>::decode(n, path, value);
    out = std::move(value);
  }
  static Node encode(const std::optional<T>& v) { return v ? Codec<T>::encode(*v) : Node::null(); }
  static bool empty(const std::optional<T>& v) { return !v.has_value(); }
};

template <class T>
struct Codec<std::vector<T>> {
  static void decode(const Node& n, const std::string& path, std::vector<T>& out) {
    if (n.plain_null()) return;
    if (!n.is_sequence()) type_error(n, path, "a list");
    out.clear();
    out.reserve(n.items().size());
    for (size_t i = 0; i < n.items().size(); ++i) {
      T value{};
      Codec<T>::decode(n.items()[i], path_index(path, i), value);
      out.push_back(std::move(value));
    }
  }
  static Node encode(const std::vector<T>& v) {
    Node out = Node::sequence();
    for (const T& item : v) out.push_back(Codec<T>::encode(item));
    return out;
  }
  static bool empty(const std::vector<T>& v) { return v.empty(); }
};

// Maps print sorted by key, as `docker compose config` does.
template <class T>
struct Codec<std::map<std::string, T>> {
  static void decode(const Node& n, const std::string& path, std::map<std::string, T>& out) {
    if (n.plain_null()) return;
    if (!n.is_mapping()) type_error(n, path, "a mapping");
    out.clear();
    for (const auto& e : n.entries()) {
      T value{};
      Codec<T>::decode(e.value, path_join(path, e.key), value);
      out.emplace(e.key, std::move(value));
    }
  }
  static Node encode(const std::map<std::string, T>& v) {
    Node out = Node::mapping();
    for (const auto& [k, item] : v) out.entries().push_back({k, {}, Codec<T>::encode(item)});
    return out;
  }
  static bool empty(const std::map<std::string, T>& v) { return v.empty(); }
};

// Free-form values (x- extensions, driver options of unknown drivers) stay trees.
template <>
struct Codec<Node> {
  static void decode(const Node& n, const std::string&, Node& out) { out = n; }
  static Node encode(const Node& v) { return v; }
  static bool empty(const Node& v) { return v.is_null() || (v.is_mapping() && v.size() == 0); }
};

// ---- structs ----

template <class S, class M>
struct Field {
  std::string_view name;
  M S::*member;
};
template <class S, class M>
constexpr Field<S, M> field(std::string_view name, M S::*member) {
  return {name, member};
}

// Specialise with `static constexpr auto list = std::make_tuple(field("key", &S::member), ...);`
template <class S>
struct Fields;

template <class S>
concept Described = requires { Fields<S>::list; };
template <class S>
concept HasExtensions = requires(S s) { s.extensions; };
template <class S>
concept HasMark = requires(S s) { s.mark; };

template <Described S>
struct Codec<S> {
  static void decode(const Node& n, const std::string& path, S& out) {
    if (n.plain_null()) return;
    if (!n.is_mapping()) type_error(n, path, "a mapping");
    if constexpr (HasMark<S>) out.mark = n.mark();
    for (const Node::Entry& e : n.entries()) {
      bool known = std::apply(
          [&](const auto&... f) { return (decode_field(f, e, path, out) || ...); },
          Fields<S>::list);
      if (known) continue;
      if constexpr (HasExtensions<S>) {
        if (e.key.rfind("x-", 0) == 0) {
          if (!out.extensions.is_mapping()) out.extensions = Node::mapping();
          out.extensions.set(e.key, e.value, e.key_mark);
          continue;
        }
      }
      unknown_key(e, path, names());
    }
  }

  static Node encode(const S& s) {
    Node out = Node::mapping();
    std::apply([&](const auto&... f) { (encode_field(f, s, out), ...); }, Fields<S>::list);
    if constexpr (HasExtensions<S>) {
      if (s.extensions.is_mapping())
        for (const auto& e : s.extensions.entries()) out.entries().push_back(e);
    }
    return out;
  }

  static bool empty(const S& s) {
    bool all = std::apply([&](const auto&... f) { return (Codec<std::remove_cvref_t<decltype(s.*(f.member))>>::empty(s.*(f.member)) && ...); },
                          Fields<S>::list);
    if constexpr (HasExtensions<S>) all = all && s.extensions.size() == 0;
    return all;
  }

  static std::vector<std::string_view> names() {
    std::vector<std::string_view> out;
    std::apply([&](const auto&... f) { (out.push_back(f.name), ...); }, Fields<S>::list);
    return out;
  }

 private:
  template <class F>
  static bool decode_field(const F& f, const Node::Entry& e, const std::string& path, S& out) {
    if (e.key != f.name) return false;
    Codec<std::remove_cvref_t<decltype(out.*(f.member))>>::decode(e.value, path_join(path, e.key),
                                                                  out.*(f.member));
    return true;
  }
  template <class F>
  static void encode_field(const F& f, const S& s, Node& out) {
    const auto& value = s.*(f.member);
    using M = std::remove_cvref_t<decltype(value)>;
    if (Codec<M>::empty(value)) return;
    out.entries().push_back({std::string(f.name), {}, Codec<M>::encode(value)});
  }
};

}  // namespace berth::compose::codec
