// Stage 1 of the loader: YAML text -> Node tree.
//
// Resolves anchors, aliases and merge keys (`<<`), keeps the tags the loader acts on, and guards
// against hostile input: invalid UTF-8, deep nesting and alias bombs give errors, not crashes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compose/node.h"

namespace berth::compose {

struct YamlLimits {
  size_t max_nodes = 2'000'000;  // after alias expansion
  int max_depth = 500;
};

// Every document in `text`; `file_name` is used for Marks and messages.
std::vector<Node> read_yaml_documents(std::string_view text, const std::string& file_name,
                                      const YamlLimits& limits = {});

// The single document of a blueprint file: several documents are merged in order by the caller,
// an empty file gives an empty mapping.
Node read_yaml(std::string_view text, const std::string& file_name, const YamlLimits& limits = {});

// The byte offset of the first invalid UTF-8 sequence, or npos.
size_t find_invalid_utf8(std::string_view text);

}  // namespace berth::compose
