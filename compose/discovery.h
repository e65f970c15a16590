// Which compose files a command reads, the project directory, and the project name, by the
// rules of `docker compose`.
#pragma once

#include <string>
#include <vector>

#include "compose/environment.h"

namespace berth::compose {

// compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml in `dir` or the nearest
// parent that has one, with the matching override file when it exists. Empty when none.
std::vector<std::string> find_compose_files(const std::string& dir);

// COMPOSE_FILE split by COMPOSE_PATH_SEPARATOR (':' by default).
std::vector<std::string> split_compose_file_variable(const std::string& value,
                                                     const std::string& separator);

// Lower case, only [a-z0-9_-], starting with a letter or digit ("My App" -> "myapp").
std::string normalise_project_name(const std::string& name);
// Whether `name` is already a valid project name.
bool valid_project_name(const std::string& name);

}  // namespace berth::compose
