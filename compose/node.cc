#include "compose/node.h"

#include <mutex>
#include <set>

namespace berth::compose {

SourceLocation Mark::location() const {
  if (!file) return {};
  return SourceLocation{*file, line, column};
}

const std::string* intern_file_name(std::string_view name) {
  static std::mutex mutex;
  static std::set<std::string, std::less<>> names;
  std::lock_guard lock(mutex);
  auto it = names.find(name);
  if (it == names.end()) it = names.emplace(name).first;
  return &*it;
}

Node Node::null(Mark mark) {
  Node n;
  n.mark_ = mark;
  return n;
}

Node Node::scalar(std::string text, Mark mark, bool quoted) {
  Node n;
  n.kind_ = Kind::Scalar;
  n.text_ = std::move(text);
  n.mark_ = mark;
  n.quoted_ = quoted;
  return n;
}

Node Node::sequence(Mark mark) {
  Node n;
  n.kind_ = Kind::Sequence;
  n.mark_ = mark;
  return n;
}

Node Node::mapping(Mark mark) {
  Node n;
  n.kind_ = Kind::Mapping;
  n.mark_ = mark;
  return n;
}

const char* Node::kind_name() const {
  switch (kind_) {
    case Kind::Null: return "null";
    case Kind::Scalar: return "string";
    case Kind::Sequence: return "sequence";
    case Kind::Mapping: return "mapping";
  }
  return "value";
}

bool Node::plain_null() const {
  if (kind_ == Kind::Null) return true;
  if (kind_ != Kind::Scalar || quoted_) return false;
  return text_.empty() || text_ == "~" || text_ == "null" || text_ == "Null" || text_ == "NULL";
}

bool Node::plain_bool(bool* value) const {
  if (kind_ != Kind::Scalar || quoted_) return false;
  static const char* const truths[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
  static const char* const lies[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
  for (const char* t : truths)
    if (text_ == t) return *value = true, true;
  for (const char* f : lies)
    if (text_ == f) return *value = false, true;
  return false;
}

const Node::Entry* Node::find_entry(std::string_view key) const {
  for (const Entry& e : entries_)
    if (e.key == key) return &e;
  return nullptr;
}

const Node* Node::find(std::string_view key) const {
  const Entry* e = find_entry(key);
  return e ? &e->value : nullptr;
}

Node* Node::find(std::string_view key) {
  for (Entry& e : entries_)
    if (e.key == key) return &e.value;
  return nullptr;
}

Node& Node::set(std::string key, Node value, Mark key_mark) {
  if (Node* existing = find(key)) {
    *existing = std::move(value);
    return *existing;
  }
  entries_.push_back(Entry{std::move(key), key_mark, std::move(value)});
  return entries_.back().value;
}

bool Node::erase(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->key == key) {
      entries_.erase(it);
      return true;
    }
  }
  return false;
}

std::string path_join(const std::string& parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string out = parent;
  out += '.';
  out += key;
  return out;
}

std::string path_index(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

Error node_error(const Node& node, const std::string& path, std::string what, std::string hint) {
  return Error(std::move(what), std::move(hint), node.mark().location(), path);
}

}  // namespace berth::compose
