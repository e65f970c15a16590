// Loader stage: relative paths in one file's tree made absolute against that file's base
// directory (the project directory for -f files, the file's own directory for extends and
// include), and `~` expanded.
#pragma once

#include <string>

#include "compose/node.h"

namespace berth::compose {

// path.Clean-like lexical normalisation of an absolute path.
std::string clean_path(const std::string& path);
// `path` absolute: `~` -> home, relative -> base/path; cleaned.
std::string absolute_path(const std::string& path, const std::string& base, const std::string& home);

void resolve_paths(Node& document, const std::string& base, const std::string& home);
void resolve_service_paths(Node& service, const std::string& base, const std::string& home);

}  // namespace berth::compose
