#include "compose/discovery.h"

#include <cctype>
#include <filesystem>

namespace berth::compose {

namespace {
const char* const kNames[] = {"compose.yaml", "compose.yml", "docker-compose.yaml",
                              "docker-compose.yml"};
const char* const kOverrides[] = {"compose.override.yaml", "compose.override.yml",
                                  "docker-compose.override.yaml", "docker-compose.override.yml"};
}  // namespace

std::vector<std::string> find_compose_files(const std::string& start) {
  namespace stdfs = std::filesystem;
  std::error_code ec;
  stdfs::path dir = stdfs::absolute(start, ec);
  while (true) {
    for (size_t i = 0; i < std::size(kNames); ++i) {
      stdfs::path candidate = dir / kNames[i];
      if (!stdfs::is_regular_file(candidate, ec)) continue;
      std::vector<std::string> files{candidate.string()};
      // The override that goes with the found name's family (compose.* or docker-compose.*).
      for (size_t j = (i < 2 ? 0 : 2); j < (i < 2 ? 2 : 4); ++j) {
        stdfs::path over = dir / kOverrides[j];
        if (stdfs::is_regular_file(over, ec)) {
          files.push_back(over.string());
          break;
        }
      }
      return files;
    }
    if (!dir.has_parent_path() || dir.parent_path() == dir) return {};
    dir = dir.parent_path();
  }
}

std::vector<std::string> split_compose_file_variable(const std::string& value,
                                                     const std::string& separator) {
  std::string sep = separator.empty() ? ":" : separator;
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(sep, start);
    if (end == std::string::npos) end = value.size();
    if (end > start) out.push_back(value.substr(start, end - start));
    start = end + sep.size();
  }
  return out;
}

std::string normalise_project_name(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    char lower = static_cast<char>(std::tolower(c));
    if (std::isalnum(static_cast<unsigned char>(lower)) || lower == '_' || lower == '-') out += lower;
  }
  size_t first = out.find_first_not_of("_-");
  return first == std::string::npos ? "" : out.substr(first);
}

bool valid_project_name(const std::string& name) {
  return !name.empty() && normalise_project_name(name) == name;
}

}  // namespace berth::compose
