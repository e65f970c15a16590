// The blueprint loader: compose files -> Project, as a pipeline of named stages
// (read, interpolate, include, canonicalise, resolve paths, extends, merge, decode, environment,
// profiles, validate, normalise). Pure: it reads files and nothing else.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compose/model.h"

namespace berth::compose {

struct LoadOptions {
  std::vector<std::string> files;       // -f; empty: COMPOSE_FILE, then discovery from working_dir
  std::string project_name;             // -p
  std::string project_directory;        // --project-directory
  std::vector<std::string> env_files;   // --env-file
  std::vector<std::string> profiles;    // --profile; empty: COMPOSE_PROFILES
  std::string working_dir = ".";
  // The process environment; tests pass their own.
  std::map<std::string, std::string> environment;
  bool use_process_environment = true;
  std::string stdin_content;            // what `-f -` reads

  bool interpolate = true;
  bool normalize = true;
  bool resolve_paths = true;
  bool consistency = true;  // references, cycles and conflicts
};

struct LoadResult {
  Project project;
  std::vector<std::string> warnings;  // unset variables, ignored attributes, ...
};

LoadResult load_project(const LoadOptions& options);

}  // namespace berth::compose
