#include "compose/validate.h"

#include <algorithm>
#include <set>

#include "compose/suggest.h"
#include "compose/volumes_from.h"

namespace berth::compose {

void check_has_image_or_build(const Service& s) {
  if (s.image.empty() && !s.build && !s.provider)
    throw Error("service '" + s.name + "' has neither an image nor a build context",
                "add `image:` or `build:`", s.mark.location(), "services." + s.name);
}

namespace {

// One service's checks, with its tree for marks.
class ServiceValidator {
 public:
  ServiceValidator(const Project& p, const Service& s, const Node& tree)
      : p_(p), s_(s), tree_(tree), path_("services." + s.name) {}

  void run() {
    check_has_image_or_build(s_);
    depends_on();
    networks();
    volumes();
    file_references("secrets", p_.secrets);
    file_references("configs", p_.configs);
    service_modes();
    enums();
    ports();
    healthcheck();
  }

 private:
  const Node& at(std::initializer_list<std::string_view> keys) const {
    const Node* n = &tree_;
    for (auto k : keys) {
      const Node* next = n->is_mapping() ? n->find(k) : nullptr;
      if (!next) return *n;
      n = next;
    }
    return *n;
  }

  // The mark of the mapping key `key` under attribute `attribute`, for errors about a name.
  Error error_at_key(std::string_view attribute, const std::string& key, const std::string& what,
                     const std::string& hint) const {
    const Node& section = at({attribute});
    const Node::Entry* e = section.is_mapping() ? section.find_entry(key) : nullptr;
    SourceLocation where = e ? e->key_mark.location() : section.mark().location();
    return Error(what, hint, where, path_ + "." + std::string(attribute) + "." + key);
  }

  Error error_at(const Node& n, const std::string& sub, const std::string& what,
                 const std::string& hint = {}) const {
    return node_error(n, path_ + "." + sub, what, hint);
  }

  template <class Map>
  static std::string did_you_mean(const std::string& name, const Map& known) {
    std::vector<std::string_view> names;
    for (const auto& [k, _] : known) names.push_back(k);
    std::string near = closest_match(name, names);
    return near.empty() ? "" : "did you mean '" + near + "'? ";
  }

  void depends_on() const {
    for (const auto& [dep, d] : s_.depends_on) {
      if (dep == s_.name)
        throw error_at_key("depends_on", dep, "service '" + s_.name + "' depends on itself",
                           "remove it from its own depends_on");
      if (!d.condition.empty() && d.condition != "service_started" &&
          d.condition != "service_healthy" && d.condition != "service_completed_successfully")
        throw error_at_key("depends_on", dep, "unknown condition '" + d.condition + "'",
                           "use service_started, service_healthy or service_completed_successfully");
      if (p_.services.count(dep)) continue;
      bool disabled = std::find(p_.disabled_services.begin(), p_.disabled_services.end(), dep) !=
                      p_.disabled_services.end();
      if (!d.required.value_or(true)) continue;
      if (disabled)
        throw error_at_key("depends_on", dep,
                           "service '" + s_.name + "' depends on '" + dep +
                               "', which no active profile enables",
                           "enable one of its profiles with --profile, or mark the dependency "
                           "`required: false`");
      throw error_at_key("depends_on", dep,
                         "service '" + s_.name + "' depends on undefined service '" + dep + "'",
                         did_you_mean(dep, p_.services) + "define the service, or remove the dependency");
    }
  }

  void networks() const {
    if (!s_.network_mode.empty() && !s_.networks.empty())
      throw error_at(at({"network_mode"}), "network_mode",
                     "network_mode and networks cannot be used together",
                     "remove networks:, or remove network_mode:");
    for (const auto& [net, _] : s_.networks) {
      if (net == "default" || p_.networks.count(net)) continue;
      throw error_at_key("networks", net,
                         "service '" + s_.name + "' refers to undefined network '" + net + "'",
                         did_you_mean(net, p_.networks) + "declare it under the top-level networks:");
    }
  }

  void volumes() const {
    const Node& list = at({"volumes"});
    for (size_t i = 0; i < s_.volumes.size(); ++i) {
      const ServiceVolume& v = s_.volumes[i];
      const Node& n = list.is_sequence() && i < list.items().size() ? list.items()[i] : list;
      std::string sub = "volumes[" + std::to_string(i) + "]";
      static const std::set<std::string> types{"bind", "volume", "tmpfs", "npipe", "cluster", "image"};
      if (!types.count(v.type))
        throw error_at(n, sub, "unknown volume type '" + v.type + "'",
                       "use bind, volume, tmpfs, image, npipe or cluster");
      if (v.target.empty() && v.type != "npipe") throw error_at(n, sub, "the volume has no target", "add target:");
      if (!v.target.empty() && v.target[0] != '/')
        throw error_at(n, sub, "the target '" + v.target + "' is not an absolute path",
                       "write the path inside the container starting with /");
      if (v.type == "volume" && !v.source.empty() && !p_.volumes.count(v.source))
        throw error_at(n, sub, "service '" + s_.name + "' refers to undefined volume '" + v.source + "'",
                       did_you_mean(v.source, p_.volumes) + "declare it under the top-level volumes:");
      if (v.type == "bind" && v.source.empty())
        throw error_at(n, sub, "a bind mount needs a source", "add source: with a host path");
    }
  }

  void file_references(std::string_view attribute, const std::map<std::string, FileObject>& defined) const {
    const auto& refs = attribute == "secrets" ? s_.secrets : s_.configs;
    const Node& list = at({attribute});
    for (size_t i = 0; i < refs.size(); ++i) {
      if (defined.count(refs[i].source)) continue;
      const Node& n = list.is_sequence() && i < list.items().size() ? list.items()[i] : list;
      throw error_at(n, std::string(attribute) + "[" + std::to_string(i) + "]",
                     "service '" + s_.name + "' refers to undefined " +
                         std::string(attribute == "secrets" ? "secret" : "config") + " '" +
                         refs[i].source + "'",
                     did_you_mean(refs[i].source, defined) + "declare it under the top-level " +
                         std::string(attribute) + ":");
    }
  }

  void service_modes() const {
    auto check = [&](std::string_view attribute, const std::string& value) {
      if (value.rfind("service:", 0) != 0) return;
      std::string target = value.substr(8);
      if (!p_.services.count(target))
        throw error_at(at({attribute}), std::string(attribute),
                       "'" + value + "' refers to undefined service '" + target + "'",
                       did_you_mean(target, p_.services) + "name a service of this project");
    };
    check("network_mode", s_.network_mode);
    check("ipc", s_.ipc);
    check("pid", s_.pid);
    for (const auto& from : s_.volumes_from) {
      auto ref = parse_volumes_from(from);
      if (!ref)
        throw error_at(at({"volumes_from"}), "volumes_from", "malformed volumes_from entry '" + from + "'",
                       "write SERVICE, service:SERVICE or container:NAME, optionally followed by :ro or :rw");
      if (ref->kind == VolumesFromRef::Kind::container) continue;
      if (!p_.services.count(ref->name))
        throw error_at(at({"volumes_from"}), "volumes_from",
                       "volumes_from refers to undefined service '" + ref->name + "'",
                       did_you_mean(ref->name, p_.services) + "name a service, or container:NAME");
      if (ref->name == s_.name)
        throw error_at(at({"volumes_from"}), "volumes_from", "service '" + s_.name + "' takes volumes from itself",
                       "name another service");
    }
    for (const auto& link : s_.links) {
      std::string target = link.substr(0, link.find(':'));
      if (!p_.services.count(target))
        throw error_at(at({"links"}), "links", "link to undefined service '" + target + "'",
                       did_you_mean(target, p_.services) + "name a service of this project");
    }
  }

  void enums() const {
    const std::string& r = s_.restart;
    bool restart_ok = r.empty() || r == "no" || r == "always" || r == "unless-stopped" ||
                      r == "on-failure" || r.rfind("on-failure:", 0) == 0;
    if (!restart_ok)
      throw error_at(at({"restart"}), "restart", "unknown restart policy '" + r + "'",
                     "use no, always, on-failure[:N] or unless-stopped");
    const std::string& pp = s_.pull_policy;
    bool pull_ok = pp.empty() || pp == "always" || pp == "never" || pp == "missing" ||
                   pp == "if_not_present" || pp == "build" || pp == "daily" || pp == "weekly" ||
                   pp == "refresh" || pp.rfind("every_", 0) == 0;
    if (!pull_ok)
      throw error_at(at({"pull_policy"}), "pull_policy", "unknown pull_policy '" + pp + "'",
                     "use always, never, missing, build, daily, weekly or every_<duration>");
    if (s_.deploy && s_.deploy->restart_policy) {
      const std::string& c = s_.deploy->restart_policy->condition;
      if (!c.empty() && c != "none" && c != "on-failure" && c != "any")
        throw error_at(at({"deploy", "restart_policy", "condition"}), "deploy.restart_policy.condition",
                       "unknown restart condition '" + c + "'", "use none, on-failure or any");
    }
  }

  void ports() const {
    const Node& list = at({"ports"});
    for (size_t i = 0; i < s_.ports.size(); ++i) {
      const ServicePort& port = s_.ports[i];
      const Node& n = list.is_sequence() && i < list.items().size() ? list.items()[i] : list;
      std::string sub = "ports[" + std::to_string(i) + "]";
      if (port.target <= 0 || port.target > 65535)
        throw error_at(n, sub, "the container port " + std::to_string(port.target) + " is out of range",
                       "use a port from 1 to 65535");
      if (!port.protocol.empty() && port.protocol != "tcp" && port.protocol != "udp" && port.protocol != "sctp")
        throw error_at(n, sub, "unknown protocol '" + port.protocol + "'", "use tcp or udp");
      if (!port.mode.empty() && port.mode != "ingress" && port.mode != "host")
        throw error_at(n, sub, "unknown port mode '" + port.mode + "'", "use ingress or host");
    }
  }

  void healthcheck() const {
    if (!s_.healthcheck || !s_.healthcheck->test || s_.healthcheck->test->empty()) return;
    const std::string& kind = s_.healthcheck->test->front();
    if (kind != "NONE" && kind != "CMD" && kind != "CMD-SHELL")
      throw error_at(at({"healthcheck", "test"}), "healthcheck.test",
                     "a healthcheck test list starts with CMD, CMD-SHELL or NONE, not '" + kind + "'",
                     "write [\"CMD\", \"program\", \"arg\"] or a string for a shell command");
  }

  const Project& p_;
  const Service& s_;
  const Node& tree_;
  std::string path_;
};

void container_names(const Project& p) {
  std::map<std::string, std::string> seen;
  for (const auto& [name, s] : p.services) {
    if (s.container_name.empty()) continue;
    auto [it, fresh] = seen.emplace(s.container_name, name);
    if (!fresh)
      throw Error("services '" + it->second + "' and '" + name + "' have the same container_name '" +
                      s.container_name + "'",
                  "container names are unique on a host: change one", s.mark.location(),
                  "services." + name + ".container_name");
    int64_t replicas = s.deploy && s.deploy->replicas ? *s.deploy->replicas : s.scale.value_or(1);
    if (replicas > 1)
      throw Error("service '" + name + "' has a container_name and " + std::to_string(replicas) +
                      " replicas",
                  "remove container_name to scale the service", s.mark.location(),
                  "services." + name + ".container_name");
  }
}

}  // namespace

void validate_project(const Node& merged, const Project& p) {
  // Each service's tree, found in one pass (a lookup per service is quadratic).
  std::map<std::string_view, const Node*> trees;
  if (const Node* services = merged.find("services"); services && services->is_mapping())
    for (const auto& e : services->entries()) trees.emplace(e.key, &e.value);
  static const Node empty = Node::mapping();
  for (const auto& [name, s] : p.services) {
    auto it = trees.find(name);
    ServiceValidator(p, s, it != trees.end() ? *it->second : empty).run();
  }
  container_names(p);
}

}  // namespace berth::compose
