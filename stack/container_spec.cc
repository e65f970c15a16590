#include "stack/container_spec.h"

#include "compose/config_hash.h"
#include "compose/units.h"
#include "runtime/container/command.h"
#include "runtime/container/user.h"
#include "stack/labels.h"

namespace berth::stack {

namespace {

using std::chrono::milliseconds;

milliseconds to_ms(const compose::Duration& d) { return milliseconds(d.nanoseconds / 1'000'000); }

std::vector<std::string> environment_list(const compose::Service& s) {
  std::vector<std::string> out;
  for (const auto& [k, v] : s.environment)
    if (v) out.push_back(k + "=" + *v);  // unset without a value: not passed, as compose does
  return out;
}

runtime::ProcessSpec process(const compose::Service& s, const image::ImageConfig& image,
                             const std::string& rootfs, const std::string& hostname) {
  runtime::ImageProcessConfig from_image{image.entrypoint, image.cmd.value_or(std::vector<std::string>{}),
                                         image.env, image.working_dir, image.user};
  runtime::ProcessSpec p;
  p.args = runtime::merge_command(from_image, s.entrypoint, s.command);
  p.env = runtime::container_env(image.env, environment_list(s), hostname, s.tty);
  p.cwd = !s.working_dir.empty() ? s.working_dir : !image.working_dir.empty() ? image.working_dir : "/";
  std::string user = !s.user.empty() ? s.user : image.user;
  runtime::ResolvedUser resolved = runtime::resolve_user(rootfs, user.empty() ? "0" : user, s.group_add);
  p.uid = resolved.uid;
  p.gid = resolved.gid;
  p.additional_gids = resolved.additional_gids;
  p.tty = s.tty;
  p.stdin_open = s.stdin_open;
  for (const auto& opt : s.security_opt)
    if (opt == "no-new-privileges" || opt == "no-new-privileges:true" || opt == "no-new-privileges=true")
      p.no_new_privileges = true;
  return p;
}

runtime::SeccompSpec seccomp(const compose::Service& s) {
  runtime::SeccompSpec out;
  for (const auto& opt : s.security_opt) {
    if (opt.rfind("seccomp", 0) != 0 || opt.size() < 8) continue;
    std::string value = opt.substr(8);  // after "seccomp=" or "seccomp:"
    if (value == "unconfined") out.kind = runtime::SeccompSpec::Kind::unconfined;
    else out.kind = runtime::SeccompSpec::Kind::profile_file, out.profile = value;
  }
  return out;
}

runtime::ResourceSpec resources(const compose::Service& s) {
  runtime::ResourceSpec r;
  const compose::Resource* limits = s.deploy && s.deploy->resources.limits ? &*s.deploy->resources.limits : nullptr;
  const compose::Resource* reservations =
      s.deploy && s.deploy->resources.reservations ? &*s.deploy->resources.reservations : nullptr;
  if (s.pids_limit) r.pids_limit = *s.pids_limit;
  else if (limits && limits->pids) r.pids_limit = *limits->pids;
  if (s.cpus) r.cpus = *s.cpus;
  else if (limits && limits->cpus) r.cpus = *limits->cpus;
  if (s.cpu_quota) r.cpu_quota = *s.cpu_quota;
  if (s.cpu_period) r.cpu_period = static_cast<uint64_t>(*s.cpu_period);
  if (s.cpu_shares) r.cpu_shares = static_cast<uint64_t>(*s.cpu_shares);
  r.cpuset_cpus = s.cpuset;
  if (s.mem_limit) r.memory = s.mem_limit->bytes;
  else if (limits && limits->memory) r.memory = limits->memory->bytes;
  if (s.memswap_limit) r.memory_swap = s.memswap_limit->bytes;
  if (s.mem_reservation) r.memory_reservation = s.mem_reservation->bytes;
  else if (reservations && reservations->memory) r.memory_reservation = reservations->memory->bytes;
  if (s.oom_score_adj) r.oom_score_adj = static_cast<int>(*s.oom_score_adj);
  if (s.shm_size) r.shm_size = s.shm_size->bytes;
  return r;
}

runtime::LogOptions log_options(const compose::Service& s) {
  runtime::LogOptions out;
  if (!s.logging) return out;
  auto size = s.logging->options.find("max-size");
  if (size != s.logging->options.end())
    if (auto b = compose::parse_byte_size(size->second); b && b->bytes > 0) out.max_size = static_cast<uint64_t>(b->bytes);
  auto files = s.logging->options.find("max-file");
  if (files != s.logging->options.end()) out.max_file = std::max(1, std::atoi(files->second.c_str()));
  return out;
}

std::string hosts_file(const compose::Service& s, const std::string& hostname,
                       const std::vector<std::string>& addresses) {
  std::string out = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";
  if (!addresses.empty()) out += addresses.front() + "\t" + hostname + "\n";
  for (const auto& entry : s.extra_hosts) {
    size_t eq = entry.find('=');
    if (eq == std::string::npos) continue;
    std::string ip = entry.substr(eq + 1);
    if (ip == "host-gateway") continue;  // needs the host's address on the first network
    out += ip + "\t" + entry.substr(0, eq) + "\n";
  }
  return out;
}

std::string resolv_conf(const compose::Service& s, const std::vector<std::string>& nameservers) {
  std::string out;
  for (const auto& ns : s.dns.empty() ? nameservers : s.dns) out += "nameserver " + ns + "\n";
  if (!s.dns_search.empty()) {
    out += "search";
    for (const auto& d : s.dns_search) out += " " + d;
    out += "\n";
  }
  if (!s.dns_opt.empty()) {
    out += "options";
    for (const auto& o : s.dns_opt) out += " " + o;
    out += "\n";
  }
  return out;
}

// tmpfs: "/run" or "/run:size=64m,mode=1777".
runtime::Mount tmpfs_mount(const std::string& spec) {
  runtime::Mount m;
  size_t colon = spec.find(':');
  m.destination = spec.substr(0, colon);
  m.type = "tmpfs";
  m.source = "tmpfs";
  m.options = {"nosuid", "nodev", "noexec"};
  if (colon != std::string::npos) {
    std::string opts = spec.substr(colon + 1);
    size_t start = 0;
    while (start <= opts.size()) {
      size_t comma = opts.find(',', start);
      if (comma == std::string::npos) comma = opts.size();
      if (comma > start) m.options.push_back(opts.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return m;
}

}  // namespace

runtime::RestartPolicy restart_policy(const compose::Service& s) {
  if (!s.restart.empty()) return runtime::RestartPolicy::parse(s.restart);
  runtime::RestartPolicy out;
  if (s.deploy && s.deploy->restart_policy) {
    const auto& rp = *s.deploy->restart_policy;
    if (rp.condition == "any" || rp.condition.empty()) out.kind = runtime::RestartPolicy::Kind::always;
    else if (rp.condition == "on-failure") out.kind = runtime::RestartPolicy::Kind::on_failure;
    out.max_retries = static_cast<int>(rp.max_attempts.value_or(0));
  }
  return out;
}

runtime::HealthcheckSpec healthcheck(const compose::Service& s, const image::ImageConfig& image) {
  runtime::HealthcheckSpec h;
  std::vector<std::string> test;
  if (image.healthcheck) {
    test = image.healthcheck->test;
    if (image.healthcheck->interval_ns) h.interval = milliseconds(image.healthcheck->interval_ns / 1'000'000);
    if (image.healthcheck->timeout_ns) h.timeout = milliseconds(image.healthcheck->timeout_ns / 1'000'000);
    if (image.healthcheck->start_period_ns)
      h.start_period = milliseconds(image.healthcheck->start_period_ns / 1'000'000);
    if (image.healthcheck->retries) h.retries = image.healthcheck->retries;
  }
  if (s.healthcheck) {
    const compose::Healthcheck& c = *s.healthcheck;
    if (c.disable) return runtime::HealthcheckSpec{};
    if (c.test) test = *c.test;
    if (c.interval) h.interval = to_ms(*c.interval);
    if (c.timeout) h.timeout = to_ms(*c.timeout);
    if (c.start_period) h.start_period = to_ms(*c.start_period);
    if (c.start_interval) h.start_interval = to_ms(*c.start_interval);
    if (c.retries) h.retries = static_cast<int>(*c.retries);
  }
  if (test.empty() || test.front() == "NONE") return runtime::HealthcheckSpec{};
  if (test.front() == "CMD-SHELL") {
    h.kind = runtime::HealthcheckSpec::Kind::cmd_shell;
    h.test.assign(test.begin() + 1, test.end());
  } else {
    h.kind = runtime::HealthcheckSpec::Kind::cmd;
    h.test.assign(test.front() == "CMD" ? test.begin() + 1 : test.begin(), test.end());
  }
  return h;
}

runtime::ContainerSpec container_spec(const compose::Project& project, const compose::Service& s,
                                      const ContainerIdentity& who, const image::ImageConfig& image,
                                      const std::string& image_id, const std::string& rootfs,
                                      const ContainerNetworking& networking,
                                      std::vector<runtime::Mount> mounts) {
  runtime::ContainerSpec c;
  c.id = who.id;
  c.name = who.name;
  c.rootfs = rootfs;
  c.readonly_rootfs = s.read_only;
  c.hostname = !s.hostname.empty() ? s.hostname : who.id.substr(0, 12);
  c.domainname = s.domainname;
  c.process = process(s, image, rootfs, c.hostname);
  for (const auto& t : s.tmpfs) mounts.push_back(tmpfs_mount(t));
  c.mounts = std::move(mounts);
  c.network = networking.network;
  c.capabilities = {s.privileged, s.cap_add, s.cap_drop};
  c.seccomp = seccomp(s);
  for (const auto& d : s.devices) c.devices.push_back({d.source, d.target, d.permissions.empty() ? "rwm" : d.permissions});
  for (const auto& [name, u] : s.ulimits)
    c.ulimits.push_back({name, static_cast<uint64_t>(u.soft), static_cast<uint64_t>(u.hard)});
  c.sysctls = std::map<std::string, std::string>(s.sysctls.begin(), s.sysctls.end());
  c.resources = resources(s);
  c.init = s.init.value_or(false);
  c.stop_signal = !s.stop_signal.empty() ? s.stop_signal : !image.stop_signal.empty() ? image.stop_signal : "SIGTERM";
  if (s.stop_grace_period) c.stop_grace_period = to_ms(*s.stop_grace_period);
  c.labels = std::map<std::string, std::string>(s.labels.begin(), s.labels.end());
  c.labels[labels::kProject] = project.name;
  c.labels[labels::kService] = s.name;
  c.labels[labels::kNumber] = std::to_string(who.number);
  c.labels[labels::kOneOff] = who.one_off ? "True" : "False";
  c.labels[labels::kConfigHash] = compose::service_config_hash(s);
  c.labels[labels::kImage] = image_id;
  c.labels[labels::kWorkingDir] = project.working_dir;
  std::string files;
  for (const auto& f : project.compose_files) files += (files.empty() ? "" : ",") + f;
  c.labels[labels::kConfigFiles] = files;
  c.restart = restart_policy(s);
  c.healthcheck = healthcheck(s, image);
  c.log = log_options(s);
  if (networking.network.mode != runtime::NetworkSpec::Mode::host) {
    c.etc.hosts = hosts_file(s, c.hostname, networking.addresses);
    c.etc.hostname = c.hostname + "\n";
    c.etc.resolv_conf = resolv_conf(s, networking.nameservers);
  }
  return c;
}

}  // namespace berth::stack
