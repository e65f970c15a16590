#include "compose/plan.h"

#include <algorithm>
#include <functional>

#include "compose/config_hash.h"
#include "compose/graph.h"

namespace berth::compose {

const char* action_name(ActionKind kind) {
  switch (kind) {
    case ActionKind::pull_image: return "pull";
    case ActionKind::restart_container: return "restart";
    case ActionKind::create_network: return "create network";
    case ActionKind::create_volume: return "create volume";
    case ActionKind::create_container: return "create";
    case ActionKind::start_container: return "start";
    case ActionKind::wait_started: return "wait started";
    case ActionKind::wait_healthy: return "wait healthy";
    case ActionKind::wait_completed: return "wait completed";
    case ActionKind::stop_container: return "stop";
    case ActionKind::remove_container: return "remove";
    case ActionKind::remove_network: return "remove network";
    case ActionKind::remove_volume: return "remove volume";
    case ActionKind::remove_image: return "remove image";
  }
  return "?";
}

std::string container_name(const Project& project, const Service& service, int number) {
  if (!service.container_name.empty()) return service.container_name;
  return project.name + "-" + service.name + "-" + std::to_string(number);
}

int desired_replicas(const Service& service, const UpOptions& options) {
  auto it = options.scale.find(service.name);
  if (it != options.scale.end()) return it->second;
  if (service.deploy && service.deploy->replicas) return static_cast<int>(*service.deploy->replicas);
  if (service.scale) return static_cast<int>(*service.scale);
  return 1;
}

std::set<std::string> selected_services(const Project& project, const std::vector<std::string>& names,
                                        bool with_dependencies) {
  std::set<std::string> out;
  if (names.empty()) {
    for (const auto& [name, _] : project.services) out.insert(name);
    return out;
  }
  std::function<void(const std::string&)> add = [&](const std::string& name) {
    if (!out.insert(name).second) return;
    auto it = project.services.find(name);
    if (!with_dependencies || it == project.services.end()) return;
    for (const auto& [dep, d] : it->second.depends_on)
      if (project.services.count(dep)) add(dep);
  };
  for (const auto& n : names) {
    if (!project.services.count(n))
      throw Error("no such service: " + n, "run `berth config --services` to list them");
    add(n);
  }
  return out;
}

namespace {

std::string image_reference(const Project& p, const Service& s) {
  return s.image.empty() ? p.name + "-" + s.name : s.image;
}

class Planner {
 public:
  Planner(const Project& p, const Observed& o, const UpOptions& opt) : p_(p), o_(o), opt_(opt) {}

  Plan pulls() {
    std::set<std::string> seen;
    for (const auto& name : selected_services(p_, opt_.services, !opt_.no_deps)) {
      const Service& s = p_.services.at(name);
      std::string ref = image_reference(p_, s);
      if (!seen.insert(ref).second) continue;
      std::string policy = opt_.pull.empty() ? s.pull_policy : opt_.pull;
      bool present = o_.images.count(ref) > 0;
      if (policy == "always" || ((policy.empty() || policy == "missing") && !present && !s.build))
        add(ActionKind::pull_image, ref, "", 0, "", policy == "always" ? "pull_policy always" : "missing", {});
    }
    return std::move(plan_);
  }

  Plan up() {
    selected_ = selected_services(p_, opt_.services, !opt_.no_deps);
    resources();
    auto layers = dependency_layers(build_graph(p_));
    for (const auto& layer : layers)
      for (const auto& name : layer)
        if (selected_.count(name)) service(p_.services.at(name));
    orphans();
    return std::move(plan_);
  }

 private:
  size_t add(ActionKind kind, std::string target, std::string service, int number, std::string id,
             std::string reason, std::vector<size_t> after) {
    plan_.actions.push_back(Action{kind, std::move(target), std::move(service), number, std::move(id),
                                   std::move(reason), std::move(after)});
    return plan_.actions.size() - 1;
  }

  void resources() {
    std::set<std::string> networks, volumes;
    for (const auto& name : selected_) {
      const Service& s = p_.services.at(name);
      for (const auto& [net, _] : s.networks) networks.insert(net);
      for (const auto& v : s.volumes)
        if (v.type == "volume" && !v.source.empty()) volumes.insert(v.source);
    }
    for (const auto& key : networks) {
      auto it = p_.networks.find(key);
      if (it == p_.networks.end() || it->second.external || o_.networks.count(it->second.name)) continue;
      resource_actions_.push_back(add(ActionKind::create_network, it->second.name, "", 0, "", "missing", {}));
    }
    for (const auto& key : volumes) {
      auto it = p_.volumes.find(key);
      if (it == p_.volumes.end() || it->second.external || o_.volumes.count(it->second.name)) continue;
      resource_actions_.push_back(add(ActionKind::create_volume, it->second.name, "", 0, "", "missing", {}));
    }
  }

  std::vector<const ObservedContainer*> existing(const std::string& service) const {
    std::vector<const ObservedContainer*> out;
    for (const auto& c : o_.containers)
      if (c.service == service && !c.one_off) out.push_back(&c);
    std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->number < b->number; });
    return out;
  }

  // What a dependent must wait for before it is created and started.
  std::vector<size_t> dependency_gates(const Service& s) {
    std::vector<size_t> gates = resource_actions_;
    for (const auto& [dep, d] : s.depends_on) {
      if (!selected_.count(dep)) continue;
      const auto& ready = ready_[dep];
      std::vector<size_t> after = ready.started;
      ActionKind wait = d.condition == "service_healthy"                  ? ActionKind::wait_healthy
                        : d.condition == "service_completed_successfully" ? ActionKind::wait_completed
                                                                          : ActionKind::wait_started;
      size_t gate = add(wait, dep, dep, 0, "", s.name + " depends on it (" +
                                                     (d.condition.empty() ? "service_started" : d.condition) + ")",
                        after);
      plan_.actions[gate].optional = d.required == false;
      gates.push_back(gate);
    }
    return gates;
  }

  bool dependency_recreated(const Service& s) const {
    for (const auto& [dep, d] : s.depends_on)
      if (recreated_.count(dep)) return true;
    return false;
  }

  std::string recreate_reason(const Service& s, const ObservedContainer& c, const std::string& hash) const {
    if (opt_.force_recreate) return "--force-recreate";
    if (opt_.no_recreate) return "";
    if (c.config_hash != hash) return "config changed";
    auto image = o_.images.find(image_reference(p_, s));
    if (image != o_.images.end() && !c.image_id.empty() && image->second != c.image_id) return "image changed";
    if (opt_.always_recreate_deps && dependency_recreated(s)) return "a dependency was recreated";
    return "";
  }

  bool restart_for_dependency(const Service& s) const {
    for (const auto& [dep, d] : s.depends_on)
      if (d.restart && recreated_.count(dep)) return true;
    return false;
  }

  void service(const Service& s) {
    std::string hash = service_config_hash(s);
    int want = desired_replicas(s, opt_);
    // The waits for dependencies are added only when this service has something to start.
    std::optional<std::vector<size_t>> gate_actions;
    auto gates = [&]() -> const std::vector<size_t>& {
      if (!gate_actions) gate_actions = dependency_gates(s);
      return *gate_actions;
    };
    auto& ready = ready_[s.name];
    auto containers = existing(s.name);
    std::set<int> present;
    for (const ObservedContainer* c : containers) {
      if (c->number > want) {
        size_t stop = add(ActionKind::stop_container, c->name, s.name, c->number, c->id, "scaled down", {});
        add(ActionKind::remove_container, c->name, s.name, c->number, c->id, "scaled down", {stop});
        continue;
      }
      present.insert(c->number);
      std::string why = recreate_reason(s, *c, hash);
      if (!why.empty()) {
        recreated_.insert(s.name);
        size_t stop = add(ActionKind::stop_container, c->name, s.name, c->number, c->id, why, {});
        size_t rm = add(ActionKind::remove_container, c->name, s.name, c->number, c->id, why, {stop});
        std::vector<size_t> after = gates();
        after.push_back(rm);
        create_and_start(s, c->number, why, after, ready);
      } else if (c->state != "running" && c->state != "restarting" && !opt_.no_start) {
        size_t start = add(ActionKind::start_container, c->name, s.name, c->number, c->id,
                           "not running", gates());
        ready.started.push_back(start);
      } else if (c->state == "running" && restart_for_dependency(s) && !opt_.no_start) {
        size_t restart = add(ActionKind::restart_container, c->name, s.name, c->number, c->id,
                             "a dependency was recreated (restart: true)", gates());
        ready.started.push_back(restart);
      }
    }
    for (int n = 1; n <= want; ++n)
      if (!present.count(n)) create_and_start(s, n, "missing", gates(), ready);
  }

  struct Ready {
    std::vector<size_t> started;
  };

  // `after` holds the dependency gates (and the removal of a container being replaced). Only the
  // start waits for the gates, as compose does: every container is created at once, and a chain of
  // depends_on costs one start per link, not one create and one start. A container that joins
  // another's namespaces or volumes is the exception: what it joins must exist when it is created.
  void create_and_start(const Service& s, int number, const std::string& why,
                        const std::vector<size_t>& after, Ready& ready) {
    std::string name = container_name(p_, s, number);
    std::vector<size_t> create_after = after;
    if (!shares_with_a_service(s)) {
      create_after = resource_actions_;
      for (size_t i : after)
        if (plan_.actions[i].kind == ActionKind::remove_container) create_after.push_back(i);
    }
    size_t create = add(ActionKind::create_container, name, s.name, number, "", why, create_after);
    if (opt_.no_start) return;
    // Made early only when the start waits for a dependency; else `runc run` does both at once.
    plan_.actions[create].prepare =
        !shares_with_a_service(s) && !binds_host_paths(s) && std::any_of(after.begin(), after.end(), [&](size_t i) {
          ActionKind k = plan_.actions[i].kind;
          return k == ActionKind::wait_started || k == ActionKind::wait_healthy ||
                 k == ActionKind::wait_completed;
        });
    std::vector<size_t> start_after = after;
    start_after.push_back(create);
    size_t start = add(ActionKind::start_container, name, s.name, number, "", why, start_after);
    ready.started.push_back(start);
  }

  // Host paths are bound when runc makes the container: a dependency that replaces a bound file
  // (a setup job writing a config by rename) must run before, as with docker, so such a
  // container is not made ahead.
  static bool binds_host_paths(const Service& s) {
    return std::any_of(s.volumes.begin(), s.volumes.end(), [](const ServiceVolume& v) { return v.type == "bind"; });
  }

  // Namespaces or volumes of another container (a service's, or one named with container:, which
  // the blueprint may make in the same `up` and order with depends_on).
  static bool shares_with_a_service(const Service& s) {
    for (const std::string* mode : {&s.network_mode, &s.ipc, &s.pid, &s.uts, &s.cgroup})
      if (mode->rfind("service:", 0) == 0 || mode->rfind("container:", 0) == 0) return true;
    return !s.volumes_from.empty();
  }

  void orphans() {
    for (const auto& c : o_.containers) {
      if (c.one_off || p_.services.count(c.service)) continue;
      if (std::find(p_.disabled_services.begin(), p_.disabled_services.end(), c.service) !=
          p_.disabled_services.end())
        continue;
      plan_.orphans.push_back(c.name);
      if (!opt_.remove_orphans) continue;
      size_t stop = add(ActionKind::stop_container, c.name, c.service, c.number, c.id, "orphan", {});
      add(ActionKind::remove_container, c.name, c.service, c.number, c.id, "orphan", {stop});
    }
  }

  const Project& p_;
  const Observed& o_;
  const UpOptions& opt_;
  Plan plan_;
  std::set<std::string> selected_;
  std::vector<size_t> resource_actions_;
  std::map<std::string, Ready> ready_;
  std::set<std::string> recreated_;
};

}  // namespace

Plan plan_pulls(const Project& project, const Observed& observed, const UpOptions& options) {
  return Planner(project, observed, options).pulls();
}

Plan plan_up(const Project& project, const Observed& observed, const UpOptions& options) {
  return Planner(project, observed, options).up();
}

Plan plan_down(const Project& project, const Observed& observed, const DownOptions& options) {
  Plan plan;
  auto add = [&](ActionKind kind, std::string target, std::string service, int number, std::string id,
                 std::string reason, std::vector<size_t> after) {
    plan.actions.push_back(Action{kind, std::move(target), std::move(service), number, std::move(id),
                                  std::move(reason), std::move(after)});
    return plan.actions.size() - 1;
  };
  // Stop in reverse dependency order: a service stops before what it depends on.
  std::map<std::string, std::vector<size_t>> stops_of;  // service -> its stop actions
  // A container is removed after its dependents' containers are: those may use its volumes
  // (volumes_from), which its removal with -v takes along.
  std::map<std::string, std::vector<size_t>> removals_of;
  auto layers = dependency_layers(build_graph(project));
  std::vector<const ObservedContainer*> ordered;
  for (auto layer = layers.rbegin(); layer != layers.rend(); ++layer)
    for (const auto& name : *layer)
      for (const auto& c : observed.containers)
        if (c.service == name) ordered.push_back(&c);
  for (const auto& c : observed.containers) {
    bool known = project.services.count(c.service) > 0;
    bool disabled = std::find(project.disabled_services.begin(), project.disabled_services.end(),
                              c.service) != project.disabled_services.end();
    if (known) continue;
    if (c.one_off || disabled || options.remove_orphans) ordered.push_back(&c);
    else plan.orphans.push_back(c.name);
  }
  std::vector<size_t> removals;
  for (const ObservedContainer* c : ordered) {
    std::vector<size_t> after;
    std::vector<size_t> removed_first;
    // Wait for the dependents of this container's service to stop (and go) first.
    for (const auto& [name, s] : project.services)
      if (s.depends_on.count(c->service)) {
        for (size_t i : stops_of[name]) after.push_back(i);
        for (size_t i : removals_of[name]) removed_first.push_back(i);
      }
    size_t stop = add(ActionKind::stop_container, c->name, c->service, c->number, c->id, "down", after);
    stops_of[c->service].push_back(stop);
    removed_first.push_back(stop);
    size_t remove = add(ActionKind::remove_container, c->name, c->service, c->number, c->id, "down", removed_first);
    removals_of[c->service].push_back(remove);
    removals.push_back(remove);
  }
  for (const auto& [key, n] : project.networks)
    if (!n.external && observed.networks.count(n.name))
      add(ActionKind::remove_network, n.name, "", 0, "", "down", removals);
  if (options.volumes)
    for (const auto& [key, v] : project.volumes)
      if (!v.external && observed.volumes.count(v.name))
        add(ActionKind::remove_volume, v.name, "", 0, "", "down -v", removals);
  if (!options.rmi.empty()) {
    std::set<std::string> images;
    for (const auto& [name, s] : project.services) {
      bool local = s.image.empty();  // built by the project, no name of its own
      if (options.rmi == "all" || local) images.insert(image_reference(project, s));
    }
    for (const auto& ref : images)
      if (observed.images.count(ref)) add(ActionKind::remove_image, ref, "", 0, "", "--rmi " + options.rmi, removals);
  }
  return plan;
}

std::string describe(const Plan& plan) {
  std::string out;
  for (size_t i = 0; i < plan.actions.size(); ++i) {
    const Action& a = plan.actions[i];
    out += std::to_string(i) + ": " + action_name(a.kind) + " " + a.target;
    if (!a.reason.empty()) out += " (" + a.reason + ")";
    if (!a.after.empty()) {
      out += " after";
      for (size_t k : a.after) out += " " + std::to_string(k);
    }
    out += "\n";
  }
  for (const auto& o : plan.orphans) out += "orphan: " + o + "\n";
  return out;
}

}  // namespace berth::compose
