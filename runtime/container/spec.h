// ContainerSpec: everything needed to run one container, as plain data. It knows nothing of
// compose: the planner fills it from a service and its image, tests fill it by hand, and the
// runtime turns it into an OCI bundle plus the supervisor's settings.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/mount.h"

namespace berth::runtime {

using Duration = std::chrono::milliseconds;

struct ProcessSpec {
  std::vector<std::string> args;  // argv, already merged with the image (see image_config.h)
  std::vector<std::string> env;   // "KEY=value"
  std::string cwd = "/";
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::vector<uint32_t> additional_gids;
  bool tty = false;
  bool stdin_open = false;
  bool no_new_privileges = false;
};

struct NetworkSpec {
  enum class Mode { loopback_only, host, join };
  Mode mode = Mode::loopback_only;  // loopback_only: a fresh namespace that only has `lo`
  std::string netns_path;           // for join: a namespace berth created and configured
};

struct CapabilitySpec {
  bool privileged = false;         // every capability, no seccomp, no masked paths, all devices
  std::vector<std::string> add;    // "NET_ADMIN" or "CAP_NET_ADMIN"; "ALL" allowed
  std::vector<std::string> drop;   // same; "ALL" allowed
};

struct SeccompSpec {
  enum class Kind { default_profile, unconfined, profile_file };
  Kind kind = Kind::default_profile;
  std::filesystem::path profile;  // profile_file: a Docker-format profile (as containers-common's)
};

struct DeviceSpec {
  std::string host_path;        // /dev/fuse
  std::string container_path;   // defaults to host_path when empty
  std::string permissions = "rwm";
};

struct Ulimit {
  std::string name;  // nofile, nproc, core, ... (Docker's names)
  uint64_t soft = 0;
  uint64_t hard = 0;
};

struct ResourceSpec {
  std::optional<int64_t> pids_limit;
  std::optional<double> cpus;  // becomes quota/period (period 100ms)
  std::optional<int64_t> cpu_quota;
  std::optional<uint64_t> cpu_period;
  std::optional<uint64_t> cpu_shares;
  std::string cpuset_cpus;
  std::string cpuset_mems;
  std::optional<int64_t> memory;              // bytes
  std::optional<int64_t> memory_swap;         // memory+swap bytes; -1 unlimited
  std::optional<int64_t> memory_reservation;  // bytes
  std::optional<int> oom_score_adj;
  std::optional<int64_t> shm_size;            // bytes; Docker's default is 64 MiB
};

struct RestartPolicy {
  enum class Kind { no, always, on_failure, unless_stopped };
  Kind kind = Kind::no;
  int max_retries = 0;  // on_failure:N; 0 means no limit

  // "no", "always", "on-failure", "on-failure:3", "unless-stopped"; throws berth::Error.
  static RestartPolicy parse(const std::string& text);
  std::string str() const;
};

struct HealthcheckSpec {
  enum class Kind { none, cmd, cmd_shell };
  Kind kind = Kind::none;
  std::vector<std::string> test;  // cmd: argv; cmd_shell: one string run by /bin/sh -c
  Duration interval = std::chrono::seconds(30);
  Duration timeout = std::chrono::seconds(30);
  Duration start_period = Duration::zero();
  Duration start_interval = std::chrono::seconds(5);
  int retries = 3;

  bool enabled() const { return kind != Kind::none && !test.empty(); }
  // Docker's test forms: ["CMD", argv...], ["CMD-SHELL", "script"], ["NONE"], or a bare string
  // (one element, not a keyword: a shell script). Throws berth::Error on an empty or unknown form.
  static HealthcheckSpec from_test(const std::vector<std::string>& test);
  // The argv run inside the container.
  std::vector<std::string> argv() const;
};

struct LogOptions {
  uint64_t max_size = 0;  // bytes per file; 0: no rotation
  int max_file = 1;       // files kept, the current one included
};

// Files berth keeps for the container and bind-mounts over the image's.
struct EtcFiles {
  std::optional<std::string> hosts;
  std::optional<std::string> hostname;
  std::optional<std::string> resolv_conf;
};

struct ContainerSpec {
  std::string id;    // 64 hex digits, as Docker's
  std::string name;  // <project>-<service>-<n>
  std::filesystem::path rootfs;
  bool readonly_rootfs = false;
  ProcessSpec process;
  std::string hostname;
  std::string domainname;
  std::vector<Mount> mounts;  // volumes, binds, tmpfs: after berth's own mounts
  NetworkSpec network;
  CapabilitySpec capabilities;
  SeccompSpec seccomp;
  std::vector<std::string> masked_paths;    // empty: Docker's list
  std::vector<std::string> readonly_paths;  // empty: Docker's list
  std::vector<DeviceSpec> devices;
  std::vector<Ulimit> ulimits;
  std::map<std::string, std::string> sysctls;
  ResourceSpec resources;
  bool init = false;  // catatonit as PID 1, bind-mounted
  std::string stop_signal = "SIGTERM";
  Duration stop_grace_period = std::chrono::seconds(10);
  std::map<std::string, std::string> labels;
  RestartPolicy restart;
  HealthcheckSpec healthcheck;
  LogOptions log;
  EtcFiles etc;
};

// Docker's lists, used when the spec leaves them empty (and not privileged).
const std::vector<std::string>& default_masked_paths();
const std::vector<std::string>& default_readonly_paths();
// Docker's default capability set without CAP_NET_RAW (as podman): raw sockets need cap_add.
const std::vector<std::string>& default_capabilities();

// The number of a signal named as Docker accepts it: "SIGTERM", "TERM", "sigterm" or "15".
// Throws berth::Error naming the bad value.
int parse_signal(const std::string& name);

// A new random container id: 64 lowercase hex digits.
std::string new_container_id();

}  // namespace berth::runtime
