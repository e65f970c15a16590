// berth graph: the dependency graph as text layers, Graphviz DOT or Mermaid.
#include <iostream>

#include "cli/project_options.h"
#include "cli/verbs.h"
#include "compose/graph.h"

namespace berth::cli {

void add_graph_verb(CLI::App& app, const GlobalOptions& global) {
  auto* sub = app.add_subcommand("graph", "Show the services' dependency graph");
  auto format = std::make_shared<std::string>("text");
  sub->add_option("--format", *format, "text, dot or mermaid")->check(CLI::IsMember({"text", "dot", "mermaid"}));
  set_action(sub, [&global, format] {
    compose::Project p = load(load_options(global)).project;
    compose::DependencyGraph g = compose::build_graph(p);
    if (*format == "dot") std::cout << compose::graph_to_dot(g, p);
    else if (*format == "mermaid") std::cout << compose::graph_to_mermaid(g, p);
    else std::cout << compose::graph_to_text(g);
    return 0;
  });
}

}  // namespace berth::cli
