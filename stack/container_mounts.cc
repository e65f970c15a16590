#include "stack/container_mounts.h"

#include <cstdlib>
#include <optional>

#include "compose/volumes_from.h"
#include "runtime/container/record.h"
#include "stack/labels.h"
#include "stack/observe.h"
#include "stack/resources.h"
#include "util/error.h"
#include "volumes/mount_planner.h"


namespace berth::stack {

namespace {

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
  r.environment = p.environment;  // the process's variables and the project's .env
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

}  // namespace berth::stack
