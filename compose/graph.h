// The dependency graph of a project's services: start order, layers that can start in
// parallel, and cycles.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compose/model.h"

namespace berth::compose {

struct DependencyGraph {
  std::vector<std::string> services;                          // sorted
  std::map<std::string, std::vector<std::string>> depends_on;  // service -> what it needs first
};

// Edges from depends_on to services of the project (dependencies off by profile and not
// required are left out).
DependencyGraph build_graph(const Project& project);

// Services in start order, grouped: a service's layer is one more than the deepest of its
// dependencies, so no two services of a layer have a path between them.
std::vector<std::vector<std::string>> dependency_layers(const DependencyGraph& graph);

// A cycle as [a, b, c, a], or nullopt.
std::optional<std::vector<std::string>> find_cycle(const DependencyGraph& graph);

// Throws a berth::Error that prints the cycle, at the first service in it.
void check_dependency_cycles(const Project& project);

std::string graph_to_text(const DependencyGraph& graph);
std::string graph_to_dot(const DependencyGraph& graph, const Project& project);
std::string graph_to_mermaid(const DependencyGraph& graph, const Project& project);

}  // namespace berth::compose
