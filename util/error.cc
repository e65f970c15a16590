#include "util/error.h"

namespace berth {

std::string SourceLocation::str() const {
  if (file.empty()) return {};
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out;
}

static std::string compose_text(const std::string& what, const std::string& hint,
                                 const SourceLocation& where, const std::string& path) {
  std::string out;
  if (where.known()) out += where.str() + ": ";
  if (!path.empty()) out += path + ": ";
  out += what;
  if (!hint.empty()) out += "\n  hint: " + hint;
  return out;
}

Error::Error(std::string what, std::string hint, SourceLocation where, std::string path)
    : std::runtime_error(compose_text(what, hint, where, path)),
      message_(std::move(what)),
      hint_(std::move(hint)),
      where_(std::move(where)),
      path_(std::move(path)) {}

std::string Error::render() const { return std::runtime_error::what(); }

}  // namespace berth
