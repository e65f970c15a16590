#include "compose/loader.h"

#include <filesystem>

#include "compose/discovery.h"
#include "compose/environment.h"
#include "compose/file_loader.h"
#include "compose/graph.h"
#include "compose/interpolate.h"
#include "compose/merge.h"
#include "compose/normalise.h"
#include "compose/profiles.h"
#include "compose/service_environment.h"
#include "compose/validate.h"

namespace berth::compose {

namespace {

namespace stdfs = std::filesystem;

std::string absolute(const std::string& path, const std::string& base) {
  if (path == "-") return path;
  stdfs::path p(path);
  if (p.is_relative()) p = stdfs::path(base) / p;
  return p.lexically_normal().string();
}

Environment base_environment(const LoadOptions& o) {
  Environment env = o.use_process_environment ? Environment::from_process() : Environment();
  for (const auto& [k, v] : o.environment) env.set(k, v);
  return env;
}

// -f files, else COMPOSE_FILE, else discovery from the working directory.
std::vector<std::string> choose_files(const LoadOptions& o, const Environment& env,
                                      const std::string& cwd) {
  std::vector<std::string> files;
  if (!o.files.empty()) {
    files = o.files;
  } else if (auto var = env.get("COMPOSE_FILE"); var && !var->empty()) {
    files = split_compose_file_variable(*var, env.get("COMPOSE_PATH_SEPARATOR").value_or(":"));
  } else {
    std::string start = o.project_directory.empty() ? cwd : absolute(o.project_directory, cwd);
    files = find_compose_files(start);
    if (files.empty())
      throw Error("no compose file found in " + start + " or its parents",
                  "create compose.yaml, or name a file with -f");
  }
  for (auto& f : files) f = absolute(f, cwd);
  return files;
}

// The .env of the project directory, or the --env-file files, under the process environment.
void load_env_files(const LoadOptions& o, const std::string& project_dir, const std::string& cwd,
                    Environment& env) {
  if (!o.env_files.empty()) {
    for (const auto& f : o.env_files) {
      std::string path = absolute(f, cwd);
      std::error_code ec;
      if (!stdfs::is_regular_file(path, ec))
        throw Error("env file " + path + " not found", "check the --env-file argument");
      env.load_dotenv_file(path);
    }
    return;
  }
  std::string dotenv = project_dir + "/.env";
  std::error_code ec;
  if (stdfs::is_regular_file(dotenv, ec)) env.load_dotenv_file(dotenv);
}

// -p, then COMPOSE_PROJECT_NAME, then the files' `name:`, then the project directory's name.
std::string choose_project_name(const LoadOptions& o, const Environment& env, const Node& merged,
                                const std::string& project_dir) {
  if (!o.project_name.empty()) {
    if (!valid_project_name(o.project_name))
      throw Error("invalid project name '" + o.project_name + "'",
                  "a project name has only lower-case letters, digits, '-' and '_', and starts "
                  "with a letter or digit");
    return o.project_name;
  }
  if (auto var = env.get("COMPOSE_PROJECT_NAME"); var && !var->empty())
    return normalise_project_name(*var);
  if (const Node* name = merged.find("name"); name && name->is_scalar() && !name->text().empty()) {
    if (!valid_project_name(name->text()))
      throw node_error(*name, "name", "invalid project name '" + name->text() + "'",
                       "use only lower-case letters, digits, '-' and '_', starting with a letter or digit");
    return name->text();
  }
  std::string fallback = normalise_project_name(stdfs::path(project_dir).filename().string());
  return fallback.empty() ? "default" : fallback;
}

// The `name:` of the files, interpolated, before the rest: COMPOSE_PROJECT_NAME is defined for
// interpolation from the project name, which may come from `name:`. The parsed files are kept in
// ctx.parsed, so that loading them does not parse them again.
// The name node keeps its mark, so that an invalid name is reported where it is written.
Node peek_name(const std::vector<std::string>& files, FileLoadContext& ctx,
               const std::string& stdin_content) {
  Node name;
  for (const auto& f : files) {
    auto it = ctx.parsed->find(f);
    if (it == ctx.parsed->end()) it = ctx.parsed->emplace(f, parse_compose_file(f, stdin_content)).first;
    const Node* n = it->second.find("name");
    if (!n || !n->is_scalar()) continue;
    Node copy = *n;
    if (ctx.interpolate) interpolate_tree(copy, ctx.environment->lookup(), nullptr);
    name = std::move(copy);
  }
  return name;
}

}  // namespace

LoadResult load_project(const LoadOptions& o) {
  LoadResult result;
  std::error_code ec;
  std::string cwd = absolute(o.working_dir, stdfs::current_path(ec).string());
  if (ec) throw Error("cannot read the working directory: " + ec.message(), "cd to an existing directory");
  Environment env = base_environment(o);
  std::vector<std::string> files = choose_files(o, env, cwd);

  std::string project_dir = !o.project_directory.empty() ? absolute(o.project_directory, cwd)
                            : files[0] == "-"            ? cwd
                                                         : stdfs::path(files[0]).parent_path().string();
  load_env_files(o, project_dir, cwd, env);

  FileLoadContext ctx;
  ctx.environment = &env;
  ctx.home = env.get("HOME").value_or("/root");
  ctx.interpolate = o.interpolate;
  ctx.resolve_paths = o.resolve_paths;
  ctx.warnings = &result.warnings;
  std::map<std::string, Node> parsed;
  ctx.parsed = &parsed;

  if (!env.get("COMPOSE_PROJECT_NAME") || env.get("COMPOSE_PROJECT_NAME")->empty()) {
    Node name_only = Node::mapping();
    Node peeked = peek_name(files, ctx, o.stdin_content);
    if (peeked.is_scalar() && !peeked.text().empty()) name_only.set("name", std::move(peeked));
    env.set("COMPOSE_PROJECT_NAME", choose_project_name(o, env, name_only, project_dir));
  }

  // load -> interpolate -> include -> canonicalise -> resolve paths -> extends, per file;
  // then merge the files in order.
  // The first file is the base as it is (merging it onto nothing would copy it whole).
  Node merged = Node::mapping();
  for (size_t i = 0; i < files.size(); ++i) {
    Node doc = load_compose_file(files[i], project_dir, ctx, o.stdin_content);
    if (i == 0) {
      apply_tags(doc);
      merged = std::move(doc);
    } else {
      merge_documents(merged, doc);
    }
  }
  if (files.size() > 1) apply_tags(merged);

  Project project = decode_project(merged);
  project.name = choose_project_name(o, env, merged, project_dir);
  project.working_dir = project_dir;
  project.compose_files = files;
  project.environment = {env.vars().begin(), env.vars().end()};

  resolve_service_environment(project, env);
  std::vector<std::string> active = o.profiles;
  if (active.empty())
    if (auto var = env.get("COMPOSE_PROFILES"); var && !var->empty())
      active = split_compose_file_variable(*var, ",");
  apply_profiles(project, active);

  if (o.consistency) validate_project(merged, project);
  if (o.normalize) normalise(project);
  if (o.consistency) check_dependency_cycles(project);
  for (auto& w : ignored_attributes(project)) result.warnings.push_back(std::move(w));
  result.project = std::move(project);
  return result;
}

}  // namespace berth::compose
