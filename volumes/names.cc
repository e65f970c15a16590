#include "volumes/names.h"

#include <cctype>

#include "util/error.h"

namespace berth::volumes {

bool is_valid_name(const std::string& name) {
  if (name.empty() || name.size() > 255) return false;
  if (!std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

void check_name(const std::string& what, const std::string& name) {
  if (!is_valid_name(name))
    throw Error("invalid " + what + " name '" + name + "'",
                "a " + what +
                    " name starts with a letter or digit and has only letters, digits, '_', '.' "
                    "and '-'");
}

}  // namespace berth::volumes
