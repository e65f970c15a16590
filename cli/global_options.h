// The flags every verb shares, as `docker compose` has them.
#pragma once

#include <string>
#include <vector>

namespace berth::cli {

struct GlobalOptions {
  std::vector<std::string> files;         // -f/--file, repeatable
  std::string project_name;               // -p/--project-name
  std::string project_directory;          // --project-directory
  std::vector<std::string> env_files;     // --env-file, repeatable
  std::vector<std::string> profiles;      // --profile, repeatable
  std::string ansi = "auto";              // never|always|auto
  std::string progress = "auto";          // auto|tty|plain|json|quiet
  std::string log_level = "warn";
};

}  // namespace berth::cli
