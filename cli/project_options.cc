#include "cli/project_options.h"

#include <iostream>
#include <iterator>

#include "util/log.h"

namespace berth::cli {

compose::LoadOptions load_options(const GlobalOptions& g) {
  compose::LoadOptions o;
  o.files = g.files;
  o.project_name = g.project_name;
  o.project_directory = g.project_directory;
  o.env_files = g.env_files;
  o.profiles = g.profiles;
  for (const auto& f : g.files) {
    if (f == "-") {
      o.stdin_content.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
      break;
    }
  }
  return o;
}

compose::LoadResult load(const compose::LoadOptions& options) {
  compose::LoadResult r = compose::load_project(options);
  for (const auto& w : r.warnings) log::warn(w);
  return r;
}

}  // namespace berth::cli
