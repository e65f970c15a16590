#include "cli/container_steps.h"

#include <string_view>
#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include "cli/stack_command.h"
#include "compose/graph.h"
#include "compose/suggest.h"
#include "stack/labels.h"
#include "stack/observe.h"
#include "util/error.h"

namespace berth::cli {

namespace {

// The containers grouped by the dependency layer of their service.
std::vector<std::vector<const runtime::ContainerRecord*>> layered(
    const compose::Project& project, const std::vector<runtime::ContainerRecord>& containers) {
  auto layers = compose::dependency_layers(compose::build_graph(project));
  std::vector<std::vector<const runtime::ContainerRecord*>> out(layers.size() + 1);
  for (const auto& c : containers) {
    std::string service = stack::label_of(c, stack::labels::kService);
    size_t index = layers.size();  // not in the blueprint: after everything
    for (size_t i = 0; i < layers.size(); ++i)
      if (std::find(layers[i].begin(), layers[i].end(), service) != layers[i].end()) index = i;
    out[index].push_back(&c);
  }
  std::erase_if(out, [](const auto& layer) { return layer.empty(); });
  return out;
}

}  // namespace

void run_in_layers(const compose::Project& project, const std::vector<runtime::ContainerRecord>& containers,
                   bool reverse, const ContainerStep& step, const stack::EventSink& events) {
  auto layers = layered(project, containers);
  if (reverse) std::reverse(layers.begin(), layers.end());
  std::mutex mutex;
  std::vector<std::string> failures;
  auto emit = [&](const stack::Event& e) {
    std::lock_guard lock(mutex);
    if (events) events(e);
  };
  for (const auto& layer : layers) {
    std::vector<std::thread> threads;
    for (const runtime::ContainerRecord* c : layer) {
      threads.emplace_back([&, c] {
        auto start = std::chrono::steady_clock::now();
        emit({"container", c->name, step.doing, "", 0, false});
        try {
          step.act(*c);
          double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          emit({"container", c->name, step.done, "", s, true});
        } catch (const std::exception& e) {
          emit({"container", c->name, "Error", e.what(), 0, true});
          std::lock_guard lock(mutex);
          failures.push_back("container " + c->name + ": " + e.what());
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  if (failures.empty()) return;
  std::string what = failures.size() == 1 ? failures.front() : std::to_string(failures.size()) + " containers failed:";
  if (failures.size() > 1)
    for (const auto& f : failures) what += "\n  " + f;
  throw Error(what);
}

runtime::ContainerRecord service_container(const compose::Project& project, const std::string& service, int index) {
  check_services(project, {service});
  auto containers = containers_of(project, {service});
  if (containers.empty())
    throw Error("service " + service + " has no container", "start it with `berth up -d " + service + "`");
  for (const auto& c : containers)
    if (stack::label_of(c, stack::labels::kNumber) == std::to_string(index)) return c;
  throw Error("service " + service + " has no container number " + std::to_string(index),
              "it has " + std::to_string(containers.size()) + "; see `berth ps " + service + "`");
}

void check_services(const compose::Project& project, const std::vector<std::string>& services) {
  for (const auto& s : services) {
    if (project.services.count(s)) continue;
    std::vector<std::string_view> known;
    std::string hint = "the services are:";
    for (const auto& [name, _] : project.services) {
      known.push_back(name);
      hint += " " + name;
    }
    std::string guess = compose::closest_match(s, known);
    if (!guess.empty()) hint = "did you mean " + guess + "?";
    throw Error("no such service: " + s, hint);
  }
}

}  // namespace berth::cli
