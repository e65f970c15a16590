// The project model: the blueprint after loading, as plain typed structs.
//
// Field names follow the Compose Specification. An optional<> field is "unset" when empty, which
// is different from a set-but-empty value (`entrypoint: []`). Free-form parts (x- extensions)
// are kept as trees. The YAML keys of every struct are listed once, in model_codec.cc.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compose/node.h"
#include "compose/units.h"

namespace berth::compose {

using StringMap = std::map<std::string, std::string>;
// environment and build args: a key without a value is null (resolved later, or left unset).
using OptionalStringMap = std::map<std::string, std::optional<std::string>>;

// File permission bits; printed in octal as "0440".
struct FileMode {
  uint32_t bits = 0;
  bool operator==(const FileMode&) const = default;
};

struct Ulimit {
  std::optional<int64_t> single;  // `nofile: 1024`
  int64_t soft = 0;
  int64_t hard = 0;
};

struct FileReference {  // a service's use of a secret or config
  std::string source;
  std::string target;
  std::string uid;
  std::string gid;
  std::optional<FileMode> mode;
  Node extensions;
};

struct BuildConfig {
  std::string context;
  std::string dockerfile;
  std::string dockerfile_inline;
  std::vector<std::string> entitlements;
  OptionalStringMap args;
  std::vector<std::string> ssh;
  StringMap labels;
  std::vector<std::string> cache_from;
  std::vector<std::string> cache_to;
  bool no_cache = false;
  StringMap additional_contexts;
  std::string network;
  std::optional<bool> pull;
  std::string target;
  std::optional<ByteSize> shm_size;
  std::vector<std::string> extra_hosts;
  std::string isolation;
  bool privileged = false;
  std::vector<FileReference> secrets;
  std::vector<std::string> tags;
  std::map<std::string, Ulimit> ulimits;
  std::vector<std::string> platforms;
  std::string provenance;
  std::string sbom;
  Node extensions;
};

struct DependsOn {
  std::string condition;  // service_started | service_healthy | service_completed_successfully
  bool restart = false;
  std::optional<bool> required;
  Node extensions;
};

struct DeviceMapping {
  std::string source;
  std::string target;
  std::string permissions;
};

struct DeviceRequest {  // deploy.resources.reservations.devices and gpus
  std::vector<std::string> capabilities;
  std::string driver;
  std::optional<int64_t> count;  // -1 is "all"
  std::vector<std::string> device_ids;
  StringMap options;
};

struct GenericResource {
  struct Spec {
    std::string kind;
    int64_t value = 0;
  };
  std::optional<Spec> discrete_resource_spec;
};

struct Resource {
  std::optional<double> cpus;
  std::optional<ByteSize> memory;
  std::optional<int64_t> pids;
  std::vector<DeviceRequest> devices;
  std::vector<GenericResource> generic_resources;
};

struct Resources {
  std::optional<Resource> limits;
  std::optional<Resource> reservations;
};

struct RestartPolicy {
  std::string condition;  // none | on-failure | any
  std::optional<Duration> delay;
  std::optional<int64_t> max_attempts;
  std::optional<Duration> window;
};

struct UpdateConfig {  // Swarm only: kept, reported as ignored
  std::optional<int64_t> parallelism;
  std::optional<Duration> delay;
  std::string failure_action;
  std::optional<Duration> monitor;
  std::optional<double> max_failure_ratio;
  std::string order;
};

struct Placement {  // Swarm only
  struct Preference {
    std::string spread;
  };
  std::vector<std::string> constraints;
  std::vector<Preference> preferences;
  std::optional<int64_t> max_replicas_per_node;
};

struct DeployConfig {
  std::string mode;
  std::optional<int64_t> replicas;
  StringMap labels;
  std::optional<UpdateConfig> update_config;
  std::optional<UpdateConfig> rollback_config;
  Resources resources;
  std::optional<RestartPolicy> restart_policy;
  std::optional<Placement> placement;
  std::string endpoint_mode;
  Node extensions;
};

struct Healthcheck {
  std::optional<std::vector<std::string>> test;  // [NONE] | [CMD, ...] | [CMD-SHELL, cmd]
  std::optional<Duration> timeout;
  std::optional<Duration> interval;
  std::optional<int64_t> retries;
  std::optional<Duration> start_period;
  std::optional<Duration> start_interval;
  bool disable = false;
  Node extensions;
};

struct Logging {
  std::string driver;
  StringMap options;
};

struct ServiceNetwork {
  std::vector<std::string> aliases;
  std::string interface_name;
  std::string ipv4_address;
  std::string ipv6_address;
  std::vector<std::string> link_local_ips;
  std::string mac_address;
  StringMap driver_opts;
  std::optional<int64_t> priority;
  std::optional<int64_t> gw_priority;
  Node extensions;
};

struct ServicePort {
  std::string name;
  std::string mode;     // ingress | host
  std::string host_ip;
  int64_t target = 0;
  std::string published;  // a port, a range "8000-8010", or "" for a random one
  std::string protocol;   // tcp | udp
  std::string app_protocol;
  Node extensions;
};

struct ServiceVolume {
  struct Bind {
    std::string propagation;
    std::optional<bool> create_host_path;
    std::string selinux;
    std::string recursive;
  };
  struct Volume {
    bool nocopy = false;
    std::string subpath;
    StringMap labels;
  };
  struct Tmpfs {
    std::optional<ByteSize> size;
    std::optional<FileMode> mode;
  };
  struct Image {
    std::string subpath;
  };
  std::string type;  // bind | volume | tmpfs | npipe | cluster | image
  std::string source;
  std::string target;
  bool read_only = false;
  std::string consistency;
  std::optional<Bind> bind;
  std::optional<Volume> volume;
  std::optional<Tmpfs> tmpfs;
  std::optional<Image> image;
  Node extensions;
};

struct EnvFile {
  std::string path;
  std::optional<bool> required;  // default true
  std::string format;            // "" (compose syntax) | raw
};

struct CredentialSpec {
  std::string config;
  std::string file;
  std::string registry;
};

struct BlkioConfig {
  struct WeightDevice {
    std::string path;
    int64_t weight = 0;
  };
  struct ThrottleDevice {
    std::string path;
    std::string rate;  // bytes (with unit) or operations per second
  };
  std::optional<int64_t> weight;
  std::vector<WeightDevice> weight_device;
  std::vector<ThrottleDevice> device_read_bps;
  std::vector<ThrottleDevice> device_write_bps;
  std::vector<ThrottleDevice> device_read_iops;
  std::vector<ThrottleDevice> device_write_iops;
};

struct ServiceHook {  // pre_start / post_start / pre_stop
  std::string image;  // pre_start only: run in a container of this image
  std::vector<std::string> command;
  std::string user;
  bool privileged = false;
  std::string working_dir;
  OptionalStringMap environment;
};

struct WatchRule {  // develop.watch
  std::string path;
  std::string action;
  std::string target;
  std::vector<std::string> ignore;
  std::vector<std::string> include;
  bool initial_sync = false;
  std::optional<ServiceHook> exec;
  Node extensions;
};

struct Develop {
  std::vector<WatchRule> watch;
  Node extensions;
};

struct Provider {
  std::string type;
  std::map<std::string, Node> options;
};

struct ServiceModel {
  std::string endpoint_var;
  std::string model_var;
};

struct Service {
  std::string name;  // the key under services:, not printed
  Mark mark;

  std::vector<std::string> profiles;
  StringMap annotations;
  std::optional<bool> attach;
  std::optional<BuildConfig> build;
  std::optional<Develop> develop;
  std::optional<BlkioConfig> blkio_config;
  std::vector<std::string> cap_add;
  std::vector<std::string> cap_drop;
  std::string cgroup_parent;
  std::string cgroup;
  std::optional<std::vector<std::string>> command;
  std::vector<FileReference> configs;
  std::string container_name;
  std::optional<int64_t> cpu_count;
  std::optional<double> cpu_percent;
  std::optional<int64_t> cpu_period;
  std::optional<int64_t> cpu_quota;
  std::optional<Duration> cpu_rt_period;
  std::optional<Duration> cpu_rt_runtime;
  std::optional<double> cpus;
  std::string cpuset;
  std::optional<int64_t> cpu_shares;
  std::optional<CredentialSpec> credential_spec;
  std::map<std::string, DependsOn> depends_on;
  std::optional<DeployConfig> deploy;
  std::vector<std::string> device_cgroup_rules;
  std::vector<DeviceMapping> devices;
  std::vector<std::string> dns;
  std::vector<std::string> dns_opt;
  std::vector<std::string> dns_search;
  std::string domainname;
  std::optional<std::vector<std::string>> entrypoint;
  OptionalStringMap environment;
  std::vector<EnvFile> env_file;
  std::vector<std::string> expose;
  std::vector<std::string> external_links;
  std::vector<std::string> extra_hosts;  // "host=ip"
  std::vector<DeviceRequest> gpus;
  std::vector<std::string> group_add;
  std::optional<Healthcheck> healthcheck;
  std::string hostname;
  std::string image;
  std::optional<bool> init;
  std::string ipc;
  std::string isolation;
  StringMap labels;
  std::vector<std::string> label_file;
  std::vector<std::string> links;
  std::optional<Logging> logging;
  std::string mac_address;
  std::optional<ByteSize> mem_limit;
  std::optional<ByteSize> mem_reservation;
  std::optional<int64_t> mem_swappiness;
  std::optional<ByteSize> memswap_limit;
  std::map<std::string, std::optional<ServiceModel>> models;
  std::string network_mode;
  std::map<std::string, std::optional<ServiceNetwork>> networks;
  bool oom_kill_disable = false;
  std::optional<int64_t> oom_score_adj;
  std::string pid;
  std::optional<int64_t> pids_limit;
  std::string platform;
  std::vector<ServicePort> ports;
  std::vector<ServiceHook> post_start;
  std::vector<ServiceHook> pre_start;
  std::vector<ServiceHook> pre_stop;
  bool privileged = false;
  std::optional<Provider> provider;
  std::string pull_policy;
  bool read_only = false;
  std::string restart;
  std::string runtime;
  std::optional<int64_t> scale;
  std::vector<FileReference> secrets;
  std::vector<std::string> security_opt;
  std::optional<ByteSize> shm_size;
  bool stdin_open = false;
  std::optional<Duration> stop_grace_period;
  std::string stop_signal;
  StringMap storage_opt;
  StringMap sysctls;
  std::vector<std::string> tmpfs;
  bool tty = false;
  std::map<std::string, Ulimit> ulimits;
  std::optional<bool> use_api_socket;
  std::string user;
  std::string userns_mode;
  std::string uts;
  std::vector<ServiceVolume> volumes;
  std::vector<std::string> volumes_from;
  std::string working_dir;
  Node extensions;
};

struct IpamPool {
  std::string subnet;
  std::string ip_range;
  std::string gateway;
  StringMap aux_addresses;
};

struct Ipam {
  std::string driver;
  std::vector<IpamPool> config;
  StringMap options;
};

struct Network {
  std::string name;
  std::string driver;
  StringMap driver_opts;
  Ipam ipam;
  bool external = false;
  bool internal = false;
  bool attachable = false;
  std::optional<bool> enable_ipv4;
  std::optional<bool> enable_ipv6;
  StringMap labels;
  Node extensions;
};

struct Volume {
  std::string name;
  std::string driver;
  StringMap driver_opts;
  bool external = false;
  StringMap labels;
  Node extensions;
};

// A top-level secret or config: where its content comes from.
struct FileObject {
  std::string name;
  std::string file;
  std::string environment;
  std::optional<std::string> content;
  bool external = false;
  StringMap labels;
  std::string driver;
  StringMap driver_opts;
  std::string template_driver;
  Node extensions;
};

struct Model {
  std::string name;
  std::string model;
  std::optional<int64_t> context_size;
  std::vector<std::string> runtime_flags;
  Node extensions;
};

struct Project {
  std::string name;
  std::map<std::string, Service> services;
  std::map<std::string, Network> networks;
  std::map<std::string, Volume> volumes;
  std::map<std::string, FileObject> secrets;
  std::map<std::string, FileObject> configs;
  std::map<std::string, Model> models;
  Node extensions;

  // Not printed: where the project came from.
  std::string working_dir;
  std::vector<std::string> compose_files;
  std::vector<std::string> disabled_services;  // off by profile
  // The variables interpolation saw (process, then .env or --env-file): configs and secrets with
  // an `environment:` source take their value from here, as compose does.
  std::map<std::string, std::string> environment;
};

// Tree <-> model. decode throws berth::Error at the offending value; encode gives the normal
// form `berth config` prints.
Project decode_project(const Node& root);
Node encode_project(const Project& project);
Node encode_service(const Service& service);

}  // namespace berth::compose
