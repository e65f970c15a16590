// berth pull (the images of the project's services) and berth images (the images its containers
// use), as docker compose has them.
#include <set>
#include <nlohmann/json.hpp>

#include <iostream>
#include <mutex>
#include <thread>

#include "cli/container_steps.h"
#include "cli/progress.h"
#include "cli/project_options.h"
#include "cli/stack_command.h"
#include "cli/table.h"
#include "cli/verbs.h"
#include "runtime/image/pull.h"
#include "runtime/image/reference.h"
#include "runtime/image/store.h"
#include "stack/labels.h"
#include "stack/observe.h"

namespace berth::cli {

namespace {

struct PullFlags {
  std::vector<std::string> services;
  bool ignore_failures = false, quiet = false, include_deps = false;
};

int run_pull(const GlobalOptions& g, const PullFlags& f) {
  compose::Project p = load(load_options(g)).project;
  check_services(p, f.services);
  std::set<std::string> images;
  for (const auto& name : compose::selected_services(p, f.services, f.include_deps)) {
    const compose::Service& s = p.services.at(name);
    if (s.image.empty()) continue;  // built, not pulled
    if (s.pull_policy == "build") continue;
    images.insert(s.image);
  }
  auto events = f.quiet ? stack::EventSink{} : progress_sink(g);
  std::mutex mutex;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  image::Store store;
  for (const auto& ref : images) {
    threads.emplace_back([&, ref] {
      auto emit = [&](const stack::Event& e) {
        std::lock_guard lock(mutex);
        if (events) events(e);
      };
      auto start = std::chrono::steady_clock::now();
      emit({"image", ref, "Pulling", "", 0, false});
      try {
        image::registry::PullOptions o;
        image::registry::pull_image(store, image::parse_reference(ref), o);
        emit({"image", ref, "Pulled", "", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), true});
      } catch (const std::exception& e) {
        emit({"image", ref, "Error", e.what(), 0, true});
        std::lock_guard lock(mutex);
        failures.push_back(ref + ": " + e.what());
      }
    });
  }
  for (auto& t : threads) t.join();
  if (failures.empty()) return 0;
  if (f.ignore_failures) {
    for (const auto& fail : failures) std::cerr << "warning: pulling " << fail << "\n";
    return 0;
  }
  std::string what = failures.size() == 1 ? "pulling " + failures.front() : std::to_string(failures.size()) + " images failed:";
  if (failures.size() > 1)
    for (const auto& fail : failures) what += "\n  " + fail;
  throw Error(what, "use --ignore-pull-failures to go on with the images that came");
}

struct ImagesFlags {
  std::vector<std::string> services;
  bool quiet = false;
  std::string format = "table";
};

std::string human_size(int64_t bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  size_t u = 0;
  while (v >= 1000 && u + 1 < std::size(units)) v /= 1000, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f%s" : "%.3g%s", v, units[u]);
  return buf;
}

int run_images(const GlobalOptions& g, const ImagesFlags& f) {
  compose::Project p = load(load_options(g)).project;
  check_services(p, f.services);
  image::Store store;
  struct Row {
    std::string container, repository, tag, id;
    int64_t size = 0;
  };
  std::vector<Row> rows;
  for (const auto& c : containers_of(p, f.services, true)) {
    Row row;
    row.container = c.name;
    row.id = stack::label_of(c, stack::labels::kImage);
    auto it = p.services.find(stack::label_of(c, stack::labels::kService));
    std::string ref = it == p.services.end() ? "" : it->second.image.empty() ? p.name + "-" + it->first : it->second.image;
    if (!ref.empty()) {
      image::Reference parsed = image::parse_reference(ref);
      row.repository = image::Reference{parsed.registry, parsed.repository, "", ""}.familiar();
      row.tag = parsed.tag;
      try {
        image::Image img = store.find(ref);
        if (img.config_digest == row.id) row.size = img.size;
      } catch (const std::exception&) {
        // the reference moved on or is gone: the container's image is still known by its id
      }
    }
    rows.push_back(row);
  }
  auto short_id = [](const std::string& id) {
    std::string hex = id.substr(id.find(':') == std::string::npos ? 0 : id.find(':') + 1);
    return hex.substr(0, 12);
  };
  if (f.quiet) {
    std::set<std::string> seen;
    for (const auto& r : rows)
      if (seen.insert(r.id).second) std::cout << r.id << "\n";
    return 0;
  }
  if (f.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows)
      out.push_back({{"ContainerName", r.container}, {"Repository", r.repository}, {"Tag", r.tag}, {"ID", r.id},
                     {"Size", r.size}});
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> table{{"CONTAINER", "REPOSITORY", "TAG", "IMAGE ID", "SIZE"}};
  for (const auto& r : rows) table.push_back({r.container, r.repository, r.tag, short_id(r.id), human_size(r.size)});
  std::cout << format_table(table);
  return 0;
}

}  // namespace

void add_project_image_verbs(CLI::App& app, const GlobalOptions& global) {
  auto* pull = app.add_subcommand("pull", "Pull the images of the project's services");
  auto f = std::make_shared<PullFlags>();
  pull->add_flag("--ignore-pull-failures", f->ignore_failures, "Pull what can be pulled and ignore the failures");
  pull->add_flag("-q,--quiet", f->quiet, "Pull without printing progress");
  pull->add_flag("--include-deps", f->include_deps, "Also pull the services the named ones depend on");
  pull->add_option("services", f->services, "Services (default: all)");
  set_action(pull, [&global, f] { return run_pull(global, *f); });

  auto* images = app.add_subcommand("images", "List the images the project's containers use");
  auto i = std::make_shared<ImagesFlags>();
  images->add_flag("-q,--quiet", i->quiet, "Only display image IDs");
  images->add_option("--format", i->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  images->add_option("services", i->services, "Services (default: all)");
  set_action(images, [&global, i] { return run_images(global, *i); });
}

}  // namespace berth::cli
