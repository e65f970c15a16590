// Plain descriptions of a container's mounts, as a blueprint gives them (no compose types):
// what the mount planner turns into OCI mounts.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/mount.h"

namespace berth::volumes {

enum class MountKind { bind, volume, tmpfs };

// One entry of a service's `volumes:` (short or long syntax) or `tmpfs:`.
struct MountSpec {
  MountKind kind = MountKind::volume;
  // bind: the host path as written; volume: the key in the top-level `volumes:`, or empty for an
  // anonymous volume; tmpfs: unused.
  std::string source;
  std::string target;  // absolute path in the container
  bool read_only = false;

  // bind
  bool create_host_path = false;  // the short syntax implies true; the long syntax defaults false
  std::string propagation;        // rprivate (default), private, rshared, shared, rslave, slave
  // bind.recursive: enabled (default) and writable bind submounts too, read-only only at the top;
  // disabled binds only the top mount; readonly (with read_only) makes every submount read-only.
  std::string recursive;

  // volume
  bool nocopy = false;   // no copy-up from the image
  std::string subpath;   // a path inside the volume to mount instead of its root

  // tmpfs
  std::optional<std::uint64_t> tmpfs_size;  // bytes
  std::optional<unsigned> tmpfs_mode;       // e.g. 01777

  std::string where;  // the blueprint path, for errors ("services.web.volumes[0]")
};

// A top-level `volumes:` entry, by its key.
struct VolumeDefinition {
  std::string name;  // the real volume name: <project>_<key>, or `name:`
  bool external = false;
  std::string driver;
  std::map<std::string, std::string> driver_opts;
  std::map<std::string, std::string> labels;
};

// `volumes_from: [service:NAME | container:NAME][:ro|:rw]`, with the other container's mounts
// already looked up by the caller.
struct VolumesFrom {
  std::string from;  // the name as written, for messages
  std::vector<runtime::Mount> mounts;
  // The volumes the other container uses: this container counts as their user too, so that they
  // are not removed (or their driver mount undone) while it still mounts them.
  std::vector<std::string> volumes;
  // nullopt: each mount keeps its mode; true (`:ro`) or false (`:rw`) sets every mount's.
  std::optional<bool> read_only;
};

// Everything the planner needs for one container.
struct MountRequest {
  std::string project;                 // labels of the volumes berth creates
  std::string container;               // the container's id: it is counted as a user of volumes
  // The container's name, which stays the same when it is recreated: its anonymous volumes are
  // labelled with it, so the new container finds its predecessor's. Empty: `container`.
  std::string owner;
  std::filesystem::path project_dir;   // relative bind sources are taken against it
  std::vector<MountSpec> mounts;
  std::map<std::string, VolumeDefinition> volumes;  // top-level volumes, by key
  std::vector<VolumesFrom> volumes_from;
  // The image's root file system on the host, for copy-up into empty volumes; none: no copy-up.
  std::optional<std::filesystem::path> image_root;

  const std::string& anonymous_owner() const { return owner.empty() ? container : owner; }
};

}  // namespace berth::volumes
