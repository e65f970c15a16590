// berth top: the processes of each running container of the project, found as the processes
// that share the container's PID namespace (no runtime needs to be asked).
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli/container_steps.h"
#include "cli/project_options.h"
#include "cli/stack_command.h"
#include "cli/table.h"
#include "cli/verbs.h"
#include "runtime/container/container.h"

namespace berth::cli {

namespace {

struct TopFlags {
  std::vector<std::string> services;
};

struct Process {
  long pid = 0, ppid = 0;
  unsigned uid = 0;
  long cpu_seconds = 0;
  int cpu_percent = 0;  // CPU time over the time since it started, as ps -f's C
  std::string start;    // HH:MM today, else Mon DD
  std::string tty;      // pts/N, or ?
  std::string cmd;
};

// The machine's boot time, seconds since the epoch (/proc/stat btime).
long boot_time() {
  std::ifstream stat("/proc/stat");
  for (std::string line; std::getline(stat, line);)
    if (line.rfind("btime ", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

std::string start_text(std::time_t started) {
  std::tm then{}, now{};
  std::time_t t = std::time(nullptr);
  localtime_r(&started, &then);
  localtime_r(&t, &now);
  char buf[16];
  if (then.tm_yday == now.tm_yday && then.tm_year == now.tm_year) std::strftime(buf, sizeof buf, "%H:%M", &then);
  else std::strftime(buf, sizeof buf, "%b%d", &then);
  return buf;
}

std::string tty_text(long tty_nr) {
  if (tty_nr == 0) return "?";
  long major = (tty_nr >> 8) & 0xfff;
  long minor = (tty_nr & 0xff) | ((tty_nr >> 12) & 0xfff00);
  if (major >= 136 && major <= 143) return "pts/" + std::to_string((major - 136) * 256 + minor);
  if (major == 4) return "tty" + std::to_string(minor);
  return "?";
}

std::string pid_namespace(long pid) {
  std::error_code ec;
  auto target = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/ns/pid", ec);
  return ec ? "" : target.string();
}

std::optional<Process> read_process(long pid) {
  std::string base = "/proc/" + std::to_string(pid);
  Process p;
  p.pid = pid;
  std::ifstream status(base + "/status");
  if (!status) return std::nullopt;
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("PPid:", 0) == 0) p.ppid = std::stol(line.substr(5));
    if (line.rfind("Uid:", 0) == 0) p.uid = static_cast<unsigned>(std::stoul(line.substr(4)));
  }
  std::ifstream stat(base + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t close = text.rfind(')');
  if (close != std::string::npos) {
    // Fields after the command: state(3) ... tty_nr(7) ... utime(14) stime(15) ... starttime(22).
    std::istringstream rest(text.substr(close + 2));
    std::string field;
    long utime = 0, stime = 0, tty_nr = 0, starttime = 0;
    for (int i = 3; i <= 22 && rest >> field; ++i) {
      if (i == 7) tty_nr = std::stol(field);
      if (i == 14) utime = std::stol(field);
      if (i == 15) stime = std::stol(field);
      if (i == 22) starttime = std::stol(field);
    }
    long ticks = ::sysconf(_SC_CLK_TCK);
    p.cpu_seconds = (utime + stime) / ticks;
    std::time_t started = static_cast<std::time_t>(boot_time() + starttime / ticks);
    long elapsed = static_cast<long>(std::time(nullptr) - started);
    p.cpu_percent = elapsed > 0 ? static_cast<int>((utime + stime) * 100 / ticks / elapsed) : 0;
    p.start = start_text(started);
    p.tty = tty_text(tty_nr);
  }
  std::ifstream cmdline(base + "/cmdline");
  std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
  while (!args.empty() && args.back() == '\0') args.pop_back();
  std::replace(args.begin(), args.end(), '\0', ' ');
  if (args.empty()) {
    std::ifstream comm(base + "/comm");
    std::getline(comm, args);
    args = "[" + args + "]";
  }
  p.cmd = args;
  return p;
}

std::vector<Process> processes_of(long init_pid) {
  std::string ns = pid_namespace(init_pid);
  std::vector<Process> out;
  if (ns.empty()) return out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    long pid = std::stol(name);
    if (pid_namespace(pid) != ns) continue;
    if (auto p = read_process(pid)) out.push_back(*p);
  }
  std::sort(out.begin(), out.end(), [](const Process& a, const Process& b) { return a.pid < b.pid; });
  return out;
}

std::string user_name(unsigned uid) {
  if (const passwd* pw = ::getpwuid(uid)) return pw->pw_name;
  return std::to_string(uid);
}

std::string cpu_time(long s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  return buf;
}

int run_top(const GlobalOptions& g, const TopFlags& f) {
  compose::Project p = load(load_options(g)).project;
  check_services(p, f.services);
  bool first = true;
  for (const auto& c : containers_of(p, f.services)) {
    runtime::ContainerRecord r = runtime::inspect_container(c.id);
    if ((r.status != "running" && r.status != "paused") || r.pid <= 0) continue;
    // The columns of `ps -ef`, as docker compose top prints them.
    std::vector<std::vector<std::string>> rows{{"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"}};
    for (const auto& proc : processes_of(r.pid))
      rows.push_back({user_name(proc.uid), std::to_string(proc.pid), std::to_string(proc.ppid),
                      std::to_string(proc.cpu_percent), proc.start, proc.tty, cpu_time(proc.cpu_seconds), proc.cmd});
    if (!first) std::cout << "\n";
    first = false;
    std::cout << r.name << "\n" << format_table(rows);
  }
  return 0;
}

}  // namespace

void add_top_verb(CLI::App& app, const GlobalOptions& global) {
  auto* top = app.add_subcommand("top", "Display the running processes of the project's containers");
  auto f = std::make_shared<TopFlags>();
  top->add_option("services", f->services, "Services (default: all)");
  set_action(top, [&global, f] { return run_top(global, *f); });
}

}  // namespace berth::cli
