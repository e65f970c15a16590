// berth wait SERVICE...: blocks until the services' containers stop, printing each exit code;
// --down-project then takes the project down.
#include <iostream>

#include "cli/container_steps.h"
#include "cli/project_options.h"
#include "cli/stack_command.h"
#include "cli/verbs.h"
#include "runtime/container/container.h"
#include "stack/observe.h"

namespace berth::cli {

namespace {

struct WaitFlags {
  std::vector<std::string> services;
  bool down_project = false;
};

int run_wait(const GlobalOptions& g, const WaitFlags& f) {
  // Waiting takes no lock: other berth commands may act on the project meanwhile.
  compose::Project p = load(load_options(g)).project;
  check_services(p, f.services);
  auto containers = containers_of(p, f.services);
  if (containers.empty()) throw Error("no containers to wait for", "start the services with `berth up -d`");
  int first = 0;
  bool have_first = false;
  for (const auto& c : containers) {
    int code = runtime::wait_container(c.id);
    std::cout << code << "\n" << std::flush;
    if (!have_first) first = code, have_first = true;
  }
  if (f.down_project) {
    LoadedProject lp = load_locked(g);
    compose::Plan plan = compose::plan_down(lp.project, stack::observe(lp.project), {});
    stack::execute(plan, lp.project, execute_options(g));
  }
  return first;
}

}  // namespace

void add_wait_verb(CLI::App& app, const GlobalOptions& global) {
  auto* wait = app.add_subcommand("wait", "Block until the services' containers stop; print their exit codes");
  auto f = std::make_shared<WaitFlags>();
  wait->add_flag("--down-project", f->down_project, "Take the project down once they have stopped");
  wait->add_option("services", f->services, "Services")->required();
  set_action(wait, [&global, f] { return run_wait(global, *f); });
}

}  // namespace berth::cli
