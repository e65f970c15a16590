#include "compose/yaml_reader.h"

#include <yaml-cpp/yaml.h>

#include <unordered_map>

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

class Converter {
 public:
  Converter(const std::string* file, const YamlLimits& limits) : file_(file), limits_(limits) {}

  Node convert(const YAML::Node& in, int depth) {
    Mark mark = mark_of(in);
    if (depth > limits_.max_depth)
      throw Error("the document is nested more than " + std::to_string(limits_.max_depth) +
                      " levels deep",
                  "flatten the structure", mark.location());
    if (++nodes_ > limits_.max_nodes)
      throw Error("the document expands to more than " + std::to_string(limits_.max_nodes) +
                      " values (an alias bomb?)",
                  "reduce the use of anchors and aliases", mark.location());
    Node out;
    switch (in.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out = Node::null(mark);
        break;
      case YAML::NodeType::Scalar:
        // yaml-cpp gives plain scalars the tag "?"; quoted or explicitly tagged ones are strings.
        out = Node::scalar(in.Scalar(), mark, in.Tag() != "?");
        break;
      case YAML::NodeType::Sequence:
        out = Node::sequence(mark);
        for (const auto& item : in) out.push_back(convert(item, depth + 1));
        break;
      case YAML::NodeType::Map:
        out = convert_mapping(in, mark, depth);
        break;
    }
    keep_tag(in, out);
    return out;
  }

 private:
  Mark mark_of(const YAML::Node& n) const {
    YAML::Mark m = n.Mark();
    if (m.is_null()) return Mark{file_, 0, 0};
    return Mark{file_, m.line + 1, m.column + 1};
  }

  static void keep_tag(const YAML::Node& in, Node& out) {
    const std::string& tag = in.Tag();
    if (tag == "!reset" || tag == "!override") out.set_tag(tag);
  }

  std::string key_text(const YAML::Node& key) const {
    if (!key.IsScalar())
      throw Error("a mapping key must be a string, not a " +
                      std::string(key.IsMap() ? "mapping" : key.IsSequence() ? "sequence" : "null"),
                  "", mark_of(key).location());
    return key.Scalar();
  }

  Node convert_mapping(const YAML::Node& in, Mark mark, int depth) {
    Node out = Node::mapping(mark);
    std::vector<const YAML::Node*> merges;
    std::vector<YAML::Node> merge_values;
    for (const auto& kv : in) {
      if (kv.first.IsScalar() && kv.first.Tag() == "?" && kv.first.Scalar() == "<<") {
        merge_values.push_back(kv.second);
        continue;
      }
      std::string key = key_text(kv.first);
      if (out.find(key))
        throw Error("duplicate key '" + key + "'", "remove one of the two entries",
                    mark_of(kv.first).location());
      Node value = convert(kv.second, depth + 1);
      out.entries().push_back(Node::Entry{std::move(key), mark_of(kv.first), std::move(value)});
    }
    for (const auto& merge : merge_values) apply_merge_key(out, merge, depth);
    return out;
  }

  // `<<: *anchor` or `<<: [*a, *b]`: keys not set explicitly come from the merged mappings,
  // the first one listed winning.
  void apply_merge_key(Node& out, const YAML::Node& merge, int depth) {
    std::vector<YAML::Node> sources;
    if (merge.IsMap()) {
      sources.push_back(merge);
    } else if (merge.IsSequence()) {
      for (const auto& item : merge) sources.push_back(item);
    }
    for (const auto& src : sources) {
      if (!src.IsMap())
        throw Error("the merge key '<<' takes a mapping or a list of mappings", "",
                    mark_of(src).location());
      Node converted = convert(src, depth + 1);
      for (auto& e : converted.entries()) {
        if (!out.find(e.key)) out.entries().push_back(std::move(e));
      }
    }
    if (!merge.IsMap() && !merge.IsSequence())
      throw Error("the merge key '<<' takes a mapping or a list of mappings", "",
                  mark_of(merge).location());
  }

  const std::string* file_;
  const YamlLimits& limits_;
  size_t nodes_ = 0;
};

}  // namespace

std::vector<Node> read_yaml_documents(std::string_view text, const std::string& file_name,
                                      const YamlLimits& limits) {
  const std::string* file = intern_file_name(file_name);
  size_t bad = find_invalid_utf8(text);
  if (bad != std::string_view::npos)
    throw Error("the file is not valid UTF-8", "save the file as UTF-8",
                line_col_of(text, bad, file).location());
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    Mark m{file, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1};
    throw Error("invalid YAML: " + e.msg, "check the indentation and quoting near this place",
                m.location());
  }
  std::vector<Node> out;
  Converter converter(file, limits);
  for (const auto& doc : docs) out.push_back(converter.convert(doc, 0));
  return out;
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
