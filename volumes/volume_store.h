// Named volumes of the local driver: <state_root>/volumes/<name>/{volume.json,_data}.
// Every change happens under one lock (volumes/.lock) and every record is written atomically.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "volumes/mount_handle.h"
#include "volumes/volume_record.h"

namespace berth::volumes {

// What `berth volume create` or a blueprint's top-level `volumes:` entry asks for.
struct VolumeCreate {
  std::string name;
  std::string driver = "local";
  std::map<std::string, std::string> driver_opts;
  std::map<std::string, std::string> labels;
};

// Where an image has content for a volume's copy-up: the image's root file system on the host
// (a layer directory or a mounted rootfs) and the path inside the container the volume covers.
struct ImageContent {
  std::filesystem::path image_root;
  std::string container_path;
};

class VolumeStore {
 public:
  // Defaults to <state_root>/volumes.
  VolumeStore();
  explicit VolumeStore(std::filesystem::path root);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path data_dir(const std::string& name) const;

  // Creates a volume; an error when one of that name exists (with the hint to use it as is).
  VolumeRecord create(const VolumeCreate& spec);
  // The volume of that name, created from `spec` when it does not exist yet. `created` (if given)
  // tells which happened.
  VolumeRecord ensure(const VolumeCreate& spec, bool* created = nullptr);
  // An `external: true` volume: it must exist already; berth never creates it.
  VolumeRecord require_external(const std::string& name) const;

  std::optional<VolumeRecord> find(const std::string& name) const;
  VolumeRecord inspect(const std::string& name) const;  // an error when it does not exist
  std::vector<VolumeRecord> list() const;               // by name

  // Removes a volume and its data. A volume in use (or whose data is mounted) is refused unless
  // `force`, which only overrides the use count: a mounted volume is never removed.
  void remove(const std::string& name, bool force = false);
  // `down -v`: removes the volumes berth created for `project` (by their project label; external
  // volumes never get it). Returns the names removed; volumes still in use are an error.
  std::vector<std::string> remove_project_volumes(const std::string& project);
  // Removes unused volumes: anonymous ones, or all when `all`. Returns the names removed.
  std::vector<std::string> prune(bool all = false);

  // Counts a container as a user of the volume (rm and prune spare used volumes).
  void add_user(const std::string& name, const std::string& container);
  void remove_user(const std::string& name, const std::string& container);
  // The anonymous volumes made for `container`, by the target they are mounted at.
  std::map<std::string, std::string> anonymous_volumes_of(const std::string& container) const;

  // Makes the volume ready for a container: mounts its driver_opts (if any, and not mounted yet)
  // and, when its data is empty and `copy_up` is given, fills it with the image's content at that
  // path. The handle unmounts the driver mount when dropped; release() it to keep it.
  MountHandle activate(const std::string& name, const std::optional<ImageContent>& copy_up);
  // Undoes a driver mount that was kept (MountHandle::release) once no container uses the volume
  // any more. Returns true when it unmounted something.
  bool deactivate_if_unused(const std::string& name);

 private:
  std::filesystem::path record_path(const std::string& name) const;
  std::filesystem::path lock_path() const;
  VolumeRecord create_locked(const VolumeCreate& spec);
  void remove_locked(const VolumeRecord& record);
  void write_record(const VolumeRecord& record) const;

  std::filesystem::path root_;
};

}  // namespace berth::volumes
