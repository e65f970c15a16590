// berth up and berth down: the whole blueprint, in dependency order, converging on every run.
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <atomic>
#include <iostream>
#include <thread>

#include "cli/log_printer.h"
#include "cli/stack_command.h"
#include "cli/verbs.h"
#include "compose/plan.h"
#include "compose/validate.h"
#include "runtime/container/container.h"
#include "runtime/container/watch.h"
#include "stack/container_mounts.h"
#include "stack/executor.h"
#include "stack/labels.h"
#include "stack/network_plan.h"
#include "stack/observe.h"
#include "util/log.h"

namespace berth::cli {

namespace {

struct UpFlags {
  bool detach = false, wait = false, no_deps = false, force_recreate = false, no_recreate = false;
  bool always_recreate_deps = false, remove_orphans = false, no_start = false;
  bool abort_on_exit = false, timestamps = false, no_color = false, no_log_prefix = false;
  int wait_timeout = 0;
  int timeout = -1;
  std::vector<std::string> scale;
  std::string pull;
  std::string exit_code_from;
  std::vector<std::string> attach, no_attach, services;
};

compose::UpOptions up_options(const UpFlags& f) {
  compose::UpOptions o;
  o.services = f.services;
  o.no_deps = f.no_deps;
  o.force_recreate = f.force_recreate;
  o.no_recreate = f.no_recreate;
  o.always_recreate_deps = f.always_recreate_deps;
  o.remove_orphans = f.remove_orphans;
  o.no_start = f.no_start;
  o.pull = f.pull == "policy" ? "" : f.pull;
  for (const auto& s : f.scale) {
    size_t eq = s.find('=');
    if (eq == std::string::npos) throw Error("invalid --scale '" + s + "'", "write --scale SERVICE=N");
    try {
      o.scale[s.substr(0, eq)] = std::stoi(s.substr(eq + 1));
    } catch (const std::exception&) {
      throw Error("invalid --scale '" + s + "'", "write --scale SERVICE=N with N a number");
    }
  }
  return o;
}

void check_images(const compose::Project& p, const std::set<std::string>& selected) {
  for (const auto& name : selected) {
    const compose::Service& s = p.services.at(name);
    compose::check_has_image_or_build(s);
    if (s.image.empty() && s.build)
      throw Error("service '" + name + "' needs an image built from " + s.build->context +
                      ", and berth cannot build images yet",
                  "build it elsewhere and `berth image load` it, then set `image:` on the service",
                  s.mark.location(), "services." + name + ".build");
  }
}

void warn_orphans(const compose::Plan& plan) {
  if (plan.orphans.empty()) return;
  std::string names;
  for (const auto& o : plan.orphans) names += (names.empty() ? "" : ", ") + o;
  log::warn("found orphan containers (" + names +
            ") for this project: if you removed or renamed their service, run this command with "
            "--remove-orphans to clean them up");
}

// Waits until every container of the selected services runs (and is healthy when it has a
// healthcheck), or has exited 0 when it is a one-shot job others wait for.
int wait_ready(const compose::Project& p, const std::vector<std::string>& services, int timeout_s) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  for (const auto& r : containers_of(p, services)) {
    std::optional<runtime::Duration> limit;
    if (timeout_s > 0)
      limit = std::max(runtime::Duration(1), std::chrono::duration_cast<runtime::Duration>(
                                                 deadline - std::chrono::steady_clock::now()));
    auto settled = runtime::wait_for_record(
        r.id,
        [](const runtime::ContainerRecord& c) {
          if (c.status == "exited" || c.status == "dead") return true;
          return c.status == "running" && (c.health.status.empty() || c.health.status == "healthy" ||
                                           c.health.status == "unhealthy");
        },
        limit);
    if (!settled) throw Error("container " + r.name + " is not ready after " + std::to_string(timeout_s) + "s");
    if (settled->health.status == "unhealthy") throw Error("container " + r.name + " is unhealthy");
    if ((settled->status == "exited" || settled->status == "dead") && settled->exit_code != 0)
      throw Error("container " + r.name + " exited with code " + std::to_string(settled->exit_code));
  }
  return 0;
}

void stop_all(const std::vector<runtime::ContainerRecord>& containers, int timeout, bool kill) {
  std::vector<std::thread> threads;
  for (const auto& c : containers)
    threads.emplace_back([&c, timeout, kill] {
      try {
        if (kill) runtime::kill_container(c.id, "SIGKILL");
        else if (timeout >= 0) runtime::stop_container(c.id, std::nullopt, std::chrono::seconds(timeout));
        else runtime::stop_container(c.id);
      } catch (const std::exception&) {
        // already stopped
      }
    });
  for (auto& t : threads) t.join();
}

// Streams the logs of the project's containers until they all stop, Ctrl-C (stop gracefully,
// a second one kills) or, with --abort-on-container-exit, the first one stops.
int attach(const compose::Project& p, const UpFlags& f) {
  auto containers = containers_of(p, f.attach.empty() ? f.services : f.attach);
  std::erase_if(containers, [&](const auto& c) {
    std::string s = stack::label_of(c, stack::labels::kService);
    return std::find(f.no_attach.begin(), f.no_attach.end(), s) != f.no_attach.end();
  });
  LogPrinter printer(containers, {!f.no_color && ::isatty(STDOUT_FILENO), !f.no_log_prefix, f.timestamps});

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  int sigfd = ::signalfd(-1, &signals, SFD_CLOEXEC);
  int done_fd = ::eventfd(0, EFD_CLOEXEC);

  std::vector<std::thread> followers;
  std::vector<std::string> exit_order;
  std::mutex order_mutex;
  for (const auto& c : containers) {
    followers.emplace_back([&, c] {
      runtime::LogQuery q;
      q.follow = true;
      try {
        runtime::read_logs(c.id, q, [&](const runtime::LogLine& line) {
          printer.print(c, line);
          return true;
        });
      } catch (const std::exception& e) {
        log::warn(c.name + ": " + e.what());
      }
      {
        std::lock_guard lock(order_mutex);
        exit_order.push_back(c.id);
      }
      uint64_t one = 1;
      (void)!::write(done_fd, &one, sizeof one);
    });
  }

  size_t exited = 0;
  int interrupts = 0;
  while (exited < containers.size()) {
    pollfd fds[2] = {{sigfd, POLLIN, 0}, {done_fd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info;
      (void)!::read(sigfd, &info, sizeof info);
      ++interrupts;
      if (interrupts == 1) {
        printer.note("Gracefully stopping... (press Ctrl+C again to force)");
        std::thread([&containers, &f] { stop_all(containers, f.timeout, false); }).detach();
      } else {
        stop_all(containers, f.timeout, true);
      }
    }
    if (fds[1].revents & POLLIN) {
      uint64_t n = 0;
      (void)!::read(done_fd, &n, sizeof n);
      exited += n;
      if (f.abort_on_exit && interrupts == 0) {
        printer.note("Aborting on container exit...");
        ++interrupts;
        stop_all(containers, f.timeout, false);
      }
    }
  }
  for (auto& t : followers) t.join();
  ::close(sigfd);
  ::close(done_fd);
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);

  // The exit code: --exit-code-from's container, else with --abort-on-container-exit the first
  // that stopped.
  std::string from_id;
  if (!f.exit_code_from.empty()) {
    for (const auto& c : containers)
      if (stack::label_of(c, stack::labels::kService) == f.exit_code_from) from_id = c.id;
  } else if (f.abort_on_exit && !exit_order.empty()) {
    from_id = exit_order.front();
  }
  if (from_id.empty()) return 0;
  auto record = runtime::read_record(from_id);
  return record ? record->exit_code : 0;
}

int run_up(const GlobalOptions& global, const UpFlags& f) {
  LoadedProject lp = load_locked(global);
  const compose::Project& p = lp.project;
  compose::UpOptions options = up_options(f);
  if (!f.exit_code_from.empty() && !p.services.count(f.exit_code_from))
    throw Error("--exit-code-from: no such service: " + f.exit_code_from);
  check_images(p, compose::selected_services(p, options.services, !options.no_deps));
  stack::ExecuteOptions exec = execute_options(global);
  exec.stop_timeout = std::chrono::seconds(f.timeout);
  if (f.wait_timeout > 0) exec.wait_timeout = std::chrono::seconds(f.wait_timeout);

  // Bad mounts or secrets: refused before anything is pulled or made.
  compose::Observed observed = stack::observe(p);
  stack::check_plan_inputs(p, compose::plan_up(p, observed, options), observed);
  stack::execute(compose::plan_pulls(p, observed, options), p, exec);
  compose::Plan plan = compose::plan_up(p, stack::observe(p), options);
  warn_orphans(plan);
  if (plan.empty()) std::cerr << "Nothing to do: every container of " << p.name << " is up to date\n";
  stack::check_networking(p, plan);  // bad networking input is refused before anything is made
  stack::execute(plan, p, exec);
  lp.unlock();  // attached, another berth may act on the project (down, logs, ps)

  if (f.detach || f.no_start) return f.wait ? wait_ready(p, options.services, f.wait_timeout) : 0;
  return attach(p, f);
}

struct DownFlags {
  bool volumes = false, remove_orphans = false;
  std::string rmi;
  int timeout = -1;
};

int run_down(const GlobalOptions& global, const DownFlags& f) {
  LoadedProject lp = load_locked(global);
  compose::DownOptions o;
  o.volumes = f.volumes;
  o.remove_orphans = f.remove_orphans;
  o.rmi = f.rmi;
  compose::Plan plan = compose::plan_down(lp.project, stack::observe(lp.project), o);
  warn_orphans(plan);
  stack::ExecuteOptions exec = execute_options(global);
  exec.stop_timeout = std::chrono::seconds(f.timeout);
  exec.remove_anonymous_volumes = f.volumes;
  stack::execute(plan, lp.project, exec);
  return 0;
}

}  // namespace

void add_up_verbs(CLI::App& app, const GlobalOptions& global) {
  auto* up = app.add_subcommand("up", "Create and start containers");
  auto f = std::make_shared<UpFlags>();
  up->add_flag("-d,--detach", f->detach, "Run containers in the background");
  up->add_flag("--wait", f->wait, "Wait for services to be running|healthy (implies -d)");
  up->add_option("--wait-timeout", f->wait_timeout, "Maximum seconds to wait for the project");
  up->add_flag("--no-deps", f->no_deps, "Don't start linked services");
  up->add_flag("--force-recreate", f->force_recreate, "Recreate containers even if nothing changed");
  up->add_flag("--no-recreate", f->no_recreate, "Don't recreate existing containers");
  up->add_flag("--always-recreate-deps", f->always_recreate_deps, "Recreate dependent containers");
  up->add_flag("--remove-orphans", f->remove_orphans, "Remove containers of services not in the blueprint");
  up->add_option("--scale", f->scale, "SERVICE=NUM: scale a service")->allow_extra_args(false);
  up->add_flag("--no-start", f->no_start, "Don't start the services after creating them");
  up->add_option("--pull", f->pull, "Pull images before running: always, missing, never")
      ->check(CLI::IsMember({"always", "missing", "never", "policy"}));
  up->add_option("-t,--timeout", f->timeout, "Seconds to wait for containers to stop");
  up->add_flag("--abort-on-container-exit", f->abort_on_exit, "Stop all containers if any stops");
  up->add_option("--exit-code-from", f->exit_code_from, "Return the exit code of this service's container");
  up->add_option("--attach", f->attach, "Attach only to these services")->allow_extra_args(false);
  up->add_option("--no-attach", f->no_attach, "Don't attach to these services")->allow_extra_args(false);
  up->add_flag("--timestamps", f->timestamps, "Show timestamps");
  up->add_flag("--no-color", f->no_color, "Monochrome output");
  up->add_flag("--no-log-prefix", f->no_log_prefix, "Don't print a prefix in logs");
  up->add_option("services", f->services, "Services to start (default: all)");
  set_action(up, [&global, f] {
    if (f->wait) f->detach = true;
    if (!f->exit_code_from.empty()) f->abort_on_exit = true;
    return run_up(global, *f);
  });

  // berth create: up --no-start (networks, volumes and containers made, nothing started).
  auto* create = app.add_subcommand("create", "Create the project's containers without starting them");
  auto c = std::make_shared<UpFlags>();
  create->add_flag("--force-recreate", c->force_recreate, "Recreate containers even if nothing changed");
  create->add_flag("--no-recreate", c->no_recreate, "Don't recreate existing containers");
  create->add_flag("--remove-orphans", c->remove_orphans, "Remove containers of services not in the blueprint");
  create->add_option("--scale", c->scale, "SERVICE=NUM: scale a service")->allow_extra_args(false);
  create->add_option("--pull", c->pull, "Pull images before creating: always, missing, never")
      ->check(CLI::IsMember({"always", "missing", "never", "policy"}));
  create->add_option("services", c->services, "Services to create (default: all)");
  set_action(create, [&global, c] {
    if (c->force_recreate && c->no_recreate)
      throw Error("--force-recreate and --no-recreate cannot be used together");
    c->no_start = c->detach = true;
    return run_up(global, *c);
  });

  auto* down = app.add_subcommand("down", "Stop and remove containers, networks");
  auto d = std::make_shared<DownFlags>();
  down->add_flag("-v,--volumes", d->volumes, "Remove named volumes declared in the blueprint and anonymous volumes");
  down->add_flag("--remove-orphans", d->remove_orphans, "Remove containers of services not in the blueprint");
  down->add_option("--rmi", d->rmi, "Remove images used by services: local or all")
      ->check(CLI::IsMember({"local", "all"}));
  down->add_option("-t,--timeout", d->timeout, "Seconds to wait for containers to stop");
  set_action(down, [&global, d] { return run_down(global, *d); });
}

}  // namespace berth::cli
