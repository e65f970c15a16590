#include "runtime/supervisor/supervisor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include "runtime/container/attach_protocol.h"
#include "runtime/container/fd.h"
#include "runtime/container/process.h"
#include "runtime/container/record.h"
#include "runtime/container/runc.h"
#include "runtime/container/socket_path.h"
#include "runtime/supervisor/attach_hub.h"
#include "runtime/supervisor/config.h"
#include "runtime/supervisor/fd_io.h"
#include "runtime/supervisor/log_writer.h"
#include "runtime/supervisor/policy.h"
#include "util/error.h"
#include "util/fs.h"

namespace berth::runtime {

namespace {

using Clock = std::chrono::steady_clock;

struct Client {
  Fd fd;
  std::string input;
  bool waiting = false;  // wants "exited <code>" at the end
};

class Supervisor : private AttachSink {
 public:
  Supervisor(SupervisorConfig config, std::string run_dir)
      : config_(std::move(config)),
        run_dir_(std::move(run_dir)),
        runc_(config_.runc_binary, config_.runc_root),
        log_(container_log_path(config_.id), config_.log) {}

  // Reports on ready_fd, closes it and sets it to -1. `attach` (may be invalid) is a client
  // attached from the start.
  // hold: make the container (runc create) and start it only when a "start" request comes.
  int run(int& ready_fd, Fd attach, bool hold);

 private:
  void start_container(bool hold = false);
  void mark_running();
  void start_held();
  void on_signals();
  void reap();
  void maybe_finish_run();
  void finish_run();
  void on_restart_timer();
  void on_stop_timer();
  void request_stop(const std::string& signal, Duration grace);
  void start_probe();
  void on_probe_timeout();
  void maybe_finish_probe();
  void read_stream(Fd& fd, const char* stream);
  void accept_client();
  void on_client(Client& client);
  void read_probe_output();
  // Attached clients' input, queued for the container's stdin (a pipe, or its terminal).
  void on_input(std::string_view bytes) override;
  void on_input_end() override;
  void on_resize(WindowSize size) override;
  int input_fd() const;
  void write_input();
  void apply_window_size();
  // What each watched descriptor of the poll set is.
  enum class Source {
    signals, listener, restart, stop, probe, probe_timeout, out, err, probe_out, input
  };
  void dispatch(const std::vector<pollfd>& fds, const std::vector<Source>& sources,
                size_t first_client, size_t first_attach);
  void handle(Client& client, const std::string& line);
  // Exits are kept durably; the rest (running, health, paused) is volatile, see write_record.
  void save() { write_record(record_, record_.status == "exited"); }
  bool in_start_period() const {
    return Clock::now() - started_at_ < config_.healthcheck.start_period;
  }

  SupervisorConfig config_;
  std::string run_dir_;
  Runc runc_;
  LogWriter log_;
  Fd run_dir_fd_ = open_dir_path(run_dir_);
  ContainerRecord record_;

  Fd signals_, listener_;
  Fd restart_timer_ = make_timer(), stop_timer_ = make_timer();
  Fd probe_timer_ = make_timer(), probe_timeout_ = make_timer();
  Fd out_, err_, stdin_keep_;
  std::vector<Client> clients_;
  AttachHub attach_;
  std::string input_;            // for the container, not yet written
  bool input_ended_ = false;     // close its stdin once input_ is out
  std::optional<WindowSize> window_;

  pid_t container_pid_ = 0;
  bool held_ = false;  // made, not started: runc's init waits for `runc start`
  std::optional<int> exit_status_;
  bool stopping_ = false;
  bool done_ = false;
  Clock::time_point started_at_;
  Duration backoff_ = Duration::zero();

  pid_t probe_pid_ = 0;
  Fd probe_out_;
  std::string probe_output_;
  std::optional<int> probe_status_;
  bool probe_timed_out_ = false;
  std::string probe_started_;
};

void Supervisor::start_container(bool hold) {
  std::string pid_file = run_dir_ + "/pid";
  ::unlink(pid_file.c_str());
  exit_status_.reset();
  probe_status_.reset();
  SpawnOptions options;
  Pipe out = Pipe::make(), err = Pipe::make();
  std::optional<Pipe> in;
  Fd console;
  std::string console_path;
  if (config_.tty) {
    console_path = socket_path_via(run_dir_fd_, "console.sock");
    console = listen_unix(console_path);
  } else {
    options.stdout_fd = out.write.get();
    options.stderr_fd = err.write.get();
    if (config_.stdin_open) {
      in = Pipe::make();
      options.stdin_fd = in->read.get();
    }
  }
  // runc's own complaints arrive on the stderr we give it: with a tty that is this pipe too.
  if (config_.tty) options.stderr_fd = err.write.get();
  options.argv = hold ? runc_.create_argv(config_.id, run_dir_, pid_file, console_path)
                      : runc_.run_detached_argv(config_.id, run_dir_, pid_file, console_path);
  pid_t runc = spawn_process(options);
  out.write.reset();
  err.write.reset();
  if (in) in->read.reset();
  int code = wait_process(runc);
  if (code != 0) {
    std::string message = read_available(err.read.get());
    while (!message.empty() && message.back() == '\n') message.pop_back();
    auto msg = message.rfind("msg=\"");
    if (msg != std::string::npos) message = message.substr(msg + 5, message.size() - msg - 6);
    try {
      runc_.remove(config_.id, true);
    } catch (const Error&) {
    }
    if (!console_path.empty()) ::unlink(console_path.c_str());
    throw Error("runc could not start the container: " + message);
  }
  if (config_.tty) {
    out_ = receive_fd(console.get());
    ::unlink(console_path.c_str());
    err_.reset();
    // The master is read and written (input) from the poll loop: it must never block.
    ::fcntl(out_.get(), F_SETFL, ::fcntl(out_.get(), F_GETFL) | O_NONBLOCK);
    apply_window_size();
  } else {
    out_ = std::move(out.read);
    err_ = std::move(err.read);
    if (in) {
      stdin_keep_ = std::move(in->write);
      ::fcntl(stdin_keep_.get(), F_SETFL, ::fcntl(stdin_keep_.get(), F_GETFL) | O_NONBLOCK);
    }
  }
  input_.clear();
  input_ended_ = false;
  container_pid_ = std::atoi(fs::read_file(pid_file).c_str());
  record_.pid = container_pid_;
  record_.error.clear();
  held_ = hold;
  if (hold) {
    save();  // still "created": its process waits for the start
    return;
  }
  mark_running();
}

void Supervisor::mark_running() {
  started_at_ = Clock::now();
  record_.status = "running";
  record_.started = now_rfc3339();
  if (config_.healthcheck.enabled()) {
    record_.health.status = "starting";
    record_.health.failing_streak = 0;
    arm(probe_timer_, next_probe_delay(record_.health, config_.healthcheck, in_start_period()));
  }
  save();
}

void Supervisor::start_held() {
  // Started already: a berth killed while this supervisor ran `runc run` left a record that
  // still said "created", and the next berth asks. The request was read once the run was done.
  if (!held_ && container_pid_ != 0) return;
  if (!held_) throw Error("the container is not waiting to be started");
  if (stopping_) throw Error("the container is being stopped");
  runc_.start(config_.id);
  held_ = false;
  mark_running();
}

void Supervisor::on_signals() {
  signalfd_siginfo info{};
  while (::read(signals_.get(), &info, sizeof info) == sizeof info) {
    if (info.ssi_signo == SIGCHLD) {
      reap();
    } else if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) {
      request_stop(config_.stop_signal, config_.stop_grace_period);
    }
  }
}

void Supervisor::reap() {
  int status = 0;
  pid_t pid;
  while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
    if (pid == container_pid_) {
      exit_status_ = exit_code_of(status);
      container_pid_ = 0;
    } else if (pid == probe_pid_) {
      probe_status_ = exit_code_of(status);
      probe_pid_ = 0;
      maybe_finish_probe();
    }
  }
  maybe_finish_run();
}

// A run is over once the container is reaped and its output is read to the end.
void Supervisor::maybe_finish_run() {
  if (exit_status_ && !out_.valid() && !err_.valid()) finish_run();
}

void Supervisor::finish_run() {
  int code = *exit_status_;
  exit_status_.reset();
  stdin_keep_.reset();
  disarm(probe_timer_);
  disarm(probe_timeout_);
  disarm(stop_timer_);
  if (probe_pid_ > 0) ::kill(probe_pid_, SIGKILL);
  try {
    runc_.remove(config_.id, true);
  } catch (const Error& e) {
    std::fprintf(stderr, "supervisor: %s\n", e.what());
  }
  record_.pid = 0;
  if (held_) {
    // Stopped (or killed) before it was started: as docker has it, it was never run.
    held_ = false;
    record_.status = "created";
    record_.supervisor_pid = 0;
    save();
    attach_.end_run(code);
    done_ = true;
    return;
  }
  record_.exit_code = code;
  record_.finished = now_rfc3339();
  if (!stopping_ &&
      should_restart(config_.restart, code, record_.restart_count, record_.stopped_by_user)) {
    auto ran_for = std::chrono::duration_cast<Duration>(Clock::now() - started_at_);
    backoff_ = restart_delay(backoff_, ran_for);
    record_.status = "restarting";
    ++record_.restart_count;
    save();
    attach_.end_run(code);  // as with docker attach: an attachment ends with the run
    arm(restart_timer_, backoff_);
    return;
  }
  record_.status = "exited";
  record_.supervisor_pid = 0;
  save();
  attach_.end_run(code);
  done_ = true;
}

void Supervisor::on_restart_timer() {
  drain_timer(restart_timer_);
  try {
    start_container();
  } catch (const Error& e) {
    record_.status = "exited";
    record_.supervisor_pid = 0;
    record_.error = e.message();
    save();
    done_ = true;
  }
}

void Supervisor::request_stop(const std::string& signal, Duration grace) {
  std::string signal_to_send = signal;
  stopping_ = true;
  record_.stopped_by_user = true;
  if (record_.status == "restarting") {
    disarm(restart_timer_);
    record_.status = "exited";
    record_.supervisor_pid = 0;
    save();
    done_ = true;
    return;
  }
  save();
  if (container_pid_ == 0) return;
  // Made ahead and never started: nothing of the user's runs, and runc's waiting init may ignore
  // the service's stop signal. It ends at once.
  if (held_) {
    signal_to_send = "SIGKILL";
    grace = Duration::zero();
  }
  try {
    if (record_.status == "paused") runc_.resume(config_.id);
    runc_.kill(config_.id, signal_to_send);
  } catch (const Error& e) {
    std::fprintf(stderr, "supervisor: %s\n", e.what());
  }
  arm(stop_timer_, grace);
}

void Supervisor::on_stop_timer() {
  drain_timer(stop_timer_);
  if (container_pid_ == 0) return;
  try {
    runc_.kill(config_.id, "SIGKILL", true);
  } catch (const Error&) {
    ::kill(container_pid_, SIGKILL);
  }
}

void Supervisor::start_probe() {
  drain_timer(probe_timer_);
  if (container_pid_ == 0) return;
  if (probe_pid_ > 0 || probe_out_.valid()) {  // a probe of an earlier run is still finishing
    arm(probe_timer_, config_.healthcheck.interval);
    return;
  }
  Pipe output = Pipe::make();
  ExecOptions exec;
  exec.args = config_.healthcheck.argv();
  exec.pid_file = run_dir_ + "/probe.pid";
  ::unlink(exec.pid_file.c_str());
  SpawnOptions options;
  options.argv = runc_.exec_argv(config_.id, exec);
  options.stdout_fd = output.write.get();
  options.stderr_fd = output.write.get();
  probe_started_ = now_rfc3339();
  probe_output_.clear();
  probe_status_.reset();
  probe_timed_out_ = false;
  try {
    probe_pid_ = spawn_process(options);
  } catch (const Error& e) {
    probe_status_ = -1;
    probe_output_ = e.message();
    maybe_finish_probe();
    return;
  }
  probe_out_ = std::move(output.read);
  arm(probe_timeout_, config_.healthcheck.timeout);
}

void Supervisor::on_probe_timeout() {
  drain_timer(probe_timeout_);
  if (probe_pid_ == 0) return;
  probe_timed_out_ = true;
  // The probe runs inside the container, out of runc exec's reach for SIGKILL: kill both.
  auto pid = fs::read_file_if_exists(run_dir_ + "/probe.pid");
  if (pid && std::atoi(pid->c_str()) > 0) ::kill(std::atoi(pid->c_str()), SIGKILL);
  ::kill(probe_pid_, SIGKILL);
}

void Supervisor::maybe_finish_probe() {
  if (!probe_status_ || probe_out_.valid()) return;
  disarm(probe_timeout_);
  HealthProbe probe;
  probe.start = probe_started_;
  probe.end = now_rfc3339();
  probe.exit_code = probe_timed_out_ ? -1 : *probe_status_;
  probe.output = probe_timed_out_ ? "health check exceeded its timeout" : probe_output_;
  if (probe.output.size() > 4096) probe.output.resize(4096);
  probe_status_.reset();
  if (container_pid_ == 0) return;  // the container went away meanwhile
  bool starting = in_start_period();
  apply_probe(record_.health, config_.healthcheck, probe, starting);
  save();
  arm(probe_timer_, next_probe_delay(record_.health, config_.healthcheck, in_start_period()));
}

void Supervisor::read_stream(Fd& fd, const char* stream) {
  char buffer[8192];
  ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
  if (n > 0) {
    std::string_view text(buffer, static_cast<size_t>(n));
    log_.append(stream, text);
    attach_.broadcast(&fd == &err_ ? FrameKind::stderr_data : FrameKind::stdout_data, text, *this);
    return;
  }
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  log_.flush(stream);  // EOF, or EIO from a terminal whose process is gone
  fd.reset();
  maybe_finish_run();
}

void Supervisor::accept_client() {
  Fd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
  if (fd.valid()) clients_.push_back(Client{std::move(fd), {}, false});
}

void Supervisor::on_client(Client& client) {
  char buffer[256];
  ssize_t n = ::read(client.fd.get(), buffer, sizeof buffer);
  if (n <= 0) {
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    client.fd.reset();
    return;
  }
  client.input.append(buffer, static_cast<size_t>(n));
  if (client.input.size() > 4096) {  // no request is that long: not a berth client
    client.fd.reset();
    return;
  }
  size_t newline;
  while ((newline = client.input.find('\n')) != std::string::npos) {
    std::string line = client.input.substr(0, newline);
    client.input.erase(0, newline + 1);
    handle(client, line);
  }
}

void Supervisor::handle(Client& client, const std::string& line) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start < line.size()) {
    size_t end = line.find(' ', start);
    if (end == std::string::npos) end = line.size();
    if (end > start) words.push_back(line.substr(start, end - start));
    start = end + 1;
  }
  if (words.empty()) return;
  const std::string& verb = words[0];
  auto reply_result = [&](auto&& action) {
    try {
      action();
      write_all(client.fd.get(), "ok\n");
    } catch (const Error& e) {
      write_all(client.fd.get(), "error " + e.message() + "\n");
    }
  };
  if (verb == "wait") {
    client.waiting = true;
  } else if (verb == "stop") {
    client.waiting = true;
    std::string signal = words.size() > 1 && words[1] != "-" ? words[1] : config_.stop_signal;
    Duration grace = words.size() > 2 ? Duration(std::atoll(words[2].c_str()))
                                      : config_.stop_grace_period;
    request_stop(signal, grace);
  } else if (verb == "start") {
    reply_result([&] { start_held(); });
  } else if (verb == "kill" && words.size() > 1) {
    reply_result([&] {
      if (container_pid_ == 0 || held_) throw Error("the container is not running");
      runc_.kill(config_.id, words[1]);
    });
  } else if (verb == "pause") {
    reply_result([&] {
      if (held_) throw Error("the container is not running");
      runc_.pause(config_.id);
      record_.status = "paused";
      save();
    });
  } else if (verb == "resume") {
    reply_result([&] {
      if (held_) throw Error("the container is not paused");
      runc_.resume(config_.id);
      record_.status = "running";
      save();
    });
  } else {
    write_all(client.fd.get(), "error unknown request '" + verb + "'\n");
  }
}

void Supervisor::on_input(std::string_view bytes) {
  if (input_fd() < 0 || input_ended_) return;  // no stdin kept (stdin_open: false): dropped
  input_.append(bytes);
  write_input();
}

void Supervisor::on_input_end() {
  input_ended_ = true;
  write_input();
}

void Supervisor::on_resize(WindowSize size) {
  window_ = size;
  apply_window_size();
}

void Supervisor::apply_window_size() {
  if (!config_.tty || !out_.valid() || !window_) return;
  winsize ws{};
  ws.ws_row = window_->rows;
  ws.ws_col = window_->cols;
  ::ioctl(out_.get(), TIOCSWINSZ, &ws);
}

int Supervisor::input_fd() const {
  if (!config_.stdin_open) return -1;
  return config_.tty ? out_.get() : stdin_keep_.get();
}

void Supervisor::write_input() {
  int fd = input_fd();
  while (fd >= 0 && !input_.empty()) {
    ssize_t n = ::write(fd, input_.data(), input_.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;  // the loop waits for room
    if (n <= 0) {  // the container closed its stdin: nobody reads the rest
      input_.clear();
      if (!config_.tty) stdin_keep_.reset();
      return;
    }
    input_.erase(0, static_cast<size_t>(n));
  }
  // A terminal has no end of input to give (^D is the user's to type); a pipe is closed.
  if (input_ended_ && input_.empty() && !config_.tty) stdin_keep_.reset();
}

void Supervisor::read_probe_output() {
  char buffer[4096];
  ssize_t n = ::read(probe_out_.get(), buffer, sizeof buffer);
  if (n > 0) {
    if (probe_output_.size() < 4096) probe_output_.append(buffer, static_cast<size_t>(n));
  } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
    probe_out_.reset();
    maybe_finish_probe();
  }
}

void Supervisor::dispatch(const std::vector<pollfd>& fds, const std::vector<Source>& sources,
                          size_t first_client, size_t first_attach) {
  for (size_t i = 0; i < first_client; ++i) {
    if (fds[i].revents == 0) continue;
    switch (sources[i]) {
      case Source::signals: on_signals(); break;
      case Source::listener: accept_client(); break;
      case Source::restart: on_restart_timer(); break;
      case Source::stop: on_stop_timer(); break;
      case Source::probe: start_probe(); break;
      case Source::probe_timeout: on_probe_timeout(); break;
      case Source::out: read_stream(out_, "stdout"); break;
      case Source::err: read_stream(err_, "stderr"); break;
      case Source::probe_out: read_probe_output(); break;
      case Source::input: write_input(); break;
    }
  }
  for (size_t i = first_client; i < first_attach; ++i)
    if (fds[i].revents != 0) on_client(clients_[i - first_client]);
  attach_.on_poll(fds.data() + first_attach, *this);
}

int Supervisor::run(int& ready_fd, Fd attach, bool hold) {
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&mask, s);
  ::sigprocmask(SIG_BLOCK, &mask, nullptr);
  signals_ = Fd(::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));

  auto existing = read_record(config_.id);
  if (!existing) {
    write_all(ready_fd, "error the container has no record\n");
    return 1;
  }
  record_ = *existing;
  record_.supervisor_pid = ::getpid();
  record_.stopped_by_user = false;
  record_.restart_count = 0;
  record_.health = {};
  try {
    listener_ = listen_unix(socket_path_via(run_dir_fd_, kSupervisorSocket));
    attach_.listen(socket_path_via(run_dir_fd_, kAttachSocket));
    if (attach.valid()) attach_.adopt(std::move(attach));
    start_container(hold);
  } catch (const Error& e) {
    record_.error = e.message();
    record_.supervisor_pid = 0;
    save();
    write_all(ready_fd, "error " + e.message() + "\n");
    ::close(std::exchange(ready_fd, -1));
    ::unlinkat(run_dir_fd_.get(), kSupervisorSocket, 0);
    attach_.close(run_dir_fd_);
    return 1;
  }
  write_all(ready_fd, "ok " + std::to_string(container_pid_) + "\n");
  ::close(std::exchange(ready_fd, -1));

  while (!done_) {
    std::vector<pollfd> fds;
    std::vector<Source> sources;
    auto watch = [&](const Fd& fd, Source source) {
      if (!fd.valid()) return;
      fds.push_back({fd.get(), POLLIN, 0});
      sources.push_back(source);
    };
    watch(signals_, Source::signals);
    watch(listener_, Source::listener);
    watch(restart_timer_, Source::restart);
    watch(stop_timer_, Source::stop);
    watch(probe_timer_, Source::probe);
    watch(probe_timeout_, Source::probe_timeout);
    if (!attach_.congested()) {  // else a slow attached client holds the output back a while
      watch(out_, Source::out);
      watch(err_, Source::err);
    }
    watch(probe_out_, Source::probe_out);
    if (!input_.empty() && input_fd() >= 0) {
      fds.push_back({input_fd(), POLLOUT, 0});
      sources.push_back(Source::input);
    }
    size_t first_client = fds.size();
    for (const auto& c : clients_) fds.push_back({c.fd.get(), POLLIN, 0});
    size_t first_attach = fds.size();
    attach_.add_pollfds(fds, input_.size() < 64 * 1024);

    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    try {
      dispatch(fds, sources, first_client, first_attach);
    } catch (const std::exception& e) {
      // One failed event (a full disk, say) must not orphan the container: say so, go on.
      std::fprintf(stderr, "supervisor: %s\n", e.what());
    }
    std::erase_if(clients_, [](const Client& c) { return !c.fd.valid(); });
  }

  ::unlinkat(run_dir_fd_.get(), kSupervisorSocket, 0);
  attach_.close(run_dir_fd_);
  attach_.flush_before_exit();
  for (auto& c : clients_)
    if (c.waiting) write_all(c.fd.get(), "exited " + std::to_string(record_.exit_code) + "\n");
  return 0;
}

}  // namespace

int run_supervisor(const std::string& run_dir, int ready_fd, int attach_fd, bool hold) {
  Fd attach(attach_fd);
  try {
    SupervisorConfig config =
        supervisor_config_from_json(fs::read_file(run_dir + "/supervise.json"));
    // Records and logs live where the berth that made the container keeps them.
    ::setenv("BERTH_ROOT", config.state_root.c_str(), 1);
    ::setenv("BERTH_RUN_ROOT", config.run_root.c_str(), 1);
    Supervisor supervisor(std::move(config), run_dir);
    return supervisor.run(ready_fd, std::move(attach), hold);
  } catch (const std::exception& e) {
    if (ready_fd >= 0) write_all(ready_fd, std::string("error ") + e.what() + "\n");
    std::fprintf(stderr, "supervisor: %s\n", e.what());
    return 1;
  }
}

}  // namespace berth::runtime
