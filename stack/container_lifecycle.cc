#include "stack/container_lifecycle.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "compose/volumes_from.h"
#include "network/attach.h"
#include "network/netlink/netns.h"
#include "runtime/container/container.h"
#include "runtime/container/record.h"
#include "runtime/image/store.h"
#include "runtime/rootfs.h"
#include "stack/container_spec.h"
#include "stack/labels.h"
#include "stack/observe.h"
#include "stack/resources.h"
#include "util/log.h"
#include "util/paths.h"
#include "volumes/file_objects.h"
#include "volumes/mount_planner.h"

namespace berth::stack {

namespace {

namespace stdfs = std::filesystem;

stdfs::path overlay_dir(const std::string& id) { return paths::state_root() / "stack" / "overlay" / id; }

std::string image_reference(const compose::Project& p, const compose::Service& s) {
  return s.image.empty() ? p.name + "-" + s.name : s.image;
}

// Service networks by priority (highest first), then name: eth0, eth1, ... in that order.
std::vector<std::string> ordered_networks(const compose::Service& s) {
  std::vector<std::pair<int64_t, std::string>> keyed;
  for (const auto& [key, opts] : s.networks) keyed.push_back({opts && opts->priority ? -*opts->priority : 0, key});
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::string> out;
  for (auto& [_, key] : keyed) out.push_back(key);
  return out;
}

std::vector<network::PortSpec> port_specs(const compose::Service& s) {
  std::vector<network::PortSpec> out;
  for (const auto& p : s.ports) {
    network::PortSpec spec;
    spec.host_ip = p.host_ip;
    spec.protocol = p.protocol.empty() ? "tcp" : p.protocol;
    spec.container_start = static_cast<uint16_t>(p.target);
    if (!p.published.empty()) {
      size_t dash = p.published.find('-');
      spec.host_start = static_cast<uint16_t>(std::stoi(p.published.substr(0, dash)));
      if (dash != std::string::npos) spec.host_end = static_cast<uint16_t>(std::stoi(p.published.substr(dash + 1)));
    }
    out.push_back(spec);
  }
  return out;
}

// The container of another service (network_mode: service:X) or named one (container:NAME).
std::string netns_of_container(const std::string& project, const std::string& mode) {
  bool by_service = mode.rfind("service:", 0) == 0;
  std::string target = mode.substr(mode.find(':') + 1);
  for (const auto& record : runtime::list_records()) {
    auto label = [&](const char* k) {
      auto it = record.labels.find(k);
      return it == record.labels.end() ? std::string() : it->second;
    };
    bool match = by_service ? label(labels::kProject) == project && label(labels::kService) == target
                            : record.name == target || record.id == target;
    if (!match) continue;
    auto res = load_resources(record.id);
    if (res && !res->netns.empty()) return res->netns;
  }
  throw Error("network_mode " + mode + ": no such container with a network of its own",
              by_service ? "start the service " + target + " first (it is a dependency)"
                         : "check the container name with `berth ps`");
}

ContainerNetworking setup_networking(const ContainerRequest& req, ContainerResources& res,
                                     const std::string& id) {
  const compose::Service& s = *req.service;
  ContainerNetworking net;
  const std::string& mode = s.network_mode;
  if (mode == "host") {
    net.network.mode = runtime::NetworkSpec::Mode::host;
    return net;
  }
  if (mode == "none") return net;  // loopback only
  if (mode.rfind("service:", 0) == 0 || mode.rfind("container:", 0) == 0) {
    net.network.mode = runtime::NetworkSpec::Mode::join;
    net.network.netns_path = netns_of_container(req.project->name, mode);
    return net;
  }
  network::netlink::Netns ns = network::netlink::Netns::create("berth-" + id.substr(0, 12));
  res.netns = ns.path().string();
  save_resources(res);
  ns.release();  // owned by the resources record from here on
  net.network.mode = runtime::NetworkSpec::Mode::join;
  net.network.netns_path = res.netns;
  std::vector<std::string> keys = ordered_networks(s);
  for (size_t i = 0; i < keys.size(); ++i) {
    const auto& opts = s.networks.at(keys[i]);
    network::AttachSpec a;
    a.container = id;
    a.netns = res.netns;
    a.network = network_full_name(*req.project, keys[i]);
    a.ifname = "eth" + std::to_string(i);
    a.default_route = i == 0;
    if (opts) {
      a.ipv4 = opts->ipv4_address;
      a.ipv6 = opts->ipv6_address;
      a.mac = opts->mac_address;
      a.names = opts->aliases;
    }
    if (i == 0 && a.mac.empty()) a.mac = s.mac_address;
    a.names.push_back(s.name);
    a.names.push_back(req.name);
    if (!req.one_off && !s.hostname.empty()) a.names.push_back(s.hostname);
    // A one-off publishes what `berth run` left in its copy of the service (--service-ports, -p).
    if (i == 0) a.ports = port_specs(s);
    res.networks.push_back(a.network);
    save_resources(res);
    network::AttachResult r = network::attach(a);
    if (r.ipv4) net.addresses.push_back(r.ipv4->str());
    if (i == 0 && r.gateway4) net.nameservers.push_back(r.gateway4->str());
  }
  return net;
}

volumes::MountRequest mount_request(const ContainerRequest& req, const std::string& id,
                                    const std::string& rootfs) {
  const compose::Project& p = *req.project;
  volumes::MountRequest m;
  m.project = p.name;
  m.container = id;
  m.owner = req.name;
  m.project_dir = p.working_dir;
  m.image_root = rootfs;
  for (size_t i = 0; i < req.service->volumes.size(); ++i) {
    const compose::ServiceVolume& v = req.service->volumes[i];
    volumes::MountSpec spec;
    spec.kind = v.type == "bind" ? volumes::MountKind::bind
                : v.type == "tmpfs" ? volumes::MountKind::tmpfs
                                    : volumes::MountKind::volume;
    if (v.type != "bind" && v.type != "volume" && v.type != "tmpfs")
      throw Error("volume type " + v.type + " is not supported by berth yet", "use bind, volume or tmpfs",
                  {}, "services." + req.service->name + ".volumes[" + std::to_string(i) + "]");
    spec.source = v.source;
    spec.target = v.target;
    spec.read_only = v.read_only;
    if (v.bind) {
      spec.create_host_path = v.bind->create_host_path.value_or(false);
      spec.propagation = v.bind->propagation;
    }
    if (v.volume) {
      spec.nocopy = v.volume->nocopy;
      spec.subpath = v.volume->subpath;
    }
    if (v.tmpfs) {
      if (v.tmpfs->size) spec.tmpfs_size = static_cast<uint64_t>(v.tmpfs->size->bytes);
      if (v.tmpfs->mode) spec.tmpfs_mode = v.tmpfs->mode->bits;
    }
    spec.where = "services." + req.service->name + ".volumes[" + std::to_string(i) + "]";
    m.mounts.push_back(spec);
  }
  for (const auto& [key, vol] : p.volumes) {
    volumes::VolumeDefinition d;
    d.name = vol.name.empty() ? p.name + "_" + key : vol.name;
    d.external = vol.external;
    d.driver = vol.driver;
    d.driver_opts = {vol.driver_opts.begin(), vol.driver_opts.end()};
    d.labels = {vol.labels.begin(), vol.labels.end()};
    d.labels["com.docker.compose.project"] = p.name;
    d.labels["com.docker.compose.volume"] = key;
    m.volumes[key] = d;
  }
  return m;
}

Error volumes_from_error(const compose::Service& s, const std::string& what, const std::string& hint) {
  return Error(what, hint, s.mark.location(), "services." + s.name + ".volumes_from");
}

compose::VolumesFromRef parse_volumes_from_entry(const compose::Service& s, const std::string& entry) {
  auto ref = compose::parse_volumes_from(entry);
  if (!ref)
    throw volumes_from_error(s, "malformed volumes_from entry '" + entry + "'",
                             "write SERVICE, service:SERVICE or container:NAME, optionally followed by :ro or :rw");
  return *ref;
}

// The container a volumes_from entry names: the first container of a service of this project
// (one-offs aside), or a container by name or id. nullopt when there is none.
std::optional<runtime::ContainerRecord> volumes_from_source(const std::string& project,
                                                             const compose::VolumesFromRef& ref) {
  std::optional<runtime::ContainerRecord> best;
  int best_number = 0;
  for (auto& record : runtime::list_records()) {
    if (ref.kind == compose::VolumesFromRef::Kind::container) {
      if (record.name == ref.name || record.id == ref.name) return record;
      continue;
    }
    if (label_of(record, labels::kProject) != project || label_of(record, labels::kService) != ref.name ||
        label_of(record, labels::kOneOff) == "True")
      continue;
    int number = std::atoi(label_of(record, labels::kNumber).c_str());
    if (!best || number < best_number) {
      best = std::move(record);
      best_number = number;
    }
  }
  return best;
}

// Why a volumes_from entry finds no container.
std::string nothing_found(const compose::VolumesFromRef& ref) {
  return ref.kind == compose::VolumesFromRef::Kind::service ? "service " + ref.name + " has no container"
                                                           : "there is no container named " + ref.name;
}

// The other containers' mounts, as recorded when they were made.
std::vector<volumes::VolumesFrom> volumes_from_request(const ContainerRequest& req) {
  const compose::Service& s = *req.service;
  std::vector<volumes::VolumesFrom> out;
  for (const auto& entry : s.volumes_from) {
    compose::VolumesFromRef ref = parse_volumes_from_entry(s, entry);
    auto record = volumes_from_source(req.project->name, ref);
    if (!record)
      throw volumes_from_error(
          s, "volumes_from " + entry + ": " + nothing_found(ref),
          ref.kind == compose::VolumesFromRef::Kind::service
              ? "start the service " + ref.name + " first (berth up starts it unless --no-deps is given)"
              : "check the container name with `berth ps -a`");
    auto resources = load_resources(record->id);
    if (!resources)
      throw volumes_from_error(s, "volumes_from " + entry + ": container " + record->name +
                                      " was not made by this berth, its mounts are unknown",
                               "recreate it with berth, or share a named volume instead");
    volumes::VolumesFrom from;
    from.from = entry;
    from.mounts = resources->mounts;
    from.volumes = resources->volumes;
    from.read_only = ref.read_only;
    out.push_back(std::move(from));
  }
  return out;
}

// The mounts another container may take over: tmpfs mounts are the container's own (a copy would
// be another, empty tmpfs), configs and secrets are not volumes.
std::vector<runtime::Mount> shareable_mounts(const std::vector<runtime::Mount>& mounts) {
  std::vector<runtime::Mount> out;
  for (const auto& m : mounts)
    if (m.type == "bind") out.push_back(m);
  return out;
}

volumes::FileObjectRequest file_object_request(const ContainerRequest& req, const std::string& id) {
  const compose::Project& p = *req.project;
  volumes::FileObjectRequest r;
  r.container = id;
  r.project_dir = p.working_dir;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq != std::string::npos) r.environment[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  auto add = [&](const std::vector<compose::FileReference>& refs, const std::map<std::string, compose::FileObject>& defs,
                 volumes::FileObjectKind kind, const char* attribute) {
    for (size_t i = 0; i < refs.size(); ++i) {
      const auto& ref = refs[i];
      const compose::FileObject& def = defs.at(ref.source);
      volumes::FileObjectSpec spec;
      spec.kind = kind;
      spec.name = ref.source;
      if (!def.file.empty()) spec.file = def.file;
      if (!def.environment.empty()) spec.environment = def.environment;
      if (def.content) spec.content = def.content;
      spec.external = def.external;
      spec.target = ref.target;
      if (!ref.uid.empty()) spec.uid = static_cast<unsigned>(std::stoul(ref.uid));
      if (!ref.gid.empty()) spec.gid = static_cast<unsigned>(std::stoul(ref.gid));
      if (ref.mode) spec.mode = ref.mode->bits;
      spec.where = "services." + req.service->name + "." + attribute + "[" + std::to_string(i) + "]";
      r.objects.push_back(spec);
    }
  };
  add(req.service->configs, p.configs, volumes::FileObjectKind::config, "configs");
  add(req.service->secrets, p.secrets, volumes::FileObjectKind::secret, "secrets");
  return r;
}

void teardown(const ContainerResources& res, bool remove_anonymous) {
  // Each step on its own: one failure must not keep the others from cleaning up.
  auto step = [&](const char* what, auto fn) {
    try {
      fn();
    } catch (const std::exception& e) {
      log::warn("removing " + res.name + ": " + what + ": " + e.what());
    }
  };
  for (const auto& net : res.networks) step("network", [&] { network::detach(res.id, net, false); });
  if (!res.netns.empty()) step("namespace", [&] { network::netlink::Netns::remove(res.netns); });
  if (!res.volumes.empty()) {
    step("volumes", [&] {
      volumes::VolumeStore store;
      volumes::release_mounts(store, res.id, res.name, res.volumes, remove_anonymous);
    });
  }
  if (res.file_objects) step("secrets", [&] { volumes::remove_file_objects(res.id); });
  if (!res.rootfs.empty()) step("root filesystem", [&] { runtime::unmount_rootfs(res.rootfs); });
  step("overlay", [&] {
    std::error_code ec;
    stdfs::remove_all(overlay_dir(res.id), ec);
  });
  step("image pin", [&] { image::Store().unpin(res.id); });
  forget_resources(res.id);
}

// After a failed create: the anonymous volumes made for it, not those it took over.
void remove_new_anonymous_volumes(const ContainerResources& res, const std::set<std::string>& inherited) {
  for (const auto& name : res.anonymous_volumes) {
    if (inherited.count(name)) continue;
    try {
      volumes::VolumeStore().remove(name, true);
    } catch (const std::exception& e) {
      log::warn("removing " + res.name + ": anonymous volume " + name + ": " + e.what());
    }
  }
}

// An error of volumes/ that names the attribute ("services.web.volumes[0]") but not the file:
// given the service's place in the blueprint.
template <class Fn>
void at_service(const compose::Service& service, Fn check) {
  try {
    check();
  } catch (const Error& e) {
    if (e.where().known()) throw;
    throw Error(e.message(), e.hint(), service.mark.location(), e.path());
  }
}

}  // namespace

std::string network_full_name(const compose::Project& project, const std::string& key) {
  auto it = project.networks.find(key);
  if (it != project.networks.end() && !it->second.name.empty()) return it->second.name;
  return project.name + "_" + key;
}

void check_container_inputs(const compose::Project& project, const compose::Service& service,
                            const KnownContainers& known) {
  ContainerRequest req{&project, &service, 1, false, "check"};
  at_service(service, [&] { volumes::check_mounts(mount_request(req, "check", "")); });
  for (const auto& entry : service.volumes_from) {
    compose::VolumesFromRef ref = parse_volumes_from_entry(service, entry);
    bool found = ref.kind == compose::VolumesFromRef::Kind::service
                     ? known.services.count(ref.name) > 0
                     : known.names.count(ref.name) > 0 || volumes_from_source(project.name, ref).has_value();
    if (!found)
      throw volumes_from_error(service, "volumes_from " + entry + ": " + nothing_found(ref),
                               ref.kind == compose::VolumesFromRef::Kind::service
                                   ? "start the service " + ref.name + " too (leave out --no-deps)"
                                   : "check the container name with `berth ps -a`");
  }
  at_service(service, [&] { volumes::check_file_objects(file_object_request(req, "check")); });
}

KnownContainers known_containers(const compose::Plan& plan, const compose::Observed& observed) {
  KnownContainers out;
  for (const auto& c : observed.containers) {
    if (!c.one_off) out.services.insert(c.service);
    out.names.insert(c.name);
  }
  for (const auto& a : plan.actions) {
    if (a.kind != compose::ActionKind::create_container) continue;
    out.services.insert(a.service);
    out.names.insert(a.target);
  }
  return out;
}

void check_plan_inputs(const compose::Project& project, const compose::Plan& plan,
                       const compose::Observed& observed) {
  KnownContainers known = known_containers(plan, observed);
  std::set<std::string> created;
  for (const auto& a : plan.actions)
    if (a.kind == compose::ActionKind::create_container) created.insert(a.service);
  for (const auto& name : created) check_container_inputs(project, project.services.at(name), known);
}

std::string create_service_container(const ContainerRequest& req) {
  const compose::Service& s = *req.service;
  image::Store store;
  std::string ref = image_reference(*req.project, s);
  image::Image img = store.find(ref);

  // The anonymous volumes of the container this one replaces: a failure must not take them.
  std::set<std::string> inherited_anonymous;
  ContainerResources res;
  res.id = runtime::new_container_id();
  res.name = req.name;
  res.project = req.project->name;
  save_resources(res);
  try {
    store.pin(res.id, img.manifest_digest);  // `image rm` keeps the layers under this container
    stdfs::path dir = overlay_dir(res.id);
    stdfs::create_directories(dir);
    runtime::OverlayRootfs rootfs(img.layer_dirs, dir, dir / "merged");
    res.rootfs = rootfs.target().string();
    save_resources(res);
    rootfs.release();

    ContainerNetworking net = setup_networking(req, res, res.id);
    std::vector<runtime::Mount> mounts;
    if (!req.service->volumes.empty()) {
      for (const auto& [target, name] : volumes::VolumeStore().anonymous_volumes_of(req.name))
        inherited_anonymous.insert(name);
    }
    volumes::MountRequest mreq = mount_request(req, res.id, res.rootfs);
    mreq.volumes_from = volumes_from_request(req);
    if (!mreq.mounts.empty() || !mreq.volumes_from.empty()) {
      volumes::VolumeStore vstore;
      volumes::PreparedMounts prepared = volumes::prepare_mounts(vstore, mreq);
      res.volumes = prepared.volumes;
      res.anonymous_volumes = prepared.anonymous_volumes;
      res.mounts = shareable_mounts(prepared.mounts);
      save_resources(res);
      for (auto& h : prepared.driver_mounts) h.release();
      mounts = std::move(prepared.mounts);
    }
    volumes::FileObjectRequest freq = file_object_request(req, res.id);
    if (!freq.objects.empty()) {
      res.file_objects = true;
      save_resources(res);
      for (auto& m : volumes::materialise_file_objects(freq)) mounts.push_back(std::move(m));
    }
    ContainerIdentity who{res.id, req.name, req.number, req.one_off};
    runtime::ContainerSpec spec =
        container_spec(*req.project, s, who, img.config, img.config_digest, res.rootfs, net, std::move(mounts));
    for (const auto& w : runtime::create_container(spec)) log::warn(req.name + ": " + w);
  } catch (...) {
    teardown(res, false);
    remove_new_anonymous_volumes(res, inherited_anonymous);
    throw;
  }
  return res.id;
}

void remove_service_container(const std::string& id, bool remove_anonymous_volumes) {
  if (runtime::read_record(id)) runtime::remove_container(id, true);
  if (auto res = load_resources(id)) teardown(*res, remove_anonymous_volumes);
}

}  // namespace berth::stack
