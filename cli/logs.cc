// berth logs (the project's containers' output, with prefixes, following with -f) and berth
// attach (one container's stream: its output as it comes, the user's input when it keeps stdin,
// its terminal when it has one; Ctrl-C forwarded, ctrl-p ctrl-q detaches).
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <ctime>
#include <thread>

#include "cli/attach_session.h"
#include "cli/container_steps.h"
#include "cli/interrupts.h"
#include "cli/log_printer.h"
#include "cli/project_options.h"
#include "cli/stack_command.h"
#include "cli/time_arg.h"
#include "cli/verbs.h"
#include "runtime/container/container.h"
#include "runtime/container/log_reader.h"
#include "util/log.h"

namespace berth::cli {

namespace {

struct LogsFlags {
  bool follow = false, timestamps = false, no_color = false, no_log_prefix = false;
  std::string tail = "all", since, until;
  std::vector<std::string> services;
  int index = 0;
};

runtime::LogQuery query_of(const LogsFlags& f) {
  runtime::LogQuery q;
  q.follow = f.follow;
  std::time_t now = std::time(nullptr);
  if (!f.since.empty()) q.since = log_time_bound(f.since, "--since", now);
  if (!f.until.empty()) q.until = log_time_bound(f.until, "--until", now);
  if (f.tail != "all") {
    try {
      size_t used = 0;
      long n = std::stol(f.tail, &used);
      if (used != f.tail.size() || n < 0) throw std::invalid_argument("tail");
      q.tail = static_cast<size_t>(n);
    } catch (const std::exception&) {
      throw Error("--tail: '" + f.tail + "' is not a number of lines", "give a number, or all");
    }
  }
  return q;
}

int run_logs(const GlobalOptions& g, const LogsFlags& f) {
  compose::Project p = load(load_options(g)).project;
  check_services(p, f.services);
  runtime::LogQuery q = query_of(f);
  std::vector<runtime::ContainerRecord> containers = containers_of(p, f.services);
  if (f.index > 0) {
    if (f.services.size() != 1) throw Error("--index needs exactly one service");
    containers = {service_container(p, f.services.front(), f.index)};
  }
  LogPrinter printer(containers, {!f.no_color && ::isatty(STDOUT_FILENO), !f.no_log_prefix, f.timestamps});
  auto show = [&](const runtime::ContainerRecord& c) {
    try {
      runtime::read_logs(c.id, q, [&](const runtime::LogLine& line) {
        printer.print(c, line);
        return true;
      });
    } catch (const std::exception& e) {
      log::warn(c.name + ": " + e.what());
    }
  };
  if (!f.follow) {
    // One container after another: what was written is all there, in each container's order.
    for (const auto& c : containers) show(c);
    return 0;
  }
  std::vector<std::thread> followers;
  for (const auto& c : containers) followers.emplace_back([&show, c] { show(c); });
  for (auto& t : followers) t.join();
  return 0;
}

struct AttachFlags {
  std::string service;
  int index = 1;
  bool sig_proxy = true;
  bool no_stdin = false;
};

int run_attach(const GlobalOptions& g, const AttachFlags& f) {
  compose::Project p = load(load_options(g)).project;
  runtime::ContainerRecord c = service_container(p, f.service, f.index);
  if (runtime::inspect_container(c.id).status != "running")
    throw Error("container " + c.name + " is not running", "start it with `berth start " + f.service + "`");
  std::string id = c.id;
  bool proxy = f.sig_proxy;
  Interrupts interrupts([id, proxy](int signal, int count) {
    try {
      // Forwarded as docker attach does; a third Ctrl-C gives up on a container that ignores it.
      if (count >= 3) runtime::kill_container(id, "SIGKILL");
      else if (proxy) runtime::kill_container(id, signal == SIGINT ? "SIGINT" : "SIGTERM");
      else runtime::stop_container(id);
    } catch (const std::exception& e) {
      log::warn(e.what());
    }
  });
  runtime::TerminalSettings terminal = runtime::container_terminal(id);
  runtime::Fd stream = runtime::connect_attach(id);  // what comes from now on, as docker attach
  log::info("attached to " + c.name);
  runtime::AttachOutcome outcome =
      attach_session(std::move(stream), {terminal.stdin_open && !f.no_stdin, terminal.tty});
  if (outcome.detached) {
    std::fprintf(stderr, "\r\ndetached from %s: it goes on running\r\n", c.name.c_str());
    return 0;
  }
  if (outcome.exit_code) return *outcome.exit_code;
  auto record = runtime::read_record(id);
  return record ? record->exit_code : 0;
}

}  // namespace

void add_logs_verbs(CLI::App& app, const GlobalOptions& global) {
  auto* logs = app.add_subcommand("logs", "Show the output of the project's containers");
  auto f = std::make_shared<LogsFlags>();
  logs->add_flag("-f,--follow", f->follow, "Follow the output");
  logs->add_option("-n,--tail", f->tail, "Number of lines from the end of each log (default: all)");
  logs->add_option("--since", f->since, "From this time (RFC 3339, Unix seconds, or a duration back: 10m)");
  logs->add_option("--until", f->until, "Until this time (RFC 3339, Unix seconds, or a duration back: 10m)");
  logs->add_flag("-t,--timestamps", f->timestamps, "Show timestamps");
  logs->add_flag("--no-color", f->no_color, "Monochrome output");
  logs->add_flag("--no-log-prefix", f->no_log_prefix, "Don't print a prefix in logs");
  logs->add_option("--index", f->index, "The container of the service with this number");
  logs->add_option("services", f->services, "Services (default: all)");
  set_action(logs, [&global, f] { return run_logs(global, *f); });

  auto* attach = app.add_subcommand("attach", "Attach to a service container's input, output and terminal");
  auto a = std::make_shared<AttachFlags>();
  attach->add_option("service", a->service, "The service")->required();
  attach->add_option("--index", a->index, "The container of the service with this number (default 1)");
  attach->add_option("--sig-proxy", a->sig_proxy, "Forward Ctrl-C and SIGTERM to the container (default true)");
  attach->add_flag("--no-stdin", a->no_stdin, "Don't forward stdin (it is forwarded when the service keeps it: stdin_open)");
  set_action(attach, [&global, a] { return run_attach(global, *a); });
}

}  // namespace berth::cli
