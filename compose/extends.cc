#include "compose/extends.h"

#include <filesystem>
#include <map>

#include "compose/canonical.h"
#include "compose/merge.h"
#include "compose/resolve_paths.h"

namespace berth::compose {

namespace {

class ExtendsResolver {
 public:
  ExtendsResolver(FileLoadContext& ctx) : ctx_(ctx) {}

  // The fully resolved definition of `name` in `document` (from file `path`).
  Node resolve(Node& document, const std::string& path, const std::string& name,
               std::vector<std::string>& chain) {
    std::string id = path + "#" + name;
    for (const auto& c : chain)
      if (c == id) throw cycle_error(document, name, chain, id);
    Node* services = document.find("services");
    Node* service = services ? services->find(name) : nullptr;
    if (!service) return Node();
    Node* ext = service->find("extends");
    if (!ext || !ext->is_mapping()) return *service;

    chain.push_back(id);
    std::string base_name = text_of(ext->find("service"));
    const Node* file_node = ext->find("file");
    std::string path_here = "services." + name + ".extends";
    if (base_name.empty())
      throw node_error(*ext, path_here, "extends needs the name of a service",
                       "write extends: {service: NAME} or extends: NAME");
    Node base;
    if (file_node && file_node->is_scalar() && !file_node->text().empty()) {
      std::string other_path = file_node->text();
      Node& other = load_other(other_path, *file_node, path_here);
      base = resolve(other, other_path, base_name, chain);
      if (base.is_null())
        throw node_error(*file_node, path_here + ".service",
                         "service '" + base_name + "' is not defined in " + other_path,
                         "check the service name in that file");
    } else {
      base = resolve(document, path, base_name, chain);
      if (base.is_null())
        throw node_error(*ext, path_here + ".service",
                         "cannot extend service '" + base_name + "': it is not defined",
                         "define it in this file, or name the file it is in with extends.file");
    }
    chain.pop_back();

    Node own = *service;
    own.erase("extends");
    base.erase("extends");
    merge_service(base, own);
    *service = base;
    return base;
  }

 private:
  static std::string text_of(const Node* n) { return n && n->is_scalar() ? n->text() : ""; }

  Error cycle_error(const Node& document, const std::string& name,
                    const std::vector<std::string>& chain, const std::string& id) {
    std::string cycle;
    bool in = false;
    for (const auto& c : chain) {
      if (c == id) in = true;
      if (in) cycle += c.substr(c.find('#') + 1) + " -> ";
    }
    const Node* services = document.find("services");
    const Node* s = services ? services->find(name) : nullptr;
    return node_error(s ? *s : document, "services." + name + ".extends",
                      "extends cycle: " + cycle + name, "break the cycle");
  }

  Node& load_other(const std::string& other_path, const Node& where, const std::string& path_here) {
    auto it = loaded_.find(other_path);
    if (it != loaded_.end()) return it->second;
    std::error_code ec;  // a name too long for the file system is "not there", not a crash
    if (!std::filesystem::exists(other_path, ec))
      throw node_error(where, path_here + ".file", "extended file " + other_path + " does not exist",
                       "check the path (relative paths are against the file that has the extends)");
    Node doc = read_compose_file(other_path, ctx_);
    canonicalise(doc);
    if (ctx_.resolve_paths)
      resolve_paths(doc, std::filesystem::path(other_path).parent_path().string(), ctx_.home);
    return loaded_.emplace(other_path, std::move(doc)).first->second;
  }

  FileLoadContext& ctx_;
  std::map<std::string, Node> loaded_;
};

}  // namespace

void resolve_extends(Node& document, const std::string& path, FileLoadContext& ctx) {
  Node* services = document.find("services");
  if (!services || !services->is_mapping()) return;
  ExtendsResolver resolver(ctx);
  std::vector<std::string> names;
  // Only services that extend another change (resolving one without `extends` copies it whole).
  for (const auto& e : services->entries())
    if (e.value.is_mapping() && e.value.find("extends")) names.push_back(e.key);
  for (const auto& name : names) {
    std::vector<std::string> chain;
    resolver.resolve(document, path, name, chain);
  }
}

}  // namespace berth::compose
