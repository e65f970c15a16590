#include "stack/container_lifecycle.h"

#include <algorithm>
#include <filesystem>

#include "network/attach.h"
#include "network/netlink/netns.h"
#include "runtime/container/container.h"
#include "runtime/container/record.h"
#include "runtime/image/store.h"
#include "runtime/rootfs.h"
#include "stack/container_spec.h"
#include "stack/labels.h"
#include "stack/network_plan.h"
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
  if (!req.service->volumes_from.empty())
    throw Error("volumes_from is not supported by berth yet", "share a named volume between the services",
                req.service->mark.location(), "services." + req.service->name + ".volumes_from");
  return m;
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
      volumes::release_mounts(store, res.id, res.volumes, remove_anonymous);
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

}  // namespace

std::string network_full_name(const compose::Project& project, const std::string& key) {
  auto it = project.networks.find(key);
  if (it != project.networks.end() && !it->second.name.empty()) return it->second.name;
  return project.name + "_" + key;
}

std::string create_service_container(const ContainerRequest& req) {
  const compose::Service& s = *req.service;
  image::Store store;
  std::string ref = image_reference(*req.project, s);
  image::Image img = store.find(ref);

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
    volumes::MountRequest mreq = mount_request(req, res.id, res.rootfs);
    if (!mreq.mounts.empty()) {
      volumes::VolumeStore vstore;
      volumes::PreparedMounts prepared = volumes::prepare_mounts(vstore, mreq);
      res.volumes = prepared.volumes;
      res.anonymous_volumes = prepared.anonymous_volumes;
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
    teardown(res, true);
    throw;
  }
  return res.id;
}

void remove_service_container(const std::string& id, bool remove_anonymous_volumes) {
  if (runtime::read_record(id)) runtime::remove_container(id, true);
  if (auto res = load_resources(id)) teardown(*res, remove_anonymous_volumes);
}

}  // namespace berth::stack
