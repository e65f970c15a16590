#include "runtime/container/container.h"

#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "runtime/container/bundle.h"
#include "runtime/container/exec_process.h"
#include "runtime/container/fd.h"
#include "runtime/container/process.h"
#include "runtime/container/rootfs_path.h"
#include "runtime/container/runc.h"
#include "runtime/container/socket_path.h"
#include "runtime/container/user.h"
#include "runtime/supervisor/config.h"
#include "runtime/supervisor/supervisor.h"
#include "util/error.h"
#include "util/fs.h"

namespace berth::runtime {

namespace {

void check_id(const std::string& id) {
  if (id.size() != 64 || id.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw Error("invalid container id '" + id + "'", "an id is 64 lowercase hex digits");
}

ContainerRecord require_record(const std::string& id) {
  auto record = read_record(id);
  if (!record)
    throw Error("no such container: " + id, "list the containers with `berth ps -a`");
  return *record;
}

// A connection to the container's supervisor; invalid when none is listening.
Fd connect_supervisor(const std::string& id) {
  Fd dir(::open(container_run_dir(id).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return Fd();
  std::string path = socket_path_via(dir, kSupervisorSocket);
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return Fd();
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return Fd();
  return fd;
}

// Sends one request and reads one line of reply; nullopt when the supervisor went away first.
std::optional<std::string> ask(const Fd& fd, const std::string& request) {
  std::string line = request + "\n";
  if (::send(fd.get(), line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size()))
    return std::nullopt;
  std::string reply;
  char c;
  while (true) {
    ssize_t n = ::read(fd.get(), &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    if (c == '\n') return reply;
    reply += c;
  }
}

int exited_code(const std::optional<std::string>& reply, const std::string& id) {
  if (reply && reply->rfind("exited ", 0) == 0) return std::atoi(reply->c_str() + 7);
  // The supervisor ended without answering: the record has the last word.
  return require_record(id).exit_code;
}

void simple_request(const std::string& id, const std::string& request) {
  Fd fd = connect_supervisor(id);
  if (!fd.valid())
    throw Error("container " + id + " is not running", "start it first");
  auto reply = ask(fd, request);
  if (!reply) throw Error("the supervisor of container " + id + " went away");
  if (reply->rfind("error ", 0) == 0) throw Error(reply->substr(6));
}

// An exec's whole process (see exec_process.h), in a file of the container's run directory for
// runc exec --process; removed when the exec is over.
class ExecProcessFile {
 public:
  ExecProcessFile(const std::string& id, const ExecRequest& request) {
    if (request.args.empty()) throw Error("exec: no command given", "name the program to run");
    auto config = nlohmann::json::parse(fs::read_file(container_run_dir(id) / "config.json"));
    ExecProcessRequest process{request.args, request.env, request.cwd, request.tty, std::nullopt};
    if (!request.user.empty())
      process.user = resolve_user(config["root"]["path"].get<std::string>(), request.user,
                                  request.group_add);
    std::string text = exec_process_json(config["process"].dump(), process);
    std::string path = (container_run_dir(id) / "exec-XXXXXX.json").string();
    Fd fd(::mkstemps(path.data(), 5));
    if (!fd.valid()) throw Error("cannot write " + path + ": " + std::strerror(errno));
    path_ = path;
    if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
      ::unlink(path_.c_str());
      throw Error("cannot write " + path_ + ": " + std::strerror(errno));
    }
  }
  ~ExecProcessFile() { ::unlink(path_.c_str()); }
  ExecProcessFile(const ExecProcessFile&) = delete;
  ExecProcessFile& operator=(const ExecProcessFile&) = delete;

  ExecOptions options() const {
    ExecOptions o;
    o.process_file = path_;
    return o;
  }

 private:
  std::string path_;
};

bool active(const std::string& status) {
  return status == "running" || status == "paused" || status == "restarting";
}

// Waits up to `limit` for the process behind `pidfd` to end; true when it did.
bool wait_pidfd(const Fd& pidfd, Duration limit) {
  pollfd p{pidfd.get(), POLLIN, 0};
  int rc;
  while ((rc = ::poll(&p, 1, static_cast<int>(limit.count()))) < 0 && errno == EINTR) {
  }
  return rc > 0;
}

// The container runs but nobody supervises it: stop it through runc directly.
int stop_unsupervised(const std::string& id, const std::optional<std::string>& signal,
                      const std::optional<Duration>& grace) {
  ContainerRecord record = require_record(id);
  Runc runc = Runc::locate();
  auto state = runc.state(id);
  int code = record.exit_code;
  if (state && (state->status == "running" || state->status == "paused") && state->pid > 0) {
    auto config =
        supervisor_config_from_json(fs::read_file(container_run_dir(id) / "supervise.json"));
    Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, state->pid, 0)));
    if (state->status == "paused") runc.resume(id);
    runc.kill(id, signal.value_or(config.stop_signal));
    code = 128 + SIGTERM;  // what Docker reports for a stop whose status nobody could collect
    if (!pidfd.valid() || !wait_pidfd(pidfd, grace.value_or(config.stop_grace_period))) {
      runc.kill(id, "SIGKILL", true);
      if (pidfd.valid()) wait_pidfd(pidfd, std::chrono::seconds(10));
      code = 128 + SIGKILL;
    }
  }
  if (state) runc.remove(id, true);
  record.status = "exited";
  record.pid = 0;
  record.supervisor_pid = 0;
  record.exit_code = code;
  record.finished = now_rfc3339();
  record.stopped_by_user = true;
  write_record(record);
  return code;
}

}  // namespace

ContainerRecord inspect_container(const std::string& id) {
  check_id(id);
  ContainerRecord record = require_record(id);
  if (!active(record.status) || supervisor_alive(id)) return record;
  std::optional<RuncState> state;
  try {
    state = Runc::locate().state(id);
  } catch (const Error&) {
  }
  if (state && (state->status == "running" || state->status == "paused")) {
    record.status = state->status;
    record.error = "its supervisor is gone: the container runs unsupervised (no log, restarts "
                   "or healthchecks); stop and start it again";
  } else {
    record.status = "exited";
    record.pid = 0;
    record.error = "its supervisor ended without recording the exit (killed, or a reboot)";
  }
  record.supervisor_pid = 0;
  write_record(record);
  return record;
}

std::string supervisor_binary() {
  if (const char* configured = std::getenv("BERTH_SUPERVISOR"); configured && *configured)
    return configured;
  char self[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) throw Error("cannot find this program's path in /proc/self/exe");
  self[n] = '\0';
  return (std::filesystem::path(self).parent_path() / "berth-supervisor").string();
}

std::vector<std::string> create_container(const ContainerSpec& spec) {
  check_id(spec.id);
  if (read_record(spec.id)) throw Error("container " + spec.id + " already exists");
  struct stat st {};
  if (::stat(spec.rootfs.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw Error("the root filesystem " + spec.rootfs.string() + " is not a directory",
                "the image must be unpacked (and mounted) before the container is created");
  if (!spec.rootfs.is_absolute())
    throw Error("the root filesystem path " + spec.rootfs.string() + " is not absolute");
  if (spec.process.args.empty())
    throw Error("no command to run in container " + spec.name,
                "set `command:` (or `entrypoint:`) on the service, or use an image that has one");
  find_executable_in_rootfs(spec.rootfs, spec.process.args[0], spec.process.cwd,
                            spec.process.env);
  if (!spec.stop_signal.empty()) parse_signal(spec.stop_signal);  // empty: SIGTERM
  Runc runc = Runc::locate();

  std::vector<std::string> warnings;
  Bundle bundle = Bundle::write(spec, runc, warnings);
  ContainerRecord record;
  record.id = spec.id;
  record.name = spec.name;
  record.labels = spec.labels;
  record.status = "created";
  record.created = now_rfc3339();
  try {
    write_record(record);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove_all(container_state_dir(spec.id), ec);  // only the record was there
    throw;
  }
  bundle.commit();
  return warnings;
}

bool supervisor_alive(const std::string& id) { return connect_supervisor(id).valid(); }

namespace {

// Starts the supervisor; `attach` (may be invalid) becomes a client attached from the start.
// hold: the supervisor makes the container and waits for a "start" request.
void start_supervised(const std::string& id, Fd attach, bool hold) {
  check_id(id);
  ContainerRecord record = require_record(id);
  if (supervisor_alive(id)) throw Error("container " + record.name + " is already running");
  if (record.status == "created" && record.pid != 0) {
    // Made ahead by a supervisor that died since (a fresh container has no pid yet): what runc
    // still has of it goes first.
    Runc runc = Runc::locate();
    if (std::filesystem::exists(runc.root() / id)) runc.remove(id, true);
  }
  auto run_dir = container_run_dir(id);
  if (!std::filesystem::exists(run_dir / "config.json"))
    throw Error("container " + record.name + " has no bundle at " + run_dir.string(),
                "the run directory is cleared at boot: remove the container and create it again");
  std::string binary = supervisor_binary();
  if (::access(binary.c_str(), X_OK) != 0)
    throw Error("the supervisor " + binary + " is missing",
                "install berth-supervisor beside berth, or set BERTH_SUPERVISOR");

  Pipe ready = Pipe::make();
  std::string log_path = (run_dir / "supervisor.log").string();
  Fd log(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
  // The supervisor is started in a new session and forks once more itself: the process started
  // here exits at once, and the supervisor proper is an orphan (adopted by init, or by the
  // nearest subreaper) that outlives this berth command and its terminal.
  SpawnOptions options;
  options.argv = {binary};
  if (hold) options.argv.push_back("--hold");
  options.argv.insert(options.argv.end(), {run_dir.string(), "3"});
  options.pass_fds = {ready.write.get()};
  if (attach.valid()) {
    options.argv.push_back("4");
    options.pass_fds.push_back(attach.get());
  }
  options.stderr_fd = log.get();
  options.new_session = true;
  options.cwd = "/";
  pid_t starter = spawn_process(options);
  ready.write.reset();
  attach.reset();
  wait_process(starter);

  std::string reply;
  char buffer[512];
  while (true) {
    ssize_t n = ::read(ready.read.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    reply.append(buffer, static_cast<size_t>(n));
  }
  while (!reply.empty() && reply.back() == '\n') reply.pop_back();
  if (reply.rfind("ok ", 0) == 0) return;
  if (reply.rfind("error ", 0) == 0)
    throw Error("cannot start container " + record.name + ": " + reply.substr(6));
  throw Error("the supervisor of container " + record.name + " ended before starting it",
              "see " + log_path);
}

// A prepared container: its supervisor waits with the container made. false when there is none.
bool start_prepared(const std::string& id) {
  ContainerRecord record = require_record(id);
  if (record.status != "created") return false;
  Fd fd = connect_supervisor(id);
  if (!fd.valid()) return false;
  auto reply = ask(fd, "start");
  if (!reply) throw Error("the supervisor of container " + record.name + " ended before starting it");
  if (reply->rfind("error ", 0) == 0)
    throw Error("cannot start container " + record.name + ": " + reply->substr(6));
  return true;
}

}  // namespace

void start_container(const std::string& id) {
  check_id(id);
  if (!start_prepared(id)) start_supervised(id, Fd(), false);
}

void prepare_container(const std::string& id) { start_supervised(id, Fd(), true); }

Fd start_container_attached(const std::string& id) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    throw Error(std::string("socketpair: ") + std::strerror(errno));
  Fd ours(pair[0]);
  start_supervised(id, Fd(pair[1]), false);
  return ours;
}

TerminalSettings container_terminal(const std::string& id) {
  check_id(id);
  auto config = supervisor_config_from_json(fs::read_file(container_run_dir(id) / "supervise.json"));
  return TerminalSettings{config.tty, config.stdin_open};
}

int stop_container(const std::string& id, std::optional<std::string> signal,
                   std::optional<Duration> grace) {
  check_id(id);
  Fd fd = connect_supervisor(id);
  if (!fd.valid()) return stop_unsupervised(id, signal, grace);
  std::string request = "stop " + signal.value_or("-");
  if (grace) request += " " + std::to_string(grace->count());
  return exited_code(ask(fd, request), id);
}

void kill_container(const std::string& id, const std::string& signal) {
  check_id(id);
  parse_signal(signal);
  simple_request(id, "kill " + signal);
}

void pause_container(const std::string& id) {
  check_id(id);
  simple_request(id, "pause");
}

void resume_container(const std::string& id) {
  check_id(id);
  simple_request(id, "resume");
}

int wait_container(const std::string& id) {
  check_id(id);
  Fd fd = connect_supervisor(id);
  if (!fd.valid()) return require_record(id).exit_code;
  return exited_code(ask(fd, "wait"), id);
}

void remove_container(const std::string& id, bool force) {
  check_id(id);
  ContainerRecord record = require_record(id);
  if (supervisor_alive(id)) {
    if (!force && record.status != "created")  // a prepared container has never run
      throw Error("container " + record.name + " is running",
                  "stop it first, or remove it with force (berth rm -f)");
    stop_container(id, "SIGKILL", Duration::zero());
  }
  try {
    // The supervisor deletes what runc knows of the container when it ends; runc's own directory
    // says whether anything is left, without running runc for every container of a `down`.
    Runc runc = Runc::locate();
    if (std::filesystem::exists(runc.root() / id)) runc.remove(id, true);
  } catch (const Error&) {
    // no runc, or it forgot the container: nothing of it to remove
  }
  remove_tree_on_one_filesystem(container_run_dir(id));
  remove_tree_on_one_filesystem(container_state_dir(id));
}

ExecResult exec_captured(const std::string& id, const ExecRequest& request) {
  check_id(id);
  Runc runc = Runc::locate();
  auto state = runc.state(id);
  if (!state || state->status != "running")
    throw Error("container " + id + " is not running", "start it first");
  ExecProcessFile process(id, request);
  Captured captured = run_captured(runc.exec_argv(id, process.options()));
  return ExecResult{captured.exit_code, captured.out, captured.err};
}

int exec_attached(const std::string& id, const ExecRequest& request) {
  check_id(id);
  Runc runc = Runc::locate();
  auto state = runc.state(id);
  if (!state || state->status != "running")
    throw Error("container " + id + " is not running", "start it first");
  ExecProcessFile process(id, request);
  SpawnOptions options;
  options.argv = runc.exec_argv(id, process.options());
  options.stdin_fd = 0;
  options.stdout_fd = 1;
  options.stderr_fd = 2;
  return wait_process(spawn_process(options));
}

}  // namespace berth::runtime
