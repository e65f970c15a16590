#include "runtime/container/oci_config.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "runtime/container/cgroup_resources.h"
#include "runtime/container/host_devices.h"
#include "runtime/container/seccomp.h"
#include "util/error.h"
#include "util/fs.h"

namespace berth::runtime {

using nlohmann::json;

namespace {

const std::vector<std::string>& all_capabilities() {
  static const std::vector<std::string> caps = {
      "CAP_CHOWN",           "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
      "CAP_FSETID",          "CAP_KILL",           "CAP_SETGID",          "CAP_SETUID",
      "CAP_SETPCAP",         "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
      "CAP_NET_ADMIN",       "CAP_NET_RAW",        "CAP_IPC_LOCK",        "CAP_IPC_OWNER",
      "CAP_SYS_MODULE",      "CAP_SYS_RAWIO",      "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
      "CAP_SYS_PACCT",       "CAP_SYS_ADMIN",      "CAP_SYS_BOOT",        "CAP_SYS_NICE",
      "CAP_SYS_RESOURCE",    "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
      "CAP_LEASE",           "CAP_AUDIT_WRITE",    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
      "CAP_MAC_OVERRIDE",    "CAP_MAC_ADMIN",      "CAP_SYSLOG",          "CAP_WAKE_ALARM",
      "CAP_BLOCK_SUSPEND",   "CAP_AUDIT_READ",     "CAP_PERFMON",         "CAP_BPF",
      "CAP_CHECKPOINT_RESTORE"};
  return caps;
}

std::string normalise_cap(const std::string& name) {
  std::string upper;
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "ALL") return upper;
  if (upper.rfind("CAP_", 0) != 0) upper = "CAP_" + upper;
  const auto& all = all_capabilities();
  if (std::find(all.begin(), all.end(), upper) == all.end())
    throw Error("unknown capability '" + name + "'",
                "capabilities are named as in capabilities(7), e.g. NET_ADMIN or CAP_NET_ADMIN");
  return upper;
}

// Keeps the capabilities the host lets berth give (its bounding set; a capability's number is its
// place in all_capabilities()). Privileged means all of those, as far as the host allows; one
// asked for by name that the host lacks is dropped with a warning instead of failing in runc.
void keep_host_capabilities(std::vector<std::string>& caps, uint64_t host, const CapabilitySpec& spec,
                            std::vector<std::string>& warnings) {
  const auto& all = all_capabilities();
  std::erase_if(caps, [&](const std::string& cap) {
    auto at = static_cast<size_t>(std::find(all.begin(), all.end(), cap) - all.begin());
    if (at < 64 && (host >> at & 1) != 0) return false;
    for (const auto& asked : spec.add)
      if (normalise_cap(asked) == cap)
        warnings.push_back("cap_add " + asked + " is left out: this host does not grant " + cap +
                           " to berth (its capability bounding set lacks it)");
    return true;
  });
}

struct RlimitName {
  const char* docker;
  const char* oci;
  int resource;
};
constexpr RlimitName kRlimits[] = {
    {"core", "RLIMIT_CORE", RLIMIT_CORE},         {"cpu", "RLIMIT_CPU", RLIMIT_CPU},
    {"data", "RLIMIT_DATA", RLIMIT_DATA},         {"fsize", "RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"locks", "RLIMIT_LOCKS", RLIMIT_LOCKS},      {"memlock", "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"msgqueue", "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"nice", "RLIMIT_NICE", RLIMIT_NICE},
    {"nofile", "RLIMIT_NOFILE", RLIMIT_NOFILE},   {"nproc", "RLIMIT_NPROC", RLIMIT_NPROC},
    {"rss", "RLIMIT_RSS", RLIMIT_RSS},            {"rtprio", "RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"rttime", "RLIMIT_RTTIME", RLIMIT_RTTIME},   {"sigpending", "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"stack", "RLIMIT_STACK", RLIMIT_STACK},      {"as", "RLIMIT_AS", RLIMIT_AS}};

json rlimits(const std::vector<Ulimit>& ulimits, std::vector<std::string>& warnings) {
  json out = json::array();
  for (const auto& u : ulimits) {
    const RlimitName* known = nullptr;
    for (const auto& r : kRlimits)
      if (u.name == r.docker) known = &r;
    if (!known)
      throw Error("unknown ulimit '" + u.name + "'",
                  "use one of core, cpu, data, fsize, locks, memlock, msgqueue, nice, nofile, "
                  "nproc, rss, rtprio, rttime, sigpending, stack, as");
    if (u.soft > u.hard)
      throw Error("ulimit " + u.name + ": the soft limit " + std::to_string(u.soft) +
                      " is above the hard limit " + std::to_string(u.hard),
                  "write it as soft:hard with soft <= hard");
    struct rlimit host {};
    ::getrlimit(static_cast<__rlimit_resource>(known->resource), &host);
    uint64_t hard = u.hard, soft = u.soft;
    if (host.rlim_max != RLIM_INFINITY && hard > host.rlim_max) {
      warnings.push_back("ulimit " + u.name + " lowered from " + std::to_string(u.hard) + " to " +
                         std::to_string(host.rlim_max) +
                         ", the host's hard limit (raising it needs CAP_SYS_RESOURCE)");
      hard = host.rlim_max;
      soft = std::min(soft, hard);
    }
    out.push_back({{"type", known->oci}, {"hard", hard}, {"soft", soft}});
  }
  return out;
}

json device_entries(const std::vector<DeviceSpec>& devices, json& cgroup_rules) {
  json out = json::array();
  for (const auto& d : devices) {
    struct stat st {};
    if (::stat(d.host_path.c_str(), &st) != 0)
      throw Error("device " + d.host_path + " does not exist on this host",
                  "check the devices: entry");
    if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
      throw Error(d.host_path + " is not a device", "devices: lists character or block devices");
    std::string type = S_ISCHR(st.st_mode) ? "c" : "b";
    auto major = static_cast<int64_t>(::major(st.st_rdev));
    auto minor = static_cast<int64_t>(::minor(st.st_rdev));
    std::string perms = d.permissions.empty() ? "rwm" : d.permissions;
    if (perms.find_first_not_of("rwm") != std::string::npos)
      throw Error("device " + d.host_path + ": invalid permissions '" + perms + "'",
                  "permissions are a combination of r, w and m");
    out.push_back({{"path", d.container_path.empty() ? d.host_path : d.container_path},
                   {"type", type},
                   {"major", major},
                   {"minor", minor},
                   {"fileMode", st.st_mode & 07777},
                   {"uid", 0},
                   {"gid", 0}});
    cgroup_rules.push_back(
        {{"allow", true}, {"type", type}, {"major", major}, {"minor", minor}, {"access", perms}});
  }
  return out;
}

// Device rules in both layouts (runc turns them into an eBPF program on v2); the limits as the
// OCI v1 fields, or on a unified host as the v2 files themselves (see cgroup_resources.h).
json resources(const ResourceSpec& r, bool privileged, json device_rules, bool cgroup_v2) {
  check_resources(r);
  json out;
  json devices = json::array();
  devices.push_back({{"allow", privileged}, {"access", "rwm"}});
  for (auto& rule : device_rules) devices.push_back(rule);
  out["devices"] = devices;
  if (cgroup_v2) {
    auto unified = cgroup_v2_resources(r);
    if (!unified.empty()) out["unified"] = unified;
    return out;
  }
  json memory = json::object();
  if (r.memory) memory["limit"] = *r.memory;
  if (r.memory_reservation) memory["reservation"] = *r.memory_reservation;
  if (r.memory_swap) memory["swap"] = *r.memory_swap;
  if (!memory.empty()) out["memory"] = memory;
  json cpu = json::object();
  if (r.cpu_shares) cpu["shares"] = *r.cpu_shares;
  if (r.cpus) {
    cpu["period"] = 100000;
    cpu["quota"] = static_cast<int64_t>(*r.cpus * 100000.0);
  }
  if (r.cpu_quota) cpu["quota"] = *r.cpu_quota;
  if (r.cpu_period) cpu["period"] = *r.cpu_period;
  if (!r.cpuset_cpus.empty()) cpu["cpus"] = r.cpuset_cpus;
  if (!r.cpuset_mems.empty()) cpu["mems"] = r.cpuset_mems;
  if (!cpu.empty()) out["cpu"] = cpu;
  if (r.pids_limit) out["pids"] = {{"limit", *r.pids_limit}};
  return out;
}

// Privileged: the host's devices too (the device cgroup allows all already), unless the spec
// maps something else to the same path.
void add_host_devices(json& devices, const std::filesystem::path& dev_root) {
  auto taken = [&](const std::string& path) {
    return std::any_of(devices.begin(), devices.end(),
                       [&](const json& d) { return d["path"] == path; });
  };
  for (const auto& d : host_devices(dev_root)) {
    if (taken(d.path)) continue;
    devices.push_back({{"path", d.path},
                       {"type", std::string(1, d.type)},
                       {"major", d.major},
                       {"minor", d.minor},
                       {"fileMode", d.file_mode},
                       {"uid", d.uid},
                       {"gid", d.gid}});
  }
}

json default_mounts(const ContainerSpec& spec) {
  int64_t shm = spec.resources.shm_size.value_or(64LL * 1024 * 1024);
  json mounts = json::array();
  auto add = [&](const std::string& dest, const std::string& type, const std::string& source,
                 std::vector<std::string> options) {
    for (const auto& m : spec.mounts)
      if (m.destination == dest) return;  // the user's own mount wins, as in Docker
    mounts.push_back({{"destination", dest}, {"type", type}, {"source", source},
                      {"options", options}});
  };
  add("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"});
  add("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"});
  add("/dev/pts", "devpts", "devpts",
      {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"});
  // Privileged, /sys and the cgroup file system are writable, as with docker.
  std::string sys_mode = spec.capabilities.privileged ? "rw" : "ro";
  add("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", sys_mode});
  add("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", sys_mode});
  add("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"});
  add("/dev/shm", "tmpfs", "shm",
      {"nosuid", "noexec", "nodev", "mode=1777", "size=" + std::to_string(shm)});
  return mounts;
}

}  // namespace

std::vector<std::string> effective_capabilities(const CapabilitySpec& spec) {
  std::vector<std::string> caps =
      spec.privileged ? all_capabilities() : default_capabilities();
  std::vector<std::string> drop, add;
  for (const auto& c : spec.drop) drop.push_back(normalise_cap(c));
  for (const auto& c : spec.add) add.push_back(normalise_cap(c));
  if (std::find(drop.begin(), drop.end(), "ALL") != drop.end()) caps.clear();
  for (const auto& c : drop)
    caps.erase(std::remove(caps.begin(), caps.end(), c), caps.end());
  if (std::find(add.begin(), add.end(), "ALL") != add.end()) caps = all_capabilities();
  for (const auto& c : add)
    if (c != "ALL" && std::find(caps.begin(), caps.end(), c) == caps.end()) caps.push_back(c);
  return caps;
}

std::string build_oci_config(const ContainerSpec& spec, const OciContext& context,
                             std::vector<std::string>& warnings) {
  const ProcessSpec& p = spec.process;
  std::vector<std::string> caps = effective_capabilities(spec.capabilities);
  keep_host_capabilities(caps, context.host_capabilities, spec.capabilities, warnings);
  bool privileged = spec.capabilities.privileged;

  json process;
  process["terminal"] = p.tty;
  json user = {{"uid", p.uid}, {"gid", p.gid}};
  if (!p.additional_gids.empty()) user["additionalGids"] = p.additional_gids;
  process["user"] = user;
  std::vector<std::string> args = p.args;
  if (spec.init) {
    args.insert(args.begin(), {kInitPath, "--"});
  }
  process["args"] = args;
  process["env"] = p.env;
  process["cwd"] = p.cwd.empty() ? "/" : p.cwd;
  process["capabilities"] = {{"bounding", caps}, {"effective", caps}, {"permitted", caps}};
  process["noNewPrivileges"] = p.no_new_privileges;
  json limits = rlimits(spec.ulimits, warnings);
  if (!limits.empty()) process["rlimits"] = limits;
  if (spec.resources.oom_score_adj) process["oomScoreAdj"] = *spec.resources.oom_score_adj;

  json mounts = default_mounts(spec);
  auto bind_etc = [&](const std::optional<std::string>& content, const char* name) {
    if (!content) return;
    mounts.push_back({{"destination", std::string("/etc/") + name},
                      {"type", "bind"},
                      {"source", (context.etc_dir / name).string()},
                      {"options", {"rbind", "rprivate"}}});
  };
  bind_etc(spec.etc.hosts, "hosts");
  bind_etc(spec.etc.hostname, "hostname");
  bind_etc(spec.etc.resolv_conf, "resolv.conf");
  if (spec.init) {
    struct stat st {};
    if (::stat(context.init_binary.c_str(), &st) != 0)
      throw Error("init: true needs " + context.init_binary.string() + ", which is missing",
                  "install it: apt-get install catatonit");
    mounts.push_back({{"destination", kInitPath},
                      {"type", "bind"},
                      {"source", context.init_binary.string()},
                      {"options", {"bind", "ro", "nosuid", "nodev"}}});
  }
  for (const auto& m : spec.mounts) {
    json mount = {{"destination", m.destination}, {"type", m.type}, {"source", m.source}};
    mount["options"] = m.options.empty() && m.type == "bind"
                           ? std::vector<std::string>{"rbind"}
                           : m.options;
    mounts.push_back(mount);
  }

  json namespaces = json::array({{{"type", "pid"}}, {{"type", "ipc"}}, {{"type", "uts"}},
                                 {{"type", "mount"}}});
  if (spec.network.mode == NetworkSpec::Mode::loopback_only)
    namespaces.push_back({{"type", "network"}});
  else if (spec.network.mode == NetworkSpec::Mode::join)
    namespaces.push_back({{"type", "network"}, {"path", spec.network.netns_path}});
  if (context.cgroup_v2) namespaces.push_back({{"type", "cgroup"}});

  json cgroup_device_rules = json::array();
  json linux_section;
  linux_section["namespaces"] = namespaces;
  linux_section["devices"] = device_entries(spec.devices, cgroup_device_rules);
  if (privileged) add_host_devices(linux_section["devices"], context.host_dev);
  linux_section["resources"] =
      resources(spec.resources, privileged, cgroup_device_rules, context.cgroup_v2);
  if (!context.cgroups_path.empty()) linux_section["cgroupsPath"] = context.cgroups_path;
  if (!spec.sysctls.empty()) linux_section["sysctl"] = spec.sysctls;
  if (!privileged) {
    linux_section["maskedPaths"] =
        spec.masked_paths.empty() ? default_masked_paths() : spec.masked_paths;
    linux_section["readonlyPaths"] =
        spec.readonly_paths.empty() ? default_readonly_paths() : spec.readonly_paths;
    if (spec.seccomp.kind != SeccompSpec::Kind::unconfined) {
      std::filesystem::path profile = spec.seccomp.kind == SeccompSpec::Kind::profile_file
                                          ? spec.seccomp.profile
                                          : std::filesystem::path(kDefaultSeccompProfile);
      auto text = fs::read_file_if_exists(profile);
      if (!text) {
        if (spec.seccomp.kind == SeccompSpec::Kind::default_profile)
          throw Error("the default seccomp profile " + profile.string() + " is missing",
                      "install it (apt-get install golang-github-containers-common), or run "
                      "with security_opt: [seccomp=unconfined]");
        throw Error("the seccomp profile " + profile.string() + " does not exist",
                    "check the seccomp= path in security_opt");
      }
      linux_section["seccomp"] =
          json::parse(translate_seccomp_profile(*text, caps, host_go_arch(), profile.string()));
    }
  }

  json config;
  config["ociVersion"] = "1.0.2";
  config["process"] = process;
  config["root"] = {{"path", spec.rootfs.string()}, {"readonly", spec.readonly_rootfs}};
  if (!spec.hostname.empty()) config["hostname"] = spec.hostname;
  if (!spec.domainname.empty()) config["domainname"] = spec.domainname;
  config["mounts"] = mounts;
  config["linux"] = linux_section;
  json annotations = json::object();
  for (const auto& [k, v] : spec.labels) annotations[k] = v;
  if (!annotations.empty()) config["annotations"] = annotations;
  return config.dump(2);
}

}  // namespace berth::runtime
