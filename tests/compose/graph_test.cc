#include "compose/graph.h"

#include <gtest/gtest.h>

#include "tests/compose/loader_test_support.h"

namespace berth::compose {
namespace {

using testing::contains;
using Layers = std::vector<std::vector<std::string>>;

DependencyGraph graph(std::map<std::string, std::vector<std::string>> edges) {
  DependencyGraph g;
  for (auto& [s, deps] : edges) {
    g.services.push_back(s);
    g.depends_on[s] = deps;
  }
  return g;
}

TEST(Graph, IndependentServicesShareALayer) {
  EXPECT_EQ(dependency_layers(graph({{"a", {}}, {"b", {}}, {"c", {}}})), (Layers{{"a", "b", "c"}}));
}

TEST(Graph, LayersFollowTheLongestPath) {
  // web -> api -> db, web -> cache, worker -> db
  auto g = graph({{"api", {"db"}}, {"cache", {}}, {"db", {}}, {"web", {"api", "cache"}}, {"worker", {"db"}}});
  EXPECT_EQ(dependency_layers(g), (Layers{{"cache", "db"}, {"api", "worker"}, {"web"}}));
  // No two services of a layer have a path between them.
  for (const auto& layer : dependency_layers(g))
    for (const auto& s : layer)
      for (const auto& dep : g.depends_on.at(s))
        EXPECT_EQ(std::find(layer.begin(), layer.end(), dep), layer.end()) << s << " " << dep;
}

TEST(Graph, FindCycle) {
  EXPECT_FALSE(find_cycle(graph({{"a", {"b"}}, {"b", {}}})).has_value());
  auto cycle = find_cycle(graph({{"a", {"b"}}, {"b", {"c"}}, {"c", {"a"}}, {"d", {}}}));
  ASSERT_TRUE(cycle.has_value());
  EXPECT_EQ(*cycle, (std::vector<std::string>{"a", "b", "c", "a"}));
  auto self = find_cycle(graph({{"a", {"a"}}}));
  ASSERT_TRUE(self.has_value());
  EXPECT_EQ(*self, (std::vector<std::string>{"a", "a"}));
}

TEST(Graph, LayersOfACycleTerminate) {
  auto layers = dependency_layers(graph({{"a", {"b"}}, {"b", {"a"}}}));
  size_t total = 0;
  for (const auto& l : layers) total += l.size();
  EXPECT_EQ(total, 2u);
}

TEST(Graph, FromAProject) {
  Project p = testing::load_text(
      "services:\n  web: {image: a, depends_on: {db: {condition: service_healthy}}}\n  db: {image: b}\n"
      "  opt: {image: c, depends_on: {gone: {condition: service_started, required: false}}}\n").project;
  DependencyGraph g = build_graph(p);
  EXPECT_EQ(g.services, (std::vector<std::string>{"db", "opt", "web"}));
  EXPECT_EQ(g.depends_on.at("web"), std::vector<std::string>{"db"});
  EXPECT_TRUE(g.depends_on.at("opt").empty());  // not a service of the project

  EXPECT_EQ(graph_to_text(g), "layer 1: db opt\nlayer 2: web (after db)\n");
  std::string dot = graph_to_dot(g, p);
  EXPECT_TRUE(contains(dot, "digraph \"test\"")) << dot;
  EXPECT_TRUE(contains(dot, "\"web\" -> \"db\" [label=\"service_healthy\"];")) << dot;
  std::string mermaid = graph_to_mermaid(g, p);
  EXPECT_TRUE(contains(mermaid, "graph BT\n")) << mermaid;
  EXPECT_TRUE(contains(mermaid, "web -->|service_healthy| db")) << mermaid;
}

TEST(Graph, MermaidIdsAreSafe) {
  Project p = testing::load_text("services:\n  my-web.1: {image: a}\n").project;
  std::string mermaid = graph_to_mermaid(build_graph(p), p);
  EXPECT_TRUE(contains(mermaid, "my_web_1[\"my-web.1\"]")) << mermaid;
}

TEST(Graph, CheckDependencyCyclesNamesTheCycle) {
  Project p;
  Service a, b;
  a.name = "a";
  b.name = "b";
  a.depends_on["b"] = DependsOn{};
  b.depends_on["a"] = DependsOn{};
  p.services["a"] = a;
  p.services["b"] = b;
  Error e = testing::error_of([&] { check_dependency_cycles(p); });
  EXPECT_TRUE(contains(e.message(), "a -> b -> a")) << e.message();
  EXPECT_EQ(e.path(), "services.a.depends_on");
}

TEST(Graph, VolumesFromStartsTheOtherServiceFirst) {
  Project p = testing::load_text(
                  "services:\n  data: {image: a}\n  logs: {image: a}\n"
                  "  app: {image: a, volumes_from: [\"data:ro\", \"service:logs\", \"container:elsewhere\"]}\n")
                  .project;
  EXPECT_EQ(dependency_layers(build_graph(p)), (Layers{{"data", "logs"}, {"app"}}));
}

}  // namespace
}  // namespace berth::compose
