#include "volumes/mount_planner.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "util/error.h"
#include "util/log.h"
#include "volumes/host_path.h"
#include "volumes/rollback.h"
#include "volumes/safe_path.h"

namespace berth::volumes {

namespace {

const std::set<std::string>& propagation_modes() {
  static const std::set<std::string> modes = {"rprivate", "private", "rshared",
                                              "shared",   "rslave",  "slave"};
  return modes;
}

std::string describe(const MountSpec& spec) {
  switch (spec.kind) {
    case MountKind::bind: return "bind mount " + spec.source + ":" + spec.target;
    case MountKind::volume:
      return spec.source.empty() ? "anonymous volume at " + spec.target
                                 : "volume " + spec.source + ":" + spec.target;
    case MountKind::tmpfs: return "tmpfs at " + spec.target;
  }
  return spec.target;
}

// "/a/./b/../c/" -> "/a/c": the form mounts are compared and handed to the runtime in.
std::string clean_target(const std::string& target) {
  std::string out = std::filesystem::path(target).lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

void check_target(const MountSpec& spec) {
  if (spec.target.empty() || spec.target[0] != '/')
    throw Error(describe(spec) + ": the target '" + spec.target +
                    "' is not an absolute path in the container",
                "write the container path in full, starting with '/'", {}, spec.where);
  if (clean_target(spec.target) == "/")
    throw Error(describe(spec) + ": cannot mount over the container's root '/'",
                "mount at a directory below '/'", {}, spec.where);
}

void check_one(const MountRequest& request, const MountSpec& spec) {
  check_target(spec);
  if (spec.kind != MountKind::tmpfs && (spec.tmpfs_size || spec.tmpfs_mode))
    throw Error(describe(spec) + ": tmpfs options on a mount that is not a tmpfs", {}, {},
                spec.where);
  if (spec.kind != MountKind::bind &&
      (!spec.propagation.empty() || spec.create_host_path || !spec.recursive.empty()))
    throw Error(describe(spec) + ": bind options on a mount that is not a bind", {}, {}, spec.where);
  if (spec.kind != MountKind::volume && (!spec.subpath.empty() || spec.nocopy))
    throw Error(describe(spec) + ": volume options on a mount that is not a volume", {}, {},
                spec.where);
  switch (spec.kind) {
    case MountKind::bind: {
      if (!spec.recursive.empty() && spec.recursive != "enabled" && spec.recursive != "disabled" &&
          spec.recursive != "writable" && spec.recursive != "readonly")
        throw Error(describe(spec) + ": unknown bind.recursive '" + spec.recursive + "'",
                    "use enabled, disabled, writable or readonly", {}, spec.where);
      if (spec.recursive == "readonly" && !spec.read_only)
        throw Error(describe(spec) + ": bind.recursive readonly needs read_only: true", {}, {},
                    spec.where);
      if (!spec.propagation.empty() && !propagation_modes().count(spec.propagation))
        throw Error(describe(spec) + ": unknown propagation '" + spec.propagation + "'",
                    "use one of rprivate, private, rshared, shared, rslave, slave", {}, spec.where);
      auto host = expand_host_path(spec.source, request.project_dir, spec.where);
      if (check_bind_source(host, spec.where) == HostPathState::missing && !spec.create_host_path)
        throw Error(describe(spec) + ": the host path " + host.string() + " does not exist",
                    "create it, or set bind.create_host_path: true", {}, spec.where);
      break;
    }
    case MountKind::volume:
      if (!spec.source.empty() && !request.volumes.count(spec.source))
        throw Error(describe(spec) + ": volume '" + spec.source + "' is not defined",
                    "declare it under the top-level 'volumes:' key", {}, spec.where);
      if (!spec.subpath.empty() && !stays_inside(spec.subpath))
        throw Error(describe(spec) + ": subpath '" + spec.subpath + "' leads out of the volume",
                    "a subpath is relative and has no '..' that climbs above the volume", {},
                    spec.where);
      break;
    case MountKind::tmpfs:
      if (spec.tmpfs_mode && *spec.tmpfs_mode > 07777)
        throw Error(describe(spec) + ": tmpfs mode " + std::to_string(*spec.tmpfs_mode) +
                        " is not a file mode",
                    "give an octal mode such as 1777 or 0755", {}, spec.where);
      break;
  }
}

std::string generated_volume_name() {
  unsigned char bytes[32];
  if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes))
    throw Error("cannot name an anonymous volume: no random bytes");
  std::string name;
  char hex[3];
  for (unsigned char b : bytes) {
    std::snprintf(hex, sizeof hex, "%02x", b);
    name += hex;
  }
  return name;
}

std::string octal(unsigned mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode);
  return buf;
}

class Planner {
 public:
  Planner(VolumeStore& store, const MountRequest& request) : store_(store), request_(request) {}

  PreparedMounts run() {
    for (const MountSpec& spec : request_.mounts) {
      switch (spec.kind) {
        case MountKind::bind: out_.mounts.push_back(bind(spec)); break;
        case MountKind::volume: out_.mounts.push_back(volume(spec)); break;
        case MountKind::tmpfs: out_.mounts.push_back(tmpfs(spec)); break;
      }
    }
    add_volumes_from();
    for (const auto& name : out_.volumes) {
      store_.add_user(name, request_.container);
      rollback_.add([this, name] { store_.remove_user(name, request_.container); });
    }
    rollback_.commit();
    return std::move(out_);
  }

 private:
  runtime::Mount bind(const MountSpec& spec) {
    auto host = expand_host_path(spec.source, request_.project_dir, spec.where);
    if (check_bind_source(host, spec.where) == HostPathState::missing) {
      auto created = create_directories_tracked(host);
      rollback_.add([created] {
        for (auto it = created.rbegin(); it != created.rend(); ++it) ::rmdir(it->c_str());
      });
    }
    std::vector<std::string> options = {spec.recursive == "disabled" ? "bind" : "rbind",
                                        spec.read_only ? "ro" : "rw",
                                        spec.propagation.empty() ? "rprivate" : spec.propagation};
    if (spec.recursive == "readonly") options.push_back("rro");  // runc: read-only all the way down
    return {clean_target(spec.target), "bind", std::filesystem::canonical(host).string(), options};
  }

  runtime::Mount volume(const MountSpec& spec) {
    try {
      return volume_mount(spec);
    } catch (const Error& e) {
      if (!e.path().empty()) throw;
      throw Error(describe(spec) + ": " + e.message(), e.hint(), {}, spec.where);
    }
  }

  runtime::Mount volume_mount(const MountSpec& spec) {
    std::string name = spec.source.empty() ? anonymous_volume(spec) : named_volume(spec);
    out_.volumes.push_back(name);
    // With a subpath the volume's root is not what appears at the target: nothing to copy into.
    std::optional<ImageContent> copy_up;
    if (request_.image_root && !spec.nocopy && spec.subpath.empty())
      copy_up = ImageContent{*request_.image_root, clean_target(spec.target)};
    MountHandle handle = store_.activate(name, copy_up);
    std::string source = store_.data_dir(name).string();
    if (!spec.subpath.empty()) {
      UniqueFd root = open_root(source);
      UniqueFd sub = open_in_root(root.get(), spec.subpath, O_PATH,
                                  "subpath " + spec.subpath + " of volume " + name);
      source = fd_path(sub.get()).string();
    }
    if (handle.owns()) out_.driver_mounts.push_back(std::move(handle));
    return {clean_target(spec.target), "bind", source,
            {"rbind", spec.read_only ? "ro" : "rw", "rprivate"}};
  }

  std::string named_volume(const MountSpec& spec) {
    const VolumeDefinition& def = request_.volumes.at(spec.source);
    if (def.external) return store_.require_external(def.name).name;
    VolumeCreate create{def.name, def.driver.empty() ? "local" : def.driver, def.driver_opts,
                        def.labels};
    create.labels[kProjectLabel] = request_.project;
    create.labels[kVolumeLabel] = spec.source;
    bool created = false;
    VolumeRecord record = store_.ensure(create, &created);
    if (created) {
      rollback_.add([this, name = def.name] { store_.remove(name, true); });
    } else {
      warn_if_foreign(record, create);
    }
    return def.name;
  }

  // An existing volume is used as it is, as compose does; say so when it is not what the blueprint
  // describes.
  void warn_if_foreign(const VolumeRecord& record, const VolumeCreate& wanted) {
    auto project = record.labels.find(kProjectLabel);
    if (project == record.labels.end() || project->second != request_.project)
      log::warn("volume \"" + record.name + "\" already exists but was not created for project \"" +
                request_.project + "\"; set external: true to use an existing volume");
    else if (record.driver_opts != wanted.driver_opts)
      log::warn("volume \"" + record.name +
                "\" exists with other driver_opts than the blueprint's; remove it to recreate it");
  }

  // A recreated container finds the anonymous volume of its previous self at the same target.
  std::string anonymous_volume(const MountSpec& spec) {
    if (anonymous_.empty()) anonymous_ = store_.anonymous_volumes_of(request_.anonymous_owner());
    auto it = anonymous_.find(clean_target(spec.target));
    std::string name = it != anonymous_.end() ? it->second : generated_volume_name();
    if (it == anonymous_.end()) {
      VolumeCreate create{name, "local", {}, {}};
      create.labels[kAnonymousLabel] = "";
      create.labels[kContainerLabel] = request_.anonymous_owner();
      create.labels[kTargetLabel] = clean_target(spec.target);
      if (!request_.project.empty()) create.labels[kProjectLabel] = request_.project;
      store_.create(create);
      rollback_.add([this, name] { store_.remove(name, true); });
    }
    out_.anonymous_volumes.push_back(name);
    return name;
  }

  runtime::Mount tmpfs(const MountSpec& spec) {
    std::vector<std::string> options = {"nosuid", "nodev"};
    if (spec.read_only) options.push_back("ro");
    if (spec.tmpfs_size) options.push_back("size=" + std::to_string(*spec.tmpfs_size));
    if (spec.tmpfs_mode) options.push_back("mode=" + octal(*spec.tmpfs_mode));
    return {clean_target(spec.target), "tmpfs", "tmpfs", options};
  }

  // The other container's mounts, except where this container mounts something itself (or an
  // earlier volumes_from entry did).
  void add_volumes_from() {
    for (const VolumesFrom& from : request_.volumes_from) {
      for (runtime::Mount mount : from.mounts) {
        bool taken = std::any_of(out_.mounts.begin(), out_.mounts.end(), [&](const auto& m) {
          return m.destination == mount.destination;
        });
        if (taken) continue;
        if (from.read_only) {
          std::erase_if(mount.options, [](const std::string& o) { return o == "ro" || o == "rw"; });
          mount.options.push_back(*from.read_only ? "ro" : "rw");
        }
        out_.mounts.push_back(std::move(mount));
      }
      for (const auto& name : from.volumes)
        if (std::find(out_.volumes.begin(), out_.volumes.end(), name) == out_.volumes.end())
          out_.volumes.push_back(name);
    }
  }

  VolumeStore& store_;
  const MountRequest& request_;
  // Declared before out_: on failure the driver mounts in out_ go first, then the volumes.
  Rollback rollback_;
  std::map<std::string, std::string> anonymous_;
  PreparedMounts out_;
};

}  // namespace

void check_mounts(const MountRequest& request) {
  std::set<std::string> targets;
  for (const MountSpec& spec : request.mounts) {
    check_one(request, spec);
    if (!targets.insert(clean_target(spec.target)).second)
      throw Error(describe(spec) + ": " + spec.target + " is mounted twice",
                  "give each mount its own target", {}, spec.where);
  }
}

PreparedMounts prepare_mounts(VolumeStore& store, const MountRequest& request) {
  check_mounts(request);
  return Planner(store, request).run();
}

void release_mounts(VolumeStore& store, const std::string& container, const std::string& owner,
                    const std::vector<std::string>& volumes, bool remove_anonymous) {
  for (const auto& name : volumes) {
    store.remove_user(name, container);
    store.deactivate_if_unused(name);
  }
  if (!remove_anonymous) return;
  for (const auto& [target, name] : store.anonymous_volumes_of(owner)) store.remove(name);
}

}  // namespace berth::volumes
