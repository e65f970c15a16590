#include "compose/graph.h"

#include <algorithm>
#include <functional>

namespace berth::compose {

DependencyGraph build_graph(const Project& project) {
  DependencyGraph g;
  for (const auto& [name, service] : project.services) {
    g.services.push_back(name);
    auto& deps = g.depends_on[name];
    for (const auto& [dep, _] : service.depends_on)
      if (project.services.count(dep)) deps.push_back(dep);
  }
  return g;
}

std::optional<std::vector<std::string>> find_cycle(const DependencyGraph& g) {
  enum class State { Unseen, OnPath, Done };
  std::map<std::string, State> state;
  std::vector<std::string> path;
  std::optional<std::vector<std::string>> cycle;
  std::function<void(const std::string&)> visit = [&](const std::string& s) {
    if (cycle) return;
    state[s] = State::OnPath;
    path.push_back(s);
    auto it = g.depends_on.find(s);
    if (it != g.depends_on.end()) {
      for (const auto& dep : it->second) {
        if (cycle) return;
        if (state[dep] == State::OnPath) {
          auto start = std::find(path.begin(), path.end(), dep);
          cycle = std::vector<std::string>(start, path.end());
          cycle->push_back(dep);
          return;
        }
        if (state[dep] == State::Unseen) visit(dep);
      }
    }
    path.pop_back();
    state[s] = State::Done;
  };
  for (const auto& s : g.services)
    if (state[s] == State::Unseen) visit(s);
  return cycle;
}

std::vector<std::vector<std::string>> dependency_layers(const DependencyGraph& g) {
  std::map<std::string, int> depth;
  std::function<int(const std::string&, int)> depth_of = [&](const std::string& s, int guard) {
    auto known = depth.find(s);
    if (known != depth.end()) return known->second;
    if (guard > static_cast<int>(g.services.size())) return 0;  // a cycle: check_dependency_cycles reports it
    int d = 0;
    auto it = g.depends_on.find(s);
    if (it != g.depends_on.end())
      for (const auto& dep : it->second) d = std::max(d, depth_of(dep, guard + 1) + 1);
    depth[s] = d;
    return d;
  };
  std::vector<std::vector<std::string>> layers;
  for (const auto& s : g.services) {
    size_t d = static_cast<size_t>(depth_of(s, 0));
    if (layers.size() <= d) layers.resize(d + 1);
    layers[d].push_back(s);
  }
  return layers;
}

void check_dependency_cycles(const Project& project) {
  auto cycle = find_cycle(build_graph(project));
  if (!cycle) return;
  std::string text;
  for (size_t i = 0; i < cycle->size(); ++i) text += (i ? " -> " : "") + (*cycle)[i];
  const Service& first = project.services.at(cycle->front());
  throw Error("dependency cycle: " + text,
              "remove one of these depends_on entries so that the services can start in order",
              first.mark.location(), "services." + first.name + ".depends_on");
}

std::string graph_to_text(const DependencyGraph& g) {
  std::string out;
  auto layers = dependency_layers(g);
  for (size_t i = 0; i < layers.size(); ++i) {
    out += "layer " + std::to_string(i + 1) + ":";
    for (const auto& s : layers[i]) {
      out += " " + s;
      const auto& deps = g.depends_on.at(s);
      if (!deps.empty()) {
        out += " (after";
        for (size_t k = 0; k < deps.size(); ++k) out += (k ? ", " : " ") + deps[k];
        out += ")";
      }
    }
    out += "\n";
  }
  return out;
}

namespace {
std::string condition_of(const Project& p, const std::string& from, const std::string& to) {
  const auto& deps = p.services.at(from).depends_on;
  auto it = deps.find(to);
  if (it == deps.end() || it->second.condition.empty()) return "service_started";
  return it->second.condition;
}

std::string quote(const std::string& s) { return "\"" + s + "\""; }
}  // namespace

std::string graph_to_dot(const DependencyGraph& g, const Project& p) {
  std::string out = "digraph " + quote(p.name) + " {\n  rankdir=BT;\n  node [shape=box];\n";
  for (const auto& s : g.services) out += "  " + quote(s) + ";\n";
  for (const auto& s : g.services)
    for (const auto& dep : g.depends_on.at(s))
      out += "  " + quote(s) + " -> " + quote(dep) + " [label=" + quote(condition_of(p, s, dep)) + "];\n";
  return out + "}\n";
}

std::string graph_to_mermaid(const DependencyGraph& g, const Project& p) {
  std::string out = "graph BT\n";
  auto id = [](const std::string& s) {
    std::string r;
    for (char c : s) r += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return r;
  };
  for (const auto& s : g.services) out += "  " + id(s) + "[\"" + s + "\"]\n";
  for (const auto& s : g.services)
    for (const auto& dep : g.depends_on.at(s))
      out += "  " + id(s) + " -->|" + condition_of(p, s, dep) + "| " + id(dep) + "\n";
  return out;
}

}  // namespace berth::compose
