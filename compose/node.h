// The blueprint as a tree: what YAML gave us, with the place every value came from.
//
// Every loader stage (interpolate, merge, extends, include, canonicalise) works on this tree, so
// that the typed model decoded at the end can still point errors at the user's text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace berth::compose {

// Where a value was written. `file` is interned: copying a Mark is cheap.
struct Mark {
  const std::string* file = nullptr;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based

  SourceLocation location() const;
};

// A file name that lives for the whole process, so Marks may point at it.
const std::string* intern_file_name(std::string_view name);

class Node {
 public:
  enum class Kind : uint8_t { Null, Scalar, Sequence, Mapping };
  struct Entry;

  Node() = default;
  static Node null(Mark mark = {});
  // `quoted` scalars are always strings; plain ones may read as null, bool or number.
  static Node scalar(std::string text, Mark mark = {}, bool quoted = true);
  static Node sequence(Mark mark = {});
  static Node mapping(Mark mark = {});

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::Null; }
  bool is_scalar() const { return kind_ == Kind::Scalar; }
  bool is_sequence() const { return kind_ == Kind::Sequence; }
  bool is_mapping() const { return kind_ == Kind::Mapping; }
  const char* kind_name() const;  // "null", "string", "sequence", "mapping" for messages

  const Mark& mark() const { return mark_; }
  void set_mark(Mark mark) { mark_ = mark; }
  // A YAML tag the loader acts on ("!reset", "!override"), else empty.
  const std::string& tag() const { return tag_; }
  void set_tag(std::string tag) { tag_ = std::move(tag); }

  // Scalars.
  const std::string& text() const { return text_; }
  void set_text(std::string text) { text_ = std::move(text); }
  bool quoted() const { return quoted_; }
  void set_quoted(bool quoted) { quoted_ = quoted; }
  // A plain scalar that YAML reads as null / bool / number (core schema plus YAML 1.1 booleans).
  bool plain_null() const;
  bool plain_bool(bool* value) const;

  // Sequences.
  const std::vector<Node>& items() const { return items_; }
  std::vector<Node>& items() { return items_; }
  void push_back(Node item);

  // Mappings keep their order.
  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<Entry>& entries() { return entries_; }
  const Node* find(std::string_view key) const;
  Node* find(std::string_view key);
  const Entry* find_entry(std::string_view key) const;
  // Replaces the value when the key exists, else appends.
  Node& set(std::string key, Node value, Mark key_mark = {});
  bool erase(std::string_view key);

  size_t size() const;

 private:
  Kind kind_ = Kind::Null;
  bool quoted_ = false;
  Mark mark_;
  std::string tag_;
  std::string text_;
  std::vector<Node> items_;
  std::vector<Entry> entries_;
};

struct Node::Entry {
  std::string key;
  Mark key_mark;
  Node value;
};

// Defined here, where Entry is complete (clang's libstdc++ checks need it).
inline void Node::push_back(Node item) { items_.push_back(std::move(item)); }
inline size_t Node::size() const { return kind_ == Kind::Mapping ? entries_.size() : items_.size(); }

// A path into the tree for messages: services.web.ports[0].
std::string path_join(const std::string& parent, std::string_view key);
std::string path_index(const std::string& parent, size_t index);

// An error about a value in the blueprint.
Error node_error(const Node& node, const std::string& path, std::string what,
                 std::string hint = {});

}  // namespace berth::compose
