// berth rm: removes the project's stopped containers with everything they held; -s stops them
// first, -f also takes running ones (killed) and does not ask; -v their anonymous volumes too.
#include <unistd.h>

#include <iostream>

#include "cli/container_steps.h"
#include "cli/progress.h"
#include "cli/stack_command.h"
#include "cli/verbs.h"
#include "runtime/container/container.h"
#include "stack/container_lifecycle.h"

namespace berth::cli {

namespace {

using runtime::ContainerRecord;

struct RmFlags {
  bool force = false, stop = false, volumes = false;
  std::vector<std::string> services;
};

bool is_up(const ContainerRecord& r) {
  return r.status == "running" || r.status == "paused" || r.status == "restarting";
}

bool confirmed(const std::vector<ContainerRecord>& containers) {
  std::cerr << "Going to remove";
  for (const auto& c : containers) std::cerr << " " << c.name;
  std::cerr << "\n";
  if (!::isatty(STDIN_FILENO)) return true;  // nobody to ask: as docker compose does in scripts
  std::cerr << "Are you sure? [yN] " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

int run_rm(const GlobalOptions& g, const RmFlags& f) {
  LoadedProject lp = load_locked(g);
  const compose::Project& p = lp.project;
  check_services(p, f.services);
  auto events = progress_sink(g);
  std::vector<ContainerRecord> all;
  for (const auto& r : containers_of(p, f.services)) all.push_back(runtime::inspect_container(r.id));
  if (f.stop) {
    std::vector<ContainerRecord> up;
    for (const auto& r : all)
      if (is_up(r)) up.push_back(r);
    run_in_layers(p, up, true, {"Stopping", "Stopped", [](const ContainerRecord& r) {
                                  if (runtime::inspect_container(r.id).status == "paused")
                                    runtime::resume_container(r.id);
                                  runtime::stop_container(r.id);
                                }},
                  events);
  }
  std::vector<ContainerRecord> removable;
  for (const auto& r : all) {
    bool up = is_up(runtime::inspect_container(r.id));
    if (!up || f.force) removable.push_back(r);
    else std::cerr << "Container " << r.name << " is running: skipped (stop it, or use -s or -f)\n";
  }
  if (removable.empty()) {
    std::cerr << "No stopped containers\n";
    return 0;
  }
  if (!f.force && !confirmed(removable)) return 0;
  bool volumes = f.volumes;
  run_in_layers(p, removable, true, {"Removing", "Removed", [volumes](const ContainerRecord& r) {
                                       stack::remove_service_container(r.id, volumes);
                                     }},
                events);
  return 0;
}

}  // namespace

void add_rm_verb(CLI::App& app, const GlobalOptions& global) {
  auto* rm = app.add_subcommand("rm", "Remove the project's stopped containers");
  auto f = std::make_shared<RmFlags>();
  rm->add_flag("-f,--force", f->force, "Don't ask, and remove running containers too (killed)");
  rm->add_flag("-s,--stop", f->stop, "Stop the containers first");
  rm->add_flag("-v,--volumes", f->volumes, "Remove the containers' anonymous volumes");
  rm->add_option("services", f->services, "Services (default: all)");
  set_action(rm, [&global, f] { return run_rm(global, *f); });
}

}  // namespace berth::cli
