#include "compose/yaml_reader.h"

#include <yaml.h>

#include <memory>
#include <unordered_map>
#include <unordered_set>

namespace berth::compose {

size_t find_invalid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    size_t len = 0;
    unsigned min = 0;
    unsigned cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { len = 2; min = 0x80; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; min = 0x800; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; min = 0x10000; cp = c & 0x07; }
    else return i;
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

namespace {

Mark line_col_of(std::string_view text, size_t offset, const std::string* file) {
  Mark m{file, 1, 1};
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++m.line;
      m.column = 1;
    } else {
      ++m.column;
    }
  }
  return m;
}

bool is_null_text(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// The parser's events -> Node trees. An explicit stack of open collections (no recursion, so
// nesting depth cannot exhaust the C++ stack); every anchored value is kept with its size, so
// an alias is counted before it is copied and an alias bomb is stopped before it expands.
class TreeBuilder {
 public:
  TreeBuilder(const std::string* file, const YamlLimits& limits) : file_(file), limits_(limits) {}

  std::vector<Node> run(std::string_view text) {
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) throw Error("out of memory while reading YAML");
    std::unique_ptr<yaml_parser_t, void (*)(yaml_parser_t*)> guard(&parser, yaml_parser_delete);
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    while (true) {
      yaml_event_t event;
      if (!yaml_parser_parse(&parser, &event)) throw parse_error(parser, text);
      std::unique_ptr<yaml_event_t, void (*)(yaml_event_t*)> event_guard(&event, yaml_event_delete);
      if (event.type == YAML_STREAM_END_EVENT) break;
      handle(event);
    }
    return std::move(documents_);
  }

 private:
  struct Frame {
    Node node;
    std::string anchor;
    size_t count = 1;  // values in this subtree, aliases expanded
    // Mappings: the key waiting for its value, merge-key values, the keys written explicitly.
    bool has_key = false;
    bool key_is_merge = false;
    std::string key;
    Mark key_mark;
    std::vector<Node> merges;
    std::unordered_set<std::string> keys;  // filled only for large mappings

    // Whether `key` is new to the mapping (and records it): small mappings are scanned, large
    // ones get a hash set, so neither many tiny mappings nor one huge one is slow.
    bool add_key(const std::string& k) {
      const auto& entries = node.entries();
      if (entries.size() < 16) {
        for (const auto& e : entries)
          if (e.key == k) return false;
        return true;
      }
      if (keys.empty())
        for (const auto& e : entries) keys.insert(e.key);
      return keys.insert(k).second;
    }
  };
  struct Anchored {
    Node node;
    size_t count = 0;
  };

  Mark mark_of(const yaml_mark_t& m) const {
    return Mark{file_, static_cast<int>(m.line) + 1, static_cast<int>(m.column) + 1};
  }

  Error parse_error(const yaml_parser_t& p, std::string_view text) const {
    std::string what = "invalid YAML: ";
    what += p.problem ? p.problem : "malformed document";
    if (p.context) what += std::string(" (") + p.context + ")";
    size_t at = p.problem_mark.index;
    bool tab = at < text.size() && text[at] == '\t';
    return Error(what,
                 tab ? "YAML indents with spaces, not tabs: replace the tab at this place"
                     : "check the indentation and quoting near this place",
                 mark_of(p.problem_mark).location());
  }

  static std::string text_of(const unsigned char* s) {
    return s ? reinterpret_cast<const char*>(s) : "";
  }

  void count_nodes(size_t n, const Mark& mark) {
    nodes_ += n;
    if (nodes_ > limits_.max_nodes)
      throw Error("the document expands to more than " + std::to_string(limits_.max_nodes) +
                      " values (an alias bomb?)",
                  "reduce the use of anchors and aliases", mark.location());
  }

  static void keep_tag(const unsigned char* tag, Node& out) {
    std::string t = text_of(tag);
    if (t == "!reset" || t == "!override") out.set_tag(t);
  }

  void open(Node node, const unsigned char* anchor, const unsigned char* tag) {
    Mark mark = node.mark();
    if (static_cast<int>(stack_.size()) >= limits_.max_depth)
      throw Error("the document is nested more than " + std::to_string(limits_.max_depth) +
                      " levels deep",
                  "flatten the structure", mark.location());
    count_nodes(1, mark);
    keep_tag(tag, node);
    Frame f;
    f.node = std::move(node);
    f.anchor = text_of(anchor);
    stack_.push_back(std::move(f));
  }

  void handle(const yaml_event_t& e) {
    Mark mark = mark_of(e.start_mark);
    switch (e.type) {
      case YAML_SCALAR_EVENT: {
        const auto& s = e.data.scalar;
        std::string text(reinterpret_cast<const char*>(s.value), s.length);
        // A plain scalar without a tag may read as null, a bool or a number; anything quoted,
        // block-styled or tagged is a string.
        bool plain = s.style == YAML_PLAIN_SCALAR_STYLE && !s.tag;
        count_nodes(1, mark);
        Node node = plain && is_null_text(text) ? Node::null(mark) : Node::scalar(text, mark, !plain);
        keep_tag(s.tag, node);
        finish(std::move(node), 1, text_of(s.anchor), &text, plain && text == "<<");
        break;
      }
      case YAML_ALIAS_EVENT: {
        std::string name = text_of(e.data.alias.anchor);
        auto it = anchors_.find(name);
        if (it == anchors_.end())
          throw Error("unknown anchor '" + name + "'",
                      "define it with &" + name + " before this alias", mark.location());
        count_nodes(it->second.count, mark);
        const Node& target = it->second.node;
        std::string key_text = target.is_scalar() ? target.text() : "";
        finish(target, it->second.count, "", target.is_mapping() || target.is_sequence() ? nullptr : &key_text,
               false);
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
        open(Node::sequence(mark), e.data.sequence_start.anchor, e.data.sequence_start.tag);
        break;
      case YAML_MAPPING_START_EVENT:
        open(Node::mapping(mark), e.data.mapping_start.anchor, e.data.mapping_start.tag);
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        Frame f = std::move(stack_.back());
        stack_.pop_back();
        if (f.node.is_mapping()) apply_merges(f);
        finish(std::move(f.node), f.count, f.anchor, nullptr, false);
        break;
      }
      case YAML_DOCUMENT_START_EVENT:
        anchors_.clear();
        break;
      default:
        break;
    }
  }

  // A value is complete: it goes into the open collection (or is the document), and is kept
  // when anchored. `scalar` is the text of a scalar (for keys), null for collections.
  void finish(Node value, size_t count, const std::string& anchor, const std::string* scalar,
              bool merge_key) {
    if (!anchor.empty()) anchors_[anchor] = Anchored{value, count};
    if (stack_.empty()) {
      documents_.push_back(std::move(value));
      return;
    }
    Frame& top = stack_.back();
    top.count += count;
    if (top.node.is_sequence()) {
      top.node.push_back(std::move(value));
      return;
    }
    if (!top.has_key) {
      if (!scalar)
        throw Error(std::string("a mapping key must be a string, not a ") +
                        (value.is_mapping() ? "mapping" : "sequence"),
                    "", value.mark().location());
      top.has_key = true;
      top.key_is_merge = merge_key;
      top.key = *scalar;
      top.key_mark = value.mark();
      return;
    }
    top.has_key = false;
    if (top.key_is_merge) {
      top.merges.push_back(std::move(value));
      return;
    }
    if (!top.add_key(top.key))
      throw Error("duplicate key '" + top.key + "'", "remove one of the two entries",
                  top.key_mark.location());
    top.node.entries().push_back(Node::Entry{std::move(top.key), top.key_mark, std::move(value)});
  }

  // `<<: *anchor` or `<<: [*a, *b]`: keys not set explicitly come from the merged mappings,
  // the first one listed winning.
  static void apply_merges(Frame& f) {
    for (Node& merge : f.merges) {
      std::vector<Node*> sources;
      if (merge.is_mapping()) {
        sources.push_back(&merge);
      } else if (merge.is_sequence()) {
        for (Node& item : merge.items()) sources.push_back(&item);
      } else {
        sources.push_back(&merge);
      }
      for (Node* src : sources) {
        if (!src->is_mapping())
          throw Error("the merge key '<<' takes a mapping or a list of mappings", "",
                      src->mark().location());
        for (auto& e : src->entries())
          if (f.add_key(e.key)) f.node.entries().push_back(std::move(e));
      }
    }
  }

  const std::string* file_;
  const YamlLimits& limits_;
  size_t nodes_ = 0;
  std::vector<Frame> stack_;
  std::unordered_map<std::string, Anchored> anchors_;
  std::vector<Node> documents_;
};

}  // namespace

std::vector<Node> read_yaml_documents(std::string_view text, const std::string& file_name,
                                      const YamlLimits& limits) {
  const std::string* file = intern_file_name(file_name);
  size_t bad = find_invalid_utf8(text);
  if (bad != std::string_view::npos)
    throw Error("the file is not valid UTF-8", "save the file as UTF-8",
                line_col_of(text, bad, file).location());
  return TreeBuilder(file, limits).run(text);
}

Node read_yaml(std::string_view text, const std::string& file_name, const YamlLimits& limits) {
  std::vector<Node> docs = read_yaml_documents(text, file_name, limits);
  if (docs.empty() || (docs.size() == 1 && docs[0].is_null()))
    throw Error("the compose file is empty", "define at least `services:`",
                Mark{intern_file_name(file_name), 1, 1}.location());
  if (docs.size() > 1) {
    throw Error("the file holds " + std::to_string(docs.size()) + " YAML documents",
                "a compose file is one document: remove the '---' separators or split the file "
                "and pass each part with -f",
                docs[1].mark().location());
  }
  Node doc = std::move(docs.front());
  if (!doc.is_mapping())
    throw node_error(doc, "", std::string("the top level of a compose file must be a mapping, not a ") +
                                  doc.kind_name(),
                     "start the file with 'services:'");
  return doc;
}

}  // namespace berth::compose
