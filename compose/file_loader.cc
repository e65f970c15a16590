#include "compose/file_loader.h"

#include <filesystem>
#include <optional>

#include "compose/canonical.h"
#include "compose/extends.h"
#include "compose/include.h"
#include "compose/interpolate.h"
#include "compose/merge.h"
#include "compose/resolve_paths.h"
#include "compose/suggest.h"
#include "compose/yaml_reader.h"
#include "util/fs.h"

namespace berth::compose {

namespace {

// `servics: {web: {...}}` is a typo of `services:`, not a version 1 service named "servics":
// reading it as one would report its services as unknown attributes.
bool misspelt_services(const Node::Entry& e) {
  if (closest_match(e.key, {"services"}).empty() || !e.value.is_mapping() || e.value.size() == 0)
    return false;
  for (const auto& inner : e.value.entries())
    if (!inner.value.is_mapping() && !inner.value.is_null()) return false;
  return true;
}

// docker-compose's version 1 format: no `services:` key, every top-level key is a service.
bool is_legacy_format(const Node& doc) {
  static const char* const top[] = {"services", "name", "include", "networks",
                                    "volumes", "secrets", "configs", "models"};
  for (const char* k : top)
    if (doc.find(k)) return false;
  if (const Node* version = doc.find("version"))
    if (!version->is_scalar() || (version->text() != "1" && version->text() != "1.0")) return false;
  if (doc.size() == 0) return false;
  for (const auto& e : doc.entries()) {
    if (e.key != "version" && e.key.rfind("x-", 0) != 0 && !e.value.is_mapping()) return false;
    if (misspelt_services(e)) return false;
  }
  return true;
}

void upgrade_legacy_format(Node& doc, const std::string& path, const FileLoadContext& ctx) {
  if (!is_legacy_format(doc)) return;
  Node services = Node::mapping(doc.mark());
  Node upgraded = Node::mapping(doc.mark());
  for (auto& e : doc.entries()) {
    if (e.key == "version") continue;
    if (e.key.rfind("x-", 0) == 0) {
      upgraded.entries().push_back(std::move(e));
      continue;
    }
    // Version 1 services all joined Docker's default bridge.
    if (!e.value.find("network_mode") && !e.value.find("networks"))
      e.value.set("network_mode", Node::scalar("bridge", e.value.mark()));
    services.entries().push_back(std::move(e));
  }
  upgraded.set("services", std::move(services));
  doc = std::move(upgraded);
  if (ctx.warnings)
    ctx.warnings->push_back(path + " uses the legacy version 1 format (no `services:` key): read "
                            "every top-level key as a service");
}

// The tree parse_compose_file already gave for `path`, taken out of ctx.parsed.
std::optional<Node> take_parsed(const FileLoadContext& ctx, const std::string& path) {
  if (!ctx.parsed) return std::nullopt;
  auto entry = ctx.parsed->extract(path);
  if (!entry) return std::nullopt;
  return std::move(entry.mapped());
}

}  // namespace

Node parse_compose_file(const std::string& path, const std::string& stdin_content) {
  std::string text;
  if (path == "-") {
    text = stdin_content;
  } else {
    auto content = fs::read_file_if_exists(path);
    if (!content)
      throw Error("compose file " + path + " does not exist",
                  "check the -f argument, COMPOSE_FILE, or the working directory");
    text = std::move(*content);
  }
  return read_yaml(text, path);
}

Node read_compose_file(const std::string& path, const FileLoadContext& ctx,
                       const std::string& stdin_content) {
  std::optional<Node> cached = take_parsed(ctx, path);
  Node doc = cached ? std::move(*cached) : parse_compose_file(path, stdin_content);
  upgrade_legacy_format(doc, path, ctx);
  if (ctx.interpolate) {
    InterpolationWarnings unset;
    interpolate_tree(doc, ctx.environment->lookup(), &unset);
    if (ctx.warnings)
      for (const auto& name : unset.unset)
        ctx.warnings->push_back("the \"" + name + "\" variable is not set. Defaulting to a blank string.");
  }
  return doc;
}

Node load_compose_file(const std::string& path, const std::string& base_dir, FileLoadContext& ctx,
                       const std::string& stdin_content) {
  Node doc = read_compose_file(path, ctx, stdin_content);
  std::string file_dir = path == "-" ? base_dir
                                     : std::filesystem::path(path).parent_path().string();
  canonicalise(doc);
  if (ctx.resolve_paths) resolve_paths(doc, base_dir, ctx.home);
  resolve_extends(doc, path, ctx);
  resolve_includes(doc, path, file_dir, ctx);
  return doc;
}

}  // namespace berth::compose
