// berth run SERVICE [CMD...]: a one-off container of a service (<project>-<service>-run-<hex>,
// labelled oneoff), its dependencies brought up first as `up` would (unless --no-deps), with the
// command, entrypoint, environment, user, directory, volumes and ports the flags give. Attached
// (the default), berth's stdin is its stdin, with a terminal when berth's stdin is one (unless -T),
// its output comes back through its supervisor's attach stream, and its exit code is berth's.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/attach_session.h"
#include "cli/container_steps.h"
#include "cli/interrupts.h"
#include "cli/run_flags.h"
#include "cli/stack_command.h"
#include "cli/verbs.h"
#include "compose/plan.h"
#include "compose/shell_words.h"
#include "runtime/container/container.h"
#include "runtime/container/log_reader.h"
#include "runtime/container/spec.h"
#include "stack/container_lifecycle.h"
#include "stack/container_mounts.h"
#include "stack/executor.h"
#include "stack/observe.h"
#include "util/log.h"

namespace berth::cli {

namespace {

struct RunFlags {
  std::string service, name, user, workdir;
  std::optional<std::string> entrypoint;  // set when --entrypoint was given (even empty)
  std::string entrypoint_text;
  bool remove = false, service_ports = false, no_deps = false, no_tty = false, detach = false;
  bool interactive = true;
  std::vector<std::string> env, volumes, publish, labels;
};

std::string random_hex(size_t n) {
  std::FILE* f = std::fopen("/dev/urandom", "rb");
  if (!f) throw Error("cannot read /dev/urandom");
  std::string out;
  static const char* digits = "0123456789abcdef";
  while (out.size() < n) {
    int c = std::fgetc(f);
    out += digits[c & 15];
  }
  std::fclose(f);
  return out;
}

// The service as this run wants it: a copy with the flags applied.
compose::Service one_off_service(const compose::Service& base, const RunFlags& f, const std::vector<std::string>& command) {
  compose::Service s = base;
  if (!command.empty()) s.command = command;
  if (f.entrypoint) {
    auto words = compose::split_shell_words(*f.entrypoint);
    if (!words) throw Error("--entrypoint: a quote is not closed in '" + *f.entrypoint + "'");
    s.entrypoint = *words;
  }
  for (const auto& e : f.env) {
    size_t eq = e.find('=');
    if (eq != std::string::npos) s.environment[e.substr(0, eq)] = e.substr(eq + 1);
    else if (const char* v = std::getenv(e.c_str())) s.environment[e] = std::string(v);
  }
  for (const auto& l : f.labels) {
    size_t eq = l.find('=');
    s.labels[l.substr(0, eq)] = eq == std::string::npos ? "" : l.substr(eq + 1);
  }
  if (!f.user.empty()) s.user = f.user;
  if (!f.workdir.empty()) s.working_dir = f.workdir;
  // Ports only with --service-ports or -p: a one-off beside the running service must not fight
  // it for the service's host ports.
  if (!f.service_ports) s.ports.clear();
  for (const auto& p : f.publish) s.ports.push_back(parse_publish(p));
  for (const auto& v : f.volumes) s.volumes.push_back(parse_volume(v));
  // Attached, it is interactive as with docker compose: stdin kept, a terminal on a terminal.
  // Detached, nobody is there to type.
  s.stdin_open = !f.detach && f.interactive;
  // Both ends a terminal, as for exec: output redirected to a file gets no \r\n line ends.
  s.tty = !f.detach && !f.no_tty && ::isatty(STDIN_FILENO) != 0 && ::isatty(STDOUT_FILENO) != 0;
  s.restart = "no";
  if (s.deploy) s.deploy->restart_policy.reset();
  s.container_name.clear();
  return s;
}

// The plan of `up` for the service, without the service's own containers: its networks, its
// volumes and (unless no_deps) its dependencies, with their conditions waited for.
compose::Plan prerequisites(const compose::Project& p, const std::string& service, bool no_deps) {
  compose::UpOptions o;
  o.services = {service};
  o.no_deps = no_deps;
  compose::Plan full = compose::plan_up(p, stack::observe(p), o);
  compose::Plan out;
  std::vector<long> index(full.actions.size(), -1);
  for (size_t i = 0; i < full.actions.size(); ++i) {
    const compose::Action& a = full.actions[i];
    bool own_container = a.service == service && a.kind != compose::ActionKind::create_network &&
                         a.kind != compose::ActionKind::create_volume && a.kind != compose::ActionKind::pull_image;
    if (own_container) continue;
    index[i] = static_cast<long>(out.actions.size());
    compose::Action copy = a;
    copy.after.clear();
    for (size_t dep : a.after)
      if (index[dep] >= 0) copy.after.push_back(static_cast<size_t>(index[dep]));
    out.actions.push_back(std::move(copy));
  }
  return out;
}

// Starts the one-off attached from its first byte; returns its exit code, or nullopt when the
// user detached (it goes on running).
std::optional<int> run_attached(const std::string& id, const std::string& name, const compose::Service& s) {
  Interrupts interrupts([id](int, int count) {
    try {
      if (count == 1) runtime::stop_container(id);
      else runtime::kill_container(id, "SIGKILL");
    } catch (const std::exception& e) {
      log::warn(e.what());
    }
  });
  runtime::Fd stream = runtime::start_container_attached(id);
  log::info("started one-off container " + id);
  runtime::AttachOutcome outcome = attach_session(std::move(stream), {s.stdin_open, s.tty});
  if (outcome.detached) {
    std::fprintf(stderr, "\r\ndetached from %s: it goes on running\r\n", name.c_str());
    return std::nullopt;
  }
  // The supervisor's last word (and its end): the exit code as recorded.
  return runtime::wait_container(id);
}

int run_run(const GlobalOptions& g, const RunFlags& f, const std::vector<std::string>& command) {
  if (f.detach && f.remove)
    throw Error("--rm cannot be used with -d by berth yet", "remove the container later with `berth down` or `berth rm`");
  LoadedProject lp = load_locked(g);
  const compose::Project& p = lp.project;
  check_services(p, {f.service});
  compose::Service service = one_off_service(p.services.at(f.service), f, command);

  stack::ExecuteOptions exec = execute_options(g);
  compose::UpOptions pulls;
  pulls.services = {f.service};
  pulls.no_deps = f.no_deps;
  // Bad mounts or secrets, of the one-off or of what it needs: refused before anything is pulled
  // or made.
  compose::Observed observed = stack::observe(p);
  compose::Plan needed = prerequisites(p, f.service, f.no_deps);
  stack::check_plan_inputs(p, needed, observed);
  stack::check_container_inputs(p, service, stack::known_containers(needed, observed));
  stack::execute(compose::plan_pulls(p, observed, pulls), p, exec);
  stack::execute(prerequisites(p, f.service, f.no_deps), p, exec);

  std::string name = !f.name.empty() ? f.name : p.name + "-" + f.service + "-run-" + random_hex(12);
  for (const auto& r : runtime::list_records())
    if (r.name == name) throw Error("a container named " + name + " exists already", "choose another --name");
  stack::ContainerRequest request{&p, &service, 1, true, name};
  std::string id = stack::create_service_container(request);
  lp.unlock();  // the one-off may run long: other verbs may act on the project meanwhile

  if (f.detach) {
    try {
      runtime::start_container(id);
    } catch (...) {
      stack::remove_service_container(id, true);
      throw;
    }
    std::cout << name << "\n";
    return 0;
  }
  std::optional<int> code;
  try {
    code = run_attached(id, name, service);
  } catch (...) {
    if (f.remove) stack::remove_service_container(id, true);
    throw;
  }
  if (!code) return 0;  // detached: --rm is for when it ends (berth rm it then)
  if (f.remove) stack::remove_service_container(id, true);
  return *code;
}

}  // namespace

void add_run_verb(CLI::App& app, const GlobalOptions& global) {
  auto* run = app.add_subcommand("run", "Run a one-off command in a new container of a service");
  auto f = std::make_shared<RunFlags>();
  run->prefix_command();  // everything after SERVICE is the command, its own flags included
  run->add_flag("--rm", f->remove, "Remove the container when it exits");
  run->add_option("-e,--env", f->env, "KEY=VAL: set an environment variable")->allow_extra_args(false);
  run->add_option("-v,--volume", f->volumes, "SOURCE:TARGET[:ro]: mount a path or volume")->allow_extra_args(false);
  run->add_option("-p,--publish", f->publish, "[IP:][HOST:]CONTAINER[/PROTO]: publish a port")->allow_extra_args(false);
  run->add_option("-l,--label", f->labels, "KEY=VAL: add a label")->allow_extra_args(false);
  run->add_flag("-P,--service-ports", f->service_ports, "Publish the service's ports");
  run->add_option("-u,--user", f->user, "Run as this user");
  run->add_option("-w,--workdir", f->workdir, "Run in this directory");
  auto* entrypoint = run->add_option("--entrypoint", f->entrypoint_text, "Override the entrypoint");
  run->add_flag("--no-deps", f->no_deps, "Don't start the services it depends on");
  run->add_flag("-T,--no-TTY", f->no_tty, "Don't allocate a terminal (default: one when stdin and stdout are terminals)");
  run->add_flag("-i,--interactive,!--no-interactive", f->interactive,
                "Keep stdin open and forward it (default; --no-interactive: stdin is /dev/null)");
  run->add_flag("-d,--detach", f->detach, "Run in the background and print the container name");
  run->add_option("--name", f->name, "Name the container");
  run->add_option("service", f->service, "The service")->required();
  run->fallthrough(false);  // a command named like a berth verb is the container's
  set_action(run, [&global, f, run, entrypoint] {
    if (entrypoint->count() > 0) f->entrypoint = f->entrypoint_text;
    return run_run(global, *f, run->remaining());
  });
}

}  // namespace berth::cli
