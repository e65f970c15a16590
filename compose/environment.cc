#include "compose/environment.h"

#include "compose/dotenv.h"
#include "util/fs.h"

extern char** environ;

namespace berth::compose {

Environment Environment::from_process() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv = *e;
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env.vars_.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return env;
}

std::optional<std::string> Environment::get(std::string_view name) const {
  auto it = vars_.find(name);
  if (it == vars_.end()) return std::nullopt;
  return it->second;
}

void Environment::set_default(const std::string& name, const std::string& value) {
  vars_.emplace(name, value);
}

void Environment::load_dotenv_file(const std::string& path) {
  std::string text = fs::read_file(path);
  // Values in a .env file may refer to the process environment and to earlier lines.
  for (const DotenvEntry& e : parse_dotenv(text, path, lookup())) set_default(e.name, e.value);
}

Lookup Environment::lookup() const {
  return [this](std::string_view name) { return get(name); };
}

}  // namespace berth::compose
