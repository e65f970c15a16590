#include "runtime/container/spec.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "util/error.h"

namespace berth::runtime {

RestartPolicy RestartPolicy::parse(const std::string& text) {
  RestartPolicy policy;
  if (text.empty() || text == "no") return policy;
  if (text == "always") {
    policy.kind = Kind::always;
    return policy;
  }
  if (text == "unless-stopped") {
    policy.kind = Kind::unless_stopped;
    return policy;
  }
  const std::string on_failure = "on-failure";
  if (text.rfind(on_failure, 0) == 0) {
    policy.kind = Kind::on_failure;
    if (text.size() == on_failure.size()) return policy;
    std::string count = text.substr(on_failure.size());
    bool valid = count.size() > 1 && count[0] == ':' &&
                 count.find_first_not_of("0123456789", 1) == std::string::npos && count.size() < 10;
    if (!valid)
      throw Error("invalid restart policy '" + text + "'",
                  "the retry count of on-failure is a number, as in on-failure:3");
    policy.max_retries = std::stoi(count.substr(1));
    return policy;
  }
  throw Error("invalid restart policy '" + text + "'",
              "use one of no, always, on-failure[:max-retries], unless-stopped");
}

std::string RestartPolicy::str() const {
  switch (kind) {
    case Kind::no: return "no";
    case Kind::always: return "always";
    case Kind::unless_stopped: return "unless-stopped";
    case Kind::on_failure:
      return max_retries > 0 ? "on-failure:" + std::to_string(max_retries) : "on-failure";
  }
  return "no";
}

std::vector<std::string> HealthcheckSpec::argv() const {
  if (kind == Kind::cmd_shell) {
    std::string script;
    for (const auto& part : test) script += (script.empty() ? "" : " ") + part;
    return {"/bin/sh", "-c", script};
  }
  if (kind == Kind::cmd) return test;
  return {};
}

HealthcheckSpec HealthcheckSpec::from_test(const std::vector<std::string>& test) {
  HealthcheckSpec spec;
  if (test.empty())
    throw Error("a healthcheck test is empty",
                "write it as [\"CMD\", ...], [\"CMD-SHELL\", \"...\"], [\"NONE\"] or a string");
  const std::string& form = test[0];
  if (form == "NONE") return spec;
  if (form == "CMD" || form == "CMD-SHELL") {
    spec.test.assign(test.begin() + 1, test.end());
    if (spec.test.empty())
      throw Error("the healthcheck test " + form + " has no command", "add the command after it");
    spec.kind = form == "CMD" ? Kind::cmd : Kind::cmd_shell;
    return spec;
  }
  if (test.size() == 1) {
    spec.kind = Kind::cmd_shell;
    spec.test = test;
    return spec;
  }
  throw Error("unknown healthcheck test form '" + form + "'",
              "the first element is CMD, CMD-SHELL or NONE");
}

int parse_signal(const std::string& name) {
  static const std::pair<const char*, int> kSignals[] = {
      {"HUP", SIGHUP},   {"INT", SIGINT},     {"QUIT", SIGQUIT},   {"ILL", SIGILL},
      {"TRAP", SIGTRAP}, {"ABRT", SIGABRT},   {"IOT", SIGIOT},     {"BUS", SIGBUS},
      {"FPE", SIGFPE},   {"KILL", SIGKILL},   {"USR1", SIGUSR1},   {"SEGV", SIGSEGV},
      {"USR2", SIGUSR2}, {"PIPE", SIGPIPE},   {"ALRM", SIGALRM},   {"TERM", SIGTERM},
      {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"STOP", SIGSTOP},
      {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},   {"TTOU", SIGTTOU},   {"URG", SIGURG},
      {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},   {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
      {"WINCH", SIGWINCH}, {"IO", SIGIO},     {"POLL", SIGPOLL},   {"PWR", SIGPWR},
      {"SYS", SIGSYS}};
  std::string upper;
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!upper.empty() && upper.find_first_not_of("0123456789") == std::string::npos &&
      upper.size() <= 2) {
    int number = std::stoi(upper);
    if (number >= 1 && number <= 64) return number;
  }
  std::string bare = upper.rfind("SIG", 0) == 0 ? upper.substr(3) : upper;
  for (const auto& [signal_name, number] : kSignals)
    if (bare == signal_name) return number;
  if (bare.rfind("RTMIN", 0) == 0 || bare.rfind("RTMAX", 0) == 0) {
    int base = bare[2] == 'M' && bare[3] == 'I' ? SIGRTMIN : SIGRTMAX;
    std::string offset = bare.substr(5);
    if (offset.empty()) return base;
    if ((offset[0] == '+' || offset[0] == '-') && offset.size() > 1 &&
        offset.find_first_not_of("0123456789", 1) == std::string::npos && offset.size() < 4) {
      int n = base + std::stoi(offset);
      if (n >= SIGRTMIN && n <= SIGRTMAX) return n;
    }
  }
  throw Error("unknown signal '" + name + "'", "name it as SIGTERM, TERM or by its number (15)");
}

const std::vector<std::string>& default_masked_paths() {
  static const std::vector<std::string> paths = {
      "/proc/asound",        "/proc/acpi",         "/proc/kcore",         "/proc/keys",
      "/proc/latency_stats", "/proc/timer_list",   "/proc/timer_stats",   "/proc/sched_debug",
      "/proc/scsi",          "/sys/firmware",      "/sys/devices/virtual/powercap"};
  return paths;
}

const std::vector<std::string>& default_readonly_paths() {
  static const std::vector<std::string> paths = {"/proc/bus", "/proc/fs", "/proc/irq",
                                                 "/proc/sys", "/proc/sysrq-trigger"};
  return paths;
}

const std::vector<std::string>& default_capabilities() {
  static const std::vector<std::string> caps = {
      "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
      "CAP_MKNOD",  "CAP_SETGID",       "CAP_SETUID",           "CAP_SETFCAP",
      "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
      "CAP_AUDIT_WRITE"};
  return caps;
}

std::string new_container_id() {
  unsigned char bytes[32];
  int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(std::string("cannot open /dev/urandom: ") + std::strerror(errno));
  ssize_t n = ::read(fd, bytes, sizeof bytes);
  ::close(fd);
  if (n != static_cast<ssize_t>(sizeof bytes)) throw Error("cannot read /dev/urandom");
  static const char* hex = "0123456789abcdef";
  std::string id;
  for (unsigned char b : bytes) {
    id += hex[b >> 4];
    id += hex[b & 15];
  }
  return id;
}

}  // namespace berth::runtime
