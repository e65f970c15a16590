// The YAML keys of every model struct, in the order `berth config` prints them.
#include <cstdio>

#include "compose/codec.h"
#include "compose/model.h"

namespace berth::compose::codec {

template <>
struct Codec<FileMode> {
  static void decode(const Node& n, const std::string& path, FileMode& out) {
    const std::string& t = scalar_text(n, path, "a file mode");
    // YAML 1.1 reads 0440 as octal, and so does Compose: a leading 0 (or 0o) means octal.
    std::string_view s = t;
    int base = 10;
    if (s.size() > 1 && s[0] == '0') {
      base = 8;
      s.remove_prefix(s[1] == 'o' ? 2 : 1);
    }
    unsigned long bits = 0;
    std::string digits(s);
    char* end = nullptr;
    bits = std::strtoul(digits.c_str(), &end, base);
    if (digits.empty() || *end != '\0' || bits > 07777)
      throw node_error(n, path, "'" + t + "' is not a file mode", "write it in octal, like 0440");
    out.bits = static_cast<uint32_t>(bits);
  }
  static Node encode(FileMode m) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0%o", m.bits);
    return Node::scalar(buf);
  }
  static bool empty(FileMode) { return false; }
};

template <>
struct Codec<Ulimit> {
  static void decode(const Node& n, const std::string& path, Ulimit& out) {
    if (n.is_scalar()) {
      int64_t v = 0;
      Codec<int64_t>::decode(n, path, v);
      out.single = v;
      out.soft = out.hard = v;
      return;
    }
    if (!n.is_mapping()) type_error(n, path, "a number or a mapping with soft and hard");
    for (const auto& e : n.entries()) {
      if (e.key == "soft") Codec<int64_t>::decode(e.value, path_join(path, e.key), out.soft);
      else if (e.key == "hard") Codec<int64_t>::decode(e.value, path_join(path, e.key), out.hard);
      else unknown_key(e, path, {"soft", "hard"});
    }
  }
  static Node encode(const Ulimit& u) {
    if (u.single) return Codec<int64_t>::encode(*u.single);
    Node out = Node::mapping();
    out.set("soft", Codec<int64_t>::encode(u.soft));
    out.set("hard", Codec<int64_t>::encode(u.hard));
    return out;
  }
  static bool empty(const Ulimit&) { return false; }
};

#define BERTH_FIELDS(Type, ...) \
  template <>                   \
  struct Fields<Type> {         \
    using S = Type;             \
    static constexpr auto list = std::make_tuple(__VA_ARGS__); \
  }

#define F(key) field(#key, &S::key)

BERTH_FIELDS(FileReference, F(source), F(target), F(uid), F(gid), F(mode));
BERTH_FIELDS(BuildConfig, F(context), F(dockerfile), F(dockerfile_inline), F(entitlements), F(args),
             F(ssh), F(labels), F(cache_from), F(cache_to), F(no_cache), F(additional_contexts),
             F(network), F(pull), F(target), F(shm_size), F(extra_hosts), F(isolation),
             F(privileged), F(secrets), F(tags), F(ulimits), F(platforms), F(provenance), F(sbom));
BERTH_FIELDS(DependsOn, F(condition), F(restart), F(required));
BERTH_FIELDS(DeviceMapping, F(source), F(target), F(permissions));
BERTH_FIELDS(DeviceRequest, F(capabilities), F(driver), F(count), F(device_ids), F(options));
BERTH_FIELDS(GenericResource::Spec, F(kind), F(value));
BERTH_FIELDS(GenericResource, F(discrete_resource_spec));
BERTH_FIELDS(Resource, F(cpus), F(memory), F(pids), F(devices), F(generic_resources));
BERTH_FIELDS(Resources, F(limits), F(reservations));
BERTH_FIELDS(RestartPolicy, F(condition), F(delay), F(max_attempts), F(window));
BERTH_FIELDS(UpdateConfig, F(parallelism), F(delay), F(failure_action), F(monitor),
             F(max_failure_ratio), F(order));
BERTH_FIELDS(Placement::Preference, F(spread));
BERTH_FIELDS(Placement, F(constraints), F(preferences), F(max_replicas_per_node));
BERTH_FIELDS(DeployConfig, F(mode), F(replicas), F(labels), F(update_config), F(rollback_config),
             F(resources), F(restart_policy), F(placement), F(endpoint_mode));
BERTH_FIELDS(Healthcheck, F(test), F(timeout), F(interval), F(retries), F(start_period),
             F(start_interval), F(disable));
BERTH_FIELDS(Logging, F(driver), F(options));
BERTH_FIELDS(ServiceNetwork, F(aliases), F(interface_name), F(ipv4_address), F(ipv6_address),
             F(link_local_ips), F(mac_address), F(driver_opts), F(priority), F(gw_priority));
BERTH_FIELDS(ServicePort, F(name), F(mode), F(host_ip), F(target), F(published), F(protocol),
             F(app_protocol));
BERTH_FIELDS(ServiceVolume::Bind, F(propagation), F(create_host_path), F(selinux), F(recursive));
BERTH_FIELDS(ServiceVolume::Volume, F(nocopy), F(subpath), F(labels));
BERTH_FIELDS(ServiceVolume::Tmpfs, F(size), F(mode));
BERTH_FIELDS(ServiceVolume::Image, F(subpath));
BERTH_FIELDS(ServiceVolume, F(type), F(source), F(target), F(read_only), F(consistency), F(bind),
             F(volume), F(tmpfs), F(image));
BERTH_FIELDS(EnvFile, F(path), F(required), F(format));
BERTH_FIELDS(CredentialSpec, F(config), F(file), F(registry));
BERTH_FIELDS(BlkioConfig::WeightDevice, F(path), F(weight));
BERTH_FIELDS(BlkioConfig::ThrottleDevice, F(path), F(rate));
BERTH_FIELDS(BlkioConfig, F(weight), F(weight_device), F(device_read_bps), F(device_write_bps),
             F(device_read_iops), F(device_write_iops));
BERTH_FIELDS(ServiceHook, F(image), F(command), F(user), F(privileged), F(working_dir), F(environment));
BERTH_FIELDS(WatchRule, F(path), F(action), F(target), F(ignore), F(include), F(initial_sync),
             F(exec));
BERTH_FIELDS(Develop, F(watch));
BERTH_FIELDS(Provider, F(type), F(options));
BERTH_FIELDS(ServiceModel, F(endpoint_var), F(model_var));
BERTH_FIELDS(Service, F(profiles), F(annotations), F(attach), F(build), F(develop), F(blkio_config),
             F(cap_add), F(cap_drop), F(cgroup_parent), F(cgroup), F(command), F(configs),
             F(container_name), F(cpu_count), F(cpu_percent), F(cpu_period), F(cpu_quota),
             F(cpu_rt_period), F(cpu_rt_runtime), F(cpus), F(cpuset), F(cpu_shares),
             F(credential_spec), F(depends_on), F(deploy), F(device_cgroup_rules), F(devices),
             F(dns), F(dns_opt), F(dns_search), F(domainname), F(entrypoint), F(environment),
             F(env_file), F(expose), F(external_links), F(extra_hosts), F(gpus), F(group_add),
             F(healthcheck), F(hostname), F(image), F(init), F(ipc), F(isolation), F(labels),
             F(label_file), F(links), F(logging), F(mac_address), F(mem_limit), F(mem_reservation),
             F(mem_swappiness), F(memswap_limit), F(models), F(network_mode), F(networks),
             F(oom_kill_disable), F(oom_score_adj), F(pid), F(pids_limit), F(platform), F(ports),
             F(post_start), F(pre_start), F(pre_stop), F(privileged), F(provider), F(pull_policy), F(read_only),
             F(restart), F(runtime), F(scale), F(secrets), F(security_opt), F(shm_size),
             F(stdin_open), F(stop_grace_period), F(stop_signal), F(storage_opt), F(sysctls),
             F(tmpfs), F(tty), F(ulimits), F(use_api_socket), F(user), F(userns_mode), F(uts),
             F(volumes), F(volumes_from), F(working_dir));
BERTH_FIELDS(IpamPool, F(subnet), F(ip_range), F(gateway), F(aux_addresses));
BERTH_FIELDS(Ipam, F(driver), F(config), F(options));
BERTH_FIELDS(Network, F(name), F(driver), F(driver_opts), F(ipam), F(external), F(internal),
             F(attachable), F(enable_ipv4), F(enable_ipv6), F(labels));
BERTH_FIELDS(Volume, F(name), F(driver), F(driver_opts), F(external), F(labels));
BERTH_FIELDS(FileObject, F(name), F(file), F(environment), F(content), F(external), F(labels),
             F(driver), F(driver_opts), F(template_driver));
BERTH_FIELDS(Model, F(name), F(model), F(context_size), F(runtime_flags));

#undef F
#undef BERTH_FIELDS

}  // namespace berth::compose::codec

namespace berth::compose {

namespace {
template <class T>
void decode_section(const Node& root, const char* key, std::map<std::string, T>& out) {
  if (const Node* n = root.find(key)) codec::decode(*n, key, out);
}
template <class T>
void encode_section(Node& root, const char* key, const std::map<std::string, T>& section) {
  if (!section.empty()) root.set(key, codec::encode(section));
}
}  // namespace

Project decode_project(const Node& root) {
  Project p;
  for (const auto& e : root.entries()) {
    if (e.key == "name") {
      codec::decode(e.value, "name", p.name);
    } else if (e.key == "services") {
      codec::decode(e.value, "services", p.services);
    } else if (e.key == "networks" || e.key == "volumes" || e.key == "secrets" ||
               e.key == "configs" || e.key == "models" || e.key == "version") {
      continue;  // below; version is obsolete and only informative
    } else if (e.key.rfind("x-", 0) == 0) {
      if (!p.extensions.is_mapping()) p.extensions = Node::mapping();
      p.extensions.set(e.key, e.value, e.key_mark);
    } else {
      codec::unknown_key(e, "", {"name", "services", "networks", "volumes", "secrets", "configs",
                                 "models", "include", "version"});
    }
  }
  decode_section(root, "networks", p.networks);
  decode_section(root, "volumes", p.volumes);
  decode_section(root, "secrets", p.secrets);
  decode_section(root, "configs", p.configs);
  decode_section(root, "models", p.models);
  for (auto& [name, service] : p.services) service.name = name;
  // One pass over the services' keys for their marks (a lookup per service is quadratic).
  if (const Node* services = root.find("services"); services && services->is_mapping())
    for (const auto& e : services->entries())
      if (auto it = p.services.find(e.key); it != p.services.end()) it->second.mark = e.key_mark;
  return p;
}

Node encode_service(const Service& service) { return codec::encode(service); }

Node encode_project(const Project& p) {
  Node root = Node::mapping();
  if (!p.name.empty()) root.set("name", Node::scalar(p.name));
  root.set("services", codec::encode(p.services));
  encode_section(root, "networks", p.networks);
  encode_section(root, "volumes", p.volumes);
  encode_section(root, "secrets", p.secrets);
  encode_section(root, "configs", p.configs);
  encode_section(root, "models", p.models);
  if (p.extensions.is_mapping())
    for (const auto& e : p.extensions.entries()) root.entries().push_back(e);
  return root;
}

}  // namespace berth::compose
