// berth info: what this host offers berth (OCI runtime, cgroup layout, init, seccomp profile,
// kernel features, storage) and, for what is missing, how to get it.
#include <sys/utsname.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/verbs.h"
#include "runtime/container/host.h"
#include "runtime/container/record.h"
#include "runtime/container/seccomp.h"
#include "util/paths.h"

#ifndef BERTH_VERSION
#define BERTH_VERSION "0.0.0"
#endif

namespace berth::cli {

namespace {

struct Feature {
  std::string name;
  bool present = false;
  std::string detail;  // what was found, or how to get it
};

bool file_has_word(const std::string& path, const std::string& word) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (line.find(word) != std::string::npos) return true;
  return false;
}

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Loaded as a module, or built in (then its symbols are in the kernel's table).
bool module_or_builtin(const std::string& module, const std::string& symbol) {
  if (std::filesystem::exists("/sys/module/" + module)) return true;
  if (file_has_word("/proc/modules", module + " ")) return true;
  return file_has_word("/proc/kallsyms", " " + symbol);
}

std::vector<Feature> kernel_features() {
  std::vector<Feature> out;
  out.push_back({"overlayfs", file_has_word("/proc/filesystems", "overlay"),
                 "root filesystems of containers; load it with `modprobe overlay`"});
  bool userns = std::filesystem::exists("/proc/self/ns/user");
  out.push_back({"namespaces", userns && std::filesystem::exists("/proc/self/ns/net") &&
                                   std::filesystem::exists("/proc/self/ns/pid"),
                 "mount, pid, net, ipc, uts namespaces"});
  out.push_back({"nf_tables", module_or_builtin("nf_tables", "nf_tables_newtable") || std::filesystem::exists("/proc/net/nf_tables"),
                 "published ports and network isolation; load it with `modprobe nf_tables`"});
  out.push_back({"bridge", module_or_builtin("bridge", "br_dev_xmit"), "networks; load it with `modprobe bridge`"});
  out.push_back({"veth", module_or_builtin("veth", "veth_xmit"), "container interfaces; load it with `modprobe veth`"});
  std::string forward = first_line("/proc/sys/net/ipv4/ip_forward");
  out.push_back({"ip_forward", forward == "1", "outbound traffic from containers; berth turns it on when it makes a network"});
  out.push_back({"seccomp", file_has_word("/proc/self/status", "Seccomp:"), "system call filtering"});
  return out;
}

struct Counts {
  int total = 0, running = 0, paused = 0, stopped = 0;
};

Counts container_counts() {
  Counts c;
  for (const auto& r : runtime::list_records()) {
    ++c.total;
    if (r.status == "running" || r.status == "restarting") ++c.running;
    else if (r.status == "paused") ++c.paused;
    else ++c.stopped;
  }
  return c;
}

int run_info(const std::string& format) {
  runtime::HostFacts host = runtime::detect_host();
  utsname u{};
  ::uname(&u);
  auto features = kernel_features();
  Counts counts = container_counts();
  std::vector<std::string> missing;
  if (host.runtime.empty()) missing.push_back("no OCI runtime: install runc (apt-get install runc)");
  if (!host.catatonit) missing.push_back("catatonit is missing: `init: true` needs it (apt-get install catatonit)");
  if (!host.seccomp_profile)
    missing.push_back(std::string("the default seccomp profile ") + runtime::kDefaultSeccompProfile +
                      " is missing: containers run without a system call filter");
  for (const auto& f : features)
    if (!f.present) missing.push_back(f.name + " is missing: " + f.detail);

  if (format == "json") {
    nlohmann::json features_json = nlohmann::json::object();
    for (const auto& f : features) features_json[f.name] = f.present;
    nlohmann::json j = {{"Version", BERTH_VERSION},
                        {"Runtime", host.runtime},
                        {"Runc", host.runc},
                        {"Crun", host.crun},
                        {"CgroupLayout", runtime::to_string(host.cgroups)},
                        {"Catatonit", host.catatonit},
                        {"SeccompProfile", host.seccomp_profile},
                        {"StorageRoot", paths::state_root().string()},
                        {"RunRoot", paths::run_root().string()},
                        {"Kernel", std::string(u.release)},
                        {"Architecture", std::string(u.machine)},
                        {"KernelFeatures", features_json},
                        {"Containers", counts.total},
                        {"ContainersRunning", counts.running},
                        {"ContainersPaused", counts.paused},
                        {"ContainersStopped", counts.stopped},
                        {"Missing", missing}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  auto or_missing = [](const std::string& s) { return s.empty() ? std::string("not found") : s; };
  std::cout << "berth version " << BERTH_VERSION << "\n"
            << "OCI runtime:     " << (host.runtime.empty() ? "none found" : host.runtime) << "\n"
            << "  runc:          " << or_missing(host.runc) << "\n"
            << "  crun:          " << or_missing(host.crun) << "\n"
            << "Cgroup layout:   " << runtime::to_string(host.cgroups) << "\n"
            << "Init (catatonit):" << (host.catatonit ? " found" : " not found") << "\n"
            << "Seccomp profile: " << (host.seccomp_profile ? runtime::kDefaultSeccompProfile : "not found") << "\n"
            << "Storage root:    " << paths::state_root().string() << "\n"
            << "Run root:        " << paths::run_root().string() << "\n"
            << "Kernel:          " << u.release << " (" << u.machine << ")\n"
            << "Kernel features:\n";
  for (const auto& f : features) std::cout << "  " << f.name << ": " << (f.present ? "yes" : "no") << "\n";
  std::cout << "Containers:      " << counts.total << " (running " << counts.running << ", paused " << counts.paused
            << ", stopped " << counts.stopped << ")\n";
  if (!missing.empty()) {
    std::cout << "Missing:\n";
    for (const auto& m : missing) std::cout << "  " << m << "\n";
  }
  return 0;
}

}  // namespace

void add_info_verb(CLI::App& app, const GlobalOptions&) {
  auto* info = app.add_subcommand("info", "Show what this host offers berth");
  auto format = std::make_shared<std::string>("text");
  info->add_option("--format", *format, "text or json")->check(CLI::IsMember({"text", "json"}));
  set_action(info, [format] { return run_info(*format); });
}

}  // namespace berth::cli
