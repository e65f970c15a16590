// berth start, stop, restart, kill, pause, unpause: the project's existing containers, the whole
// project or named services, dependencies first (stopping: dependents first).
#include <cctype>
#include <iostream>

#include "cli/container_steps.h"
#include "cli/progress.h"
#include "cli/stack_command.h"
#include "cli/verbs.h"
#include "runtime/container/container.h"

namespace berth::cli {

namespace {

using runtime::ContainerRecord;

struct LifecycleFlags {
  std::vector<std::string> services;
  int timeout = -1;           // -t: seconds of grace; negative: the service's stop_grace_period
  std::string signal = "SIGKILL";  // kill -s
};

bool is_up(const ContainerRecord& r) {
  return r.status == "running" || r.status == "paused" || r.status == "restarting";
}

std::optional<runtime::Duration> grace(const LifecycleFlags& f) {
  if (f.timeout < 0) return std::nullopt;
  return std::chrono::duration_cast<runtime::Duration>(std::chrono::seconds(f.timeout));
}

void stop_one(const ContainerRecord& r, const LifecycleFlags& f) {
  // A frozen container cannot act on its stop signal: thaw it first.
  if (runtime::inspect_container(r.id).status == "paused") runtime::resume_container(r.id);
  runtime::stop_container(r.id, std::nullopt, grace(f));
}

// The selected containers (with a check that the named services exist) that `keep` accepts.
std::vector<ContainerRecord> selected(const compose::Project& p, const LifecycleFlags& f,
                                      const std::function<bool(const ContainerRecord&)>& keep) {
  check_services(p, f.services);
  std::vector<ContainerRecord> out;
  for (auto& r : containers_of(p, f.services)) {
    ContainerRecord now = runtime::inspect_container(r.id);
    if (keep(now)) out.push_back(std::move(now));
  }
  return out;
}

int run_start(const GlobalOptions& g, const LifecycleFlags& f) {
  LoadedProject lp = load_locked(g);
  const compose::Project& p = lp.project;
  check_services(p, f.services);
  for (const auto& s : f.services)
    if (containers_of(p, {s}).empty())
      throw Error("service " + s + " has no container to start", "create it with `berth up` or `berth create`");
  auto containers = selected(p, f, [](const ContainerRecord& r) { return !is_up(r); });
  run_in_layers(p, containers, false, {"Starting", "Started", [](const ContainerRecord& r) {
                                         runtime::start_container(r.id);
                                       }},
                progress_sink(g));
  return 0;
}

int run_stop(const GlobalOptions& g, const LifecycleFlags& f) {
  LoadedProject lp = load_locked(g);
  auto containers = selected(lp.project, f, is_up);
  run_in_layers(lp.project, containers, true,
                {"Stopping", "Stopped", [&f](const ContainerRecord& r) { stop_one(r, f); }}, progress_sink(g));
  return 0;
}

int run_restart(const GlobalOptions& g, const LifecycleFlags& f) {
  LoadedProject lp = load_locked(g);
  auto containers = selected(lp.project, f, [](const ContainerRecord&) { return true; });
  auto events = progress_sink(g);
  std::vector<ContainerRecord> up;
  for (const auto& r : containers)
    if (is_up(r)) up.push_back(r);
  run_in_layers(lp.project, up, true, {"Stopping", "Stopped", [&f](const ContainerRecord& r) { stop_one(r, f); }},
                events);
  run_in_layers(lp.project, containers, false,
                {"Restarting", "Started", [](const ContainerRecord& r) { runtime::start_container(r.id); }}, events);
  return 0;
}

int run_kill(const GlobalOptions& g, const LifecycleFlags& f) {
  LoadedProject lp = load_locked(g);
  auto containers = selected(lp.project, f, [](const ContainerRecord& r) { return r.status == "running"; });
  std::string signal = f.signal;
  if (!signal.empty() && std::isdigit(static_cast<unsigned char>(signal[0])) == 0 && signal.rfind("SIG", 0) != 0)
    signal = "SIG" + signal;
  run_in_layers(lp.project, containers, true,
                {"Killing", "Killed", [&signal](const ContainerRecord& r) { runtime::kill_container(r.id, signal); }},
                progress_sink(g));
  return 0;
}

int run_pause(const GlobalOptions& g, const LifecycleFlags& f, bool pause) {
  LoadedProject lp = load_locked(g);
  auto containers = selected(lp.project, f, [pause](const ContainerRecord& r) {
    return r.status == (pause ? "running" : "paused");
  });
  if (pause)
    run_in_layers(lp.project, containers, true,
                  {"Pausing", "Paused", [](const ContainerRecord& r) { runtime::pause_container(r.id); }},
                  progress_sink(g));
  else
    run_in_layers(lp.project, containers, false,
                  {"Unpausing", "Unpaused", [](const ContainerRecord& r) { runtime::resume_container(r.id); }},
                  progress_sink(g));
  return 0;
}

CLI::App* verb(CLI::App& app, const char* name, const char* what, std::shared_ptr<LifecycleFlags>& f) {
  auto* sub = app.add_subcommand(name, what);
  f = std::make_shared<LifecycleFlags>();
  sub->add_option("services", f->services, "Services (default: all)");
  return sub;
}

}  // namespace

void add_lifecycle_verbs(CLI::App& app, const GlobalOptions& global) {
  std::shared_ptr<LifecycleFlags> f;
  auto* start = verb(app, "start", "Start the project's existing containers", f);
  set_action(start, [&global, f] { return run_start(global, *f); });

  auto* stop = verb(app, "stop", "Stop the project's running containers", f);
  stop->add_option("-t,--timeout", f->timeout, "Seconds to wait before killing (default: stop_grace_period)");
  set_action(stop, [&global, f] { return run_stop(global, *f); });

  auto* restart = verb(app, "restart", "Restart the project's containers", f);
  restart->add_option("-t,--timeout", f->timeout, "Seconds to wait before killing (default: stop_grace_period)");
  set_action(restart, [&global, f] { return run_restart(global, *f); });

  auto* kill = verb(app, "kill", "Send a signal to the project's running containers", f);
  kill->add_option("-s,--signal", f->signal, "The signal (default SIGKILL)");
  set_action(kill, [&global, f] { return run_kill(global, *f); });

  auto* pause = verb(app, "pause", "Pause the project's running containers", f);
  set_action(pause, [&global, f] { return run_pause(global, *f, true); });

  auto* unpause = verb(app, "unpause", "Unpause the project's paused containers", f);
  set_action(unpause, [&global, f] { return run_pause(global, *f, false); });
}

}  // namespace berth::cli
