#include "stack/container_lifecycle.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "network/attach.h"
#include "network/netlink/netns.h"
#include "runtime/container/container.h"
#include "runtime/container/record.h"
#include "runtime/image/store.h"
#include "runtime/rootfs.h"
#include "stack/container_mounts.h"
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

stdfs::path overlay_dir(const std::string& id) {
  return stdfs::absolute(paths::state_root() / "stack" / "overlay" / id);
}

std::string netns_name(const std::string& id) { return "berth-" + id.substr(0, 12); }

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

// How a container is networked, decided before anything is made.
struct NetworkingPlan {
  ContainerNetworking net;                     // mode and, for a join, the namespace to join
  std::string own_netns;                       // the namespace file to make, "" when none
  std::vector<network::AttachSpec> attachments;  // onto its networks, first network first
};

NetworkingPlan plan_networking(const ContainerRequest& req, const std::string& id) {
  const compose::Service& s = *req.service;
  NetworkingPlan plan;
  const std::string& mode = s.network_mode;
  if (mode == "host") {
    plan.net.network.mode = runtime::NetworkSpec::Mode::host;
    return plan;
  }
  if (mode == "none") return plan;  // loopback only
  plan.net.network.mode = runtime::NetworkSpec::Mode::join;
  if (mode.rfind("service:", 0) == 0 || mode.rfind("container:", 0) == 0) {
    plan.net.network.netns_path = netns_of_container(req.project->name, mode);
    return plan;
  }
  plan.own_netns = network::netlink::Netns::path_for(netns_name(id)).string();
  plan.net.network.netns_path = plan.own_netns;
  std::vector<std::string> keys = ordered_networks(s);
  for (size_t i = 0; i < keys.size(); ++i) {
    const auto& opts = s.networks.at(keys[i]);
    network::AttachSpec a;
    a.container = id;
    a.netns = plan.own_netns;
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
    plan.attachments.push_back(std::move(a));
  }
  return plan;
}

// Makes the namespace and joins the networks of a plan, whose resources are on record already.
ContainerNetworking setup_networking(const NetworkingPlan& plan, const std::string& id) {
  ContainerNetworking net = plan.net;
  if (plan.own_netns.empty()) return net;
  network::netlink::Netns ns = network::netlink::Netns::create(netns_name(id));
  ns.release();  // owned by the resources record from here on
  for (const auto& a : plan.attachments) {
    network::AttachResult r = network::attach(a);
    if (r.ipv4) net.addresses.push_back(r.ipv4->str());
    if (&a == &plan.attachments.front() && r.gateway4) net.nameservers.push_back(r.gateway4->str());
  }
  return net;
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

  // The anonymous volumes of the container this one replaces: a failure must not take them.
  std::set<std::string> inherited_anonymous;
  ContainerResources res;
  res.id = runtime::new_container_id();
  res.name = req.name;
  res.project = req.project->name;
  NetworkingPlan networking = plan_networking(req, res.id);
  volumes::FileObjectRequest freq = file_object_request(req, res.id);
  // Everything the container will hold goes on record once, before any of it is taken: a berth
  // killed at any point leaves a list that the repair releases (releasing what was never taken
  // does nothing). One write, not one per resource: each is a new inode on the state disk.
  stdfs::path dir = overlay_dir(res.id);
  res.rootfs = (dir / "merged").string();
  res.netns = networking.own_netns;
  for (const auto& a : networking.attachments) res.networks.push_back(a.network);
  res.file_objects = !freq.objects.empty();
  save_resources(res);
  try {
    store.pin(res.id, img.manifest_digest);  // `image rm` keeps the layers under this container
    runtime::OverlayRootfs rootfs(img.layer_dirs, dir, dir / "merged");
    rootfs.release();

    ContainerNetworking net = setup_networking(networking, res.id);
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
    if (res.file_objects)
      for (auto& m : volumes::materialise_file_objects(freq)) mounts.push_back(std::move(m));
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
