#include "compose/service_environment.h"

#include "compose/dotenv.h"
#include "util/fs.h"

namespace berth::compose {

namespace {

Error file_error(const Service& s, const std::string& attribute, const std::string& what,
                 const std::string& hint) {
  return Error(what, hint, s.mark.location(), "services." + s.name + "." + attribute);
}

void apply_env_files(Service& s, const Environment& env) {
  if (s.env_file.empty()) return;
  OptionalStringMap from_files;
  for (const EnvFile& f : s.env_file) {
    auto text = fs::read_file_if_exists(f.path);
    if (!text) {
      if (!f.required.value_or(true)) continue;
      throw file_error(s, "env_file", "env file " + f.path + " not found",
                       "create it, fix the path, or mark it `required: false`");
    }
    if (!f.format.empty() && f.format != "raw")
      throw file_error(s, "env_file", "unknown env_file format '" + f.format + "'",
                       "leave format out, or use format: raw");
    auto format = f.format == "raw" ? DotenvFormat::Raw : DotenvFormat::Interpolated;
    for (const auto& e : parse_dotenv(*text, f.path, env.lookup(), format)) from_files[e.name] = e.value;
  }
  // `environment:` wins over env files; a key without a value there takes the project
  // environment's value, else keeps the env file's.
  for (auto& [k, v] : s.environment) {
    if (v) from_files[k] = v;
    else if (auto value = env.get(k)) from_files[k] = value;
    else from_files.try_emplace(k, std::nullopt);
  }
  s.environment = std::move(from_files);
}

void apply_label_files(Service& s, const Environment& env) {
  if (s.label_file.empty()) return;
  StringMap labels;
  for (const auto& path : s.label_file) {
    auto text = fs::read_file_if_exists(path);
    if (!text) throw file_error(s, "label_file", "label file " + path + " not found", "create it or fix the path");
    for (const auto& e : parse_dotenv(*text, path, env.lookup(), DotenvFormat::Raw)) labels[e.name] = e.value;
  }
  for (auto& [k, v] : s.labels) labels[k] = v;
  s.labels = std::move(labels);
}

}  // namespace

void resolve_service_environment(Project& project, const Environment& env) {
  for (auto& [_, s] : project.services) {
    apply_env_files(s, env);
    apply_label_files(s, env);
    for (auto& [name, value] : s.environment)
      if (!value) value = env.get(name);
  }
}

}  // namespace berth::compose
