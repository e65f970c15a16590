#include "compose/include.h"

#include <filesystem>

#include "compose/merge.h"
#include "compose/resolve_paths.h"

namespace berth::compose {

namespace {

std::vector<std::string> strings_of(const Node& n, const std::string& path) {
  std::vector<std::string> out;
  if (n.is_scalar()) {
    out.push_back(n.text());
  } else if (n.is_sequence()) {
    for (size_t i = 0; i < n.items().size(); ++i) {
      if (!n.items()[i].is_scalar())
        throw node_error(n.items()[i], path_index(path, i), "must be a path");
      out.push_back(n.items()[i].text());
    }
  } else if (!n.is_null()) {
    throw node_error(n, path, "must be a path or a list of paths");
  }
  return out;
}

std::string one_path(const Node& n, const std::string& path) {
  if (!n.is_scalar() || n.text().empty()) throw node_error(n, path, "must be a path", "write one directory");
  return n.text();
}

struct IncludeEntry {
  std::vector<std::string> paths;
  std::string project_directory;
  std::vector<std::string> env_files;
  const Node* node;
};

IncludeEntry parse_entry(const Node& item, const std::string& path, const std::string& dir,
                         const std::string& home) {
  IncludeEntry entry{{}, {}, {}, &item};
  if (item.is_scalar()) {
    entry.paths = {item.text()};
  } else if (item.is_mapping()) {
    for (const auto& e : item.entries()) {
      std::string p = path_join(path, e.key);
      if (e.key == "path") entry.paths = strings_of(e.value, p);
      else if (e.key == "project_directory") entry.project_directory = one_path(e.value, p);
      else if (e.key == "env_file") entry.env_files = strings_of(e.value, p);
      else
        throw Error("unknown attribute '" + e.key + "'", "include takes path, project_directory and env_file",
                    e.key_mark.location(), p);
    }
  } else {
    throw node_error(item, path, "must be a path or a mapping with path");
  }
  if (entry.paths.empty()) throw node_error(item, path, "include needs a path");
  for (auto& p : entry.paths) p = absolute_path(p, dir, home);
  for (auto& p : entry.env_files) p = absolute_path(p, dir, home);
  if (!entry.project_directory.empty())
    entry.project_directory = absolute_path(entry.project_directory, dir, home);
  return entry;
}

void import_section(Node& document, const Node& included, const char* section,
                    const std::string& source, const Node& where) {
  const Node* from = included.find(section);
  if (!from || !from->is_mapping()) return;
  Node* into = document.find(section);
  if (!into) into = &document.set(section, Node::mapping(where.mark()));
  if (!into->is_mapping()) return;
  for (const auto& e : from->entries()) {
    if (into->find(e.key))
      throw node_error(where, std::string(section) + "." + e.key,
                       std::string(section) + "." + e.key + " from the included file " + source +
                           " conflicts with a definition of the same name",
                       "rename one of them, or extend the included one instead");
    into->entries().push_back(e);
  }
}

}  // namespace

void resolve_includes(Node& document, const std::string& path, const std::string& file_dir,
                      FileLoadContext& ctx) {
  const Node* includes = document.find("include");
  if (!includes) return;
  Node list = *includes;
  document.erase("include");
  if (list.is_null()) return;
  if (!list.is_sequence()) throw node_error(list, "include", "must be a list");

  std::vector<std::string> stack = ctx.include_stack;
  stack.push_back(path);
  for (size_t i = 0; i < list.items().size(); ++i) {
    IncludeEntry entry = parse_entry(list.items()[i], path_index("include", i), file_dir, ctx.home);
    for (const auto& p : entry.paths) {
      for (const auto& s : stack)
        if (s == p)
          throw node_error(*entry.node, path_index("include", i),
                           "include cycle: " + path + " includes " + p + " which is already being loaded",
                           "remove one of the includes");
      std::error_code ec;  // a name too long for the file system is "not there", not a crash
      if (!std::filesystem::exists(p, ec))
        throw node_error(*entry.node, path_index("include", i), "included file " + p + " does not exist",
                         "check the path (relative paths are against the including file)");
    }
    std::string project_dir = entry.project_directory.empty()
                                  ? std::filesystem::path(entry.paths[0]).parent_path().string()
                                  : entry.project_directory;
    // The included application sees the process environment and its own env files.
    Environment env = *ctx.environment;
    if (entry.env_files.empty()) {
      std::string dotenv = project_dir + "/.env";
      std::error_code ec;
      if (std::filesystem::is_regular_file(dotenv, ec)) env.load_dotenv_file(dotenv);
    } else {
      for (const auto& f : entry.env_files) env.load_dotenv_file(f);
    }
    FileLoadContext sub = ctx;
    sub.environment = &env;
    sub.include_stack = stack;
    Node merged = load_compose_file(entry.paths[0], project_dir, sub);
    for (size_t k = 1; k < entry.paths.size(); ++k)
      merge_documents(merged, load_compose_file(entry.paths[k], project_dir, sub));
    for (const char* section : {"services", "networks", "volumes", "secrets", "configs", "models"})
      import_section(document, merged, section, entry.paths[0], *entry.node);
  }
}

}  // namespace berth::compose
