// Loading one compose file into a canonical tree: read, interpolate, include, canonicalise,
// resolve paths, extends. Shared by the main files, extended files and included projects.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "compose/environment.h"
#include "compose/node.h"

namespace berth::compose {

struct FileLoadContext {
  const Environment* environment = nullptr;
  std::string home;
  bool interpolate = true;
  bool resolve_paths = true;
  std::vector<std::string>* warnings = nullptr;
  std::vector<std::string> include_stack;  // absolute paths, to report include cycles
  // Files already parsed (by parse_compose_file) and not used yet: read_compose_file takes a
  // file's tree from here rather than parsing the text again. May be null.
  std::map<std::string, Node>* parsed = nullptr;
};

// Reads and parses `path` ("-" is `stdin_content`): the tree as written, not interpolated.
Node parse_compose_file(const std::string& path, const std::string& stdin_content = {});

// Reads and parses `path` ("-" is `stdin_content`), interpolates it.
Node read_compose_file(const std::string& path, const FileLoadContext& ctx,
                       const std::string& stdin_content = {});

// Every stage up to (not including) the merge of several -f files. Relative paths resolve
// against `base_dir`.
Node load_compose_file(const std::string& path, const std::string& base_dir, FileLoadContext& ctx,
                       const std::string& stdin_content = {});

}  // namespace berth::compose
