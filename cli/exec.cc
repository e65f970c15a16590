// berth exec SERVICE CMD...: a process in a running service container, with a terminal when
// stdin is one (unless -T), its exit code passed through; -d leaves it running in the background.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/container_steps.h"
#include "cli/project_options.h"
#include "cli/verbs.h"
#include "runtime/container/container.h"

namespace berth::cli {

namespace {

struct ExecFlags {
  std::string service;
  bool no_tty = false, detach = false;
  std::string user, workdir;
  std::vector<std::string> env;
  int index = 1;
};

// KEY=VAL as given; a bare KEY takes berth's own value (and is left out when it has none).
std::vector<std::string> exec_env(const std::vector<std::string>& given) {
  std::vector<std::string> out;
  for (const auto& e : given) {
    if (e.find('=') != std::string::npos) out.push_back(e);
    else if (const char* v = std::getenv(e.c_str())) out.push_back(e + "=" + v);
  }
  return out;
}

// Runs the exec in a grandchild of its own session with no stdio: it outlives this command.
int exec_detached(const std::string& id, const runtime::ExecRequest& request) {
  pid_t child = ::fork();
  if (child < 0) throw Error("fork failed");
  if (child == 0) {
    ::setsid();
    if (::fork() != 0) ::_exit(0);
    int null = ::open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; ++fd) ::dup2(null, fd);
    try {
      ::_exit(runtime::exec_attached(id, request));
    } catch (...) {
      ::_exit(126);
    }
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return 0;
}

int run_exec(const GlobalOptions& g, const ExecFlags& f, const std::vector<std::string>& command) {
  if (command.empty()) throw Error("exec: no command given", "write berth exec " + f.service + " COMMAND [ARGS...]");
  compose::Project p = load(load_options(g)).project;
  runtime::ContainerRecord c = service_container(p, f.service, f.index);
  if (runtime::inspect_container(c.id).status != "running")
    throw Error("container " + c.name + " is not running", "start it with `berth start " + f.service + "`");
  runtime::ExecRequest request;
  request.args = command;
  request.env = exec_env(f.env);
  request.cwd = f.workdir;
  request.user = f.user;
  request.group_add = p.services.at(f.service).group_add;
  request.tty = !f.no_tty && !f.detach && ::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO);
  if (f.detach) return exec_detached(c.id, request);
  return runtime::exec_attached(c.id, request);
}

}  // namespace

void add_exec_verb(CLI::App& app, const GlobalOptions& global) {
  auto* exec = app.add_subcommand("exec", "Run a command in a running service container");
  auto f = std::make_shared<ExecFlags>();
  // Everything after SERVICE is the command, its own flags included.
  exec->prefix_command();
  exec->add_flag("-T,--no-TTY", f->no_tty, "Don't allocate a terminal (default: one when stdin is a terminal)");
  exec->add_flag("-d,--detach", f->detach, "Run the command in the background");
  exec->add_option("-u,--user", f->user, "Run as this user (name, uid, name:group, uid:gid)");
  exec->add_option("-w,--workdir", f->workdir, "Run in this directory");
  exec->add_option("-e,--env", f->env, "KEY=VAL: set an environment variable")->allow_extra_args(false);
  exec->add_option("--index", f->index, "The container of the service with this number (default 1)");
  exec->add_option("service", f->service, "The service")->required();
  exec->fallthrough(false);  // a command named like a berth verb is the container's
  set_action(exec, [&global, f, exec] { return run_exec(global, *f, exec->remaining()); });
}

}  // namespace berth::cli
