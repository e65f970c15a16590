#include "compose/normalise.h"

#include "compose/volumes_from.h"

namespace berth::compose {

namespace {

void default_network(Project& p) {
  bool used = false;
  for (auto& [_, s] : p.services) {
    if (s.networks.empty() && s.network_mode.empty() && !s.provider) s.networks["default"] = std::nullopt;
    if (s.networks.count("default")) used = true;
  }
  if (used && !p.networks.count("default")) p.networks["default"] = Network{};
}

template <class Resource>
void resource_names(const std::string& project, std::map<std::string, Resource>& section) {
  for (auto& [key, r] : section) {
    if (!r.name.empty()) continue;
    r.name = r.external ? key : project + "_" + key;
  }
}

void add_implicit_dependency(Service& s, const std::string& target) {
  if (target.empty() || target == s.name || s.depends_on.count(target)) return;
  DependsOn d;
  d.condition = "service_started";
  d.required = true;
  s.depends_on[target] = d;
}

std::string service_reference(const std::string& mode) {
  return mode.rfind("service:", 0) == 0 ? mode.substr(8) : "";
}

void dependencies(Project& p) {
  for (auto& [_, s] : p.services) {
    for (auto& [name, d] : s.depends_on) {
      if (d.condition.empty()) d.condition = "service_started";
      if (!d.required) d.required = true;
    }
    for (const auto& link : s.links) add_implicit_dependency(s, link.substr(0, link.find(':')));
    for (const auto& from : s.volumes_from) add_implicit_dependency(s, volumes_from_service(from));
    for (const std::string* mode : {&s.network_mode, &s.ipc, &s.pid, &s.uts, &s.cgroup})
      add_implicit_dependency(s, service_reference(*mode));
  }
}

void service_defaults(Service& s) {
  if (s.build && s.build->dockerfile.empty() && s.build->dockerfile_inline.empty())
    s.build->dockerfile = "Dockerfile";
  if (s.pull_policy == "if_not_present") s.pull_policy = "missing";
  if (s.scale) {
    if (!s.deploy) s.deploy = DeployConfig{};
    if (!s.deploy->replicas) s.deploy->replicas = s.scale;
    s.scale.reset();
  }
  for (auto& port : s.ports) {
    if (port.protocol.empty()) port.protocol = "tcp";
    if (port.mode.empty()) port.mode = "ingress";
  }
  for (auto& v : s.volumes)
    if (v.type == "bind" && !v.bind) v.bind = ServiceVolume::Bind{};
}

}  // namespace

void normalise(Project& p) {
  default_network(p);
  resource_names(p.name, p.networks);
  resource_names(p.name, p.volumes);
  resource_names(p.name, p.secrets);
  resource_names(p.name, p.configs);
  dependencies(p);
  for (auto& [_, s] : p.services) service_defaults(s);
}

std::vector<std::string> ignored_attributes(const Project& p) {
  std::vector<std::string> out;
  auto ignore = [&](const Service& s, const std::string& attribute, const std::string& why) {
    out.push_back("services." + s.name + "." + attribute + ": ignored, " + why);
  };
  for (const auto& [_, s] : p.services) {
    if (s.deploy) {
      const DeployConfig& d = *s.deploy;
      if (d.placement) ignore(s, "deploy.placement", "it is a Swarm setting");
      if (d.update_config) ignore(s, "deploy.update_config", "it is a Swarm setting");
      if (d.rollback_config) ignore(s, "deploy.rollback_config", "it is a Swarm setting");
      if (!d.endpoint_mode.empty()) ignore(s, "deploy.endpoint_mode", "it is a Swarm setting");
      if (d.mode == "global") ignore(s, "deploy.mode", "global services are a Swarm setting");
    }
    if (s.credential_spec) ignore(s, "credential_spec", "it applies to Windows containers");
    if (!s.isolation.empty()) ignore(s, "isolation", "it applies to Windows containers");
    if (s.develop) ignore(s, "develop", "berth has no watch mode yet");
    if (!s.gpus.empty()) ignore(s, "gpus", "berth does not pass GPUs to containers");
    if (s.provider) ignore(s, "provider", "berth has no provider services");
  }
  return out;
}

}  // namespace berth::compose
