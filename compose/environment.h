// The variables a project sees: the process environment, then .env / --env-file values for
// names the process does not set.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compose/lookup.h"

namespace berth::compose {

class Environment {
 public:
  Environment() = default;
  explicit Environment(const std::map<std::string, std::string>& vars) : vars_(vars.begin(), vars.end()) {}
  static Environment from_process();

  std::optional<std::string> get(std::string_view name) const;
  // Sets `name` only where it is not set yet: the process environment wins over files.
  void set_default(const std::string& name, const std::string& value);
  void set(const std::string& name, const std::string& value) { vars_[name] = value; }
  // Reads a .env file (relative names against nothing: pass absolute paths) into defaults.
  void load_dotenv_file(const std::string& path);

  Lookup lookup() const;
  const std::map<std::string, std::string, std::less<>>& vars() const { return vars_; }

 private:
  std::map<std::string, std::string, std::less<>> vars_;
};

}  // namespace berth::compose
