#include "compose/resolve_paths.h"

#include <filesystem>

#include "compose/short_syntax.h"

namespace berth::compose {

std::string clean_path(const std::string& path) {
  std::string out = std::filesystem::path(path).lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::string absolute_path(const std::string& path, const std::string& base, const std::string& home) {
  if (path == "~" || path.rfind("~/", 0) == 0) return clean_path(home + path.substr(1));
  if (!path.empty() && path[0] == '/') return clean_path(path);
  if (is_windows_path(path)) return path;
  return clean_path(base + "/" + path);
}

namespace {

// A build context or additional context that is not a local path.
bool is_remote_or_special(const std::string& s) {
  static const char* const prefixes[] = {"http://", "https://", "git://", "git@", "ssh://",
                                         "github.com/", "docker-image://", "oci-layout://",
                                         "service:", "target:"};
  for (const char* p : prefixes)
    if (s.rfind(p, 0) == 0) return true;
  return false;
}

void resolve_scalar(Node* n, const std::string& base, const std::string& home) {
  if (n && n->is_scalar() && !n->plain_null() && !n->text().empty())
    n->set_text(absolute_path(n->text(), base, home));
}

}  // namespace

void resolve_service_paths(Node& service, const std::string& base, const std::string& home) {
  if (!service.is_mapping()) return;
  if (Node* build = service.find("build"); build && build->is_mapping()) {
    Node* context = build->find("context");
    if (!context) {
      build->set("context", Node::scalar(clean_path(base), build->mark()));
    } else if (context->is_scalar() && !is_remote_or_special(context->text())) {
      resolve_scalar(context, base, home);
    }
    if (Node* extra = build->find("additional_contexts"); extra && extra->is_mapping())
      for (auto& e : extra->entries())
        if (e.value.is_scalar() && !is_remote_or_special(e.value.text()))
          resolve_scalar(&e.value, base, home);
  }
  if (Node* files = service.find("env_file"); files && files->is_sequence())
    for (Node& f : files->items())
      if (f.is_mapping()) resolve_scalar(f.find("path"), base, home);
  if (Node* files = service.find("label_file"); files && files->is_sequence())
    for (Node& f : files->items()) resolve_scalar(&f, base, home);
  if (Node* volumes = service.find("volumes"); volumes && volumes->is_sequence()) {
    for (Node& v : volumes->items()) {
      if (!v.is_mapping()) continue;
      const Node* type = v.find("type");
      if (type && type->is_scalar() && type->text() == "bind") resolve_scalar(v.find("source"), base, home);
    }
  }
  if (Node* ext = service.find("extends"); ext && ext->is_mapping())
    resolve_scalar(ext->find("file"), base, home);
  if (Node* develop = service.find("develop"); develop && develop->is_mapping())
    if (Node* watch = develop->find("watch"); watch && watch->is_sequence())
      for (Node& w : watch->items())
        if (w.is_mapping()) resolve_scalar(w.find("path"), base, home);
}

void resolve_paths(Node& document, const std::string& base, const std::string& home) {
  if (Node* services = document.find("services"); services && services->is_mapping())
    for (auto& e : services->entries()) resolve_service_paths(e.value, base, home);
  for (const char* section : {"secrets", "configs"}) {
    Node* s = document.find(section);
    if (!s || !s->is_mapping()) continue;
    for (auto& e : s->entries())
      if (e.value.is_mapping()) resolve_scalar(e.value.find("file"), base, home);
  }
}

}  // namespace berth::compose
