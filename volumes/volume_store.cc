#include "volumes/volume_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "util/error.h"
#include "util/file_lock.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/paths.h"
#include "volumes/driver_mount.h"
#include "volumes/names.h"
#include "volumes/safe_path.h"
#include "volumes/tree_copy.h"

namespace berth::volumes {

namespace {
std::string now_rfc3339() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Error not_found(const std::string& name) {
  return Error("volume '" + name + "' does not exist",
               "create it with 'berth volume create " + name + "'");
}

void make_dir(const std::filesystem::path& path, mode_t mode) {
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST)
    throw Error("cannot create " + path.string() + ": " + std::strerror(errno));
}
}  // namespace

VolumeStore::VolumeStore() : VolumeStore(paths::state_root() / "volumes") {}
VolumeStore::VolumeStore(std::filesystem::path root) : root_(std::move(root)) {}

std::filesystem::path VolumeStore::data_dir(const std::string& name) const {
  check_name("volume", name);
  return root_ / name / "_data";
}
std::filesystem::path VolumeStore::record_path(const std::string& name) const {
  check_name("volume", name);
  return root_ / name / "volume.json";
}
std::filesystem::path VolumeStore::lock_path() const {
  // The root is made here, before the lock file in it: 0701, so that other users cannot list the
  // volumes, while containers running as them can still reach the data they are given.
  std::error_code ec;
  std::filesystem::create_directories(root_.parent_path(), ec);
  make_dir(root_, 0701);
  return root_ / ".lock";
}

void VolumeStore::write_record(const VolumeRecord& record) const {
  fs::write_file_atomic(record_path(record.name), to_json(record), 0600);
}

std::optional<VolumeRecord> VolumeStore::find(const std::string& name) const {
  auto path = record_path(name);
  auto text = fs::read_file_if_exists(path);
  if (!text) return std::nullopt;
  return volume_record_from_json(*text, path.string());
}

VolumeRecord VolumeStore::inspect(const std::string& name) const {
  auto record = find(name);
  if (!record) throw not_found(name);
  return *record;
}

VolumeRecord VolumeStore::require_external(const std::string& name) const {
  auto record = find(name);
  if (!record)
    throw Error("external volume '" + name + "' not found",
                "an external volume is made outside the project: 'berth volume create " + name +
                    "', or drop 'external: true' to let berth create it");
  return *record;
}

std::vector<VolumeRecord> VolumeStore::list() const {
  std::vector<VolumeRecord> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root_, ec)) {
    std::string name = entry.path().filename().string();
    if (!is_valid_name(name)) continue;  // .lock, volumes being removed
    if (auto record = find(name)) out.push_back(std::move(*record));
  }
  if (ec && ec != std::errc::no_such_file_or_directory)
    throw Error("cannot list " + root_.string() + ": " + ec.message());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

VolumeRecord VolumeStore::create_locked(const VolumeCreate& spec) {
  check_name("volume", spec.name);
  check_driver(spec.driver, spec.driver_opts);
  // A directory without a record is a creation that was cut short: finish it.
  make_dir(root_ / spec.name, 0701);
  make_dir(data_dir(spec.name), 0755);
  VolumeRecord record;
  record.name = spec.name;
  record.driver = "local";
  record.driver_opts = spec.driver_opts;
  record.labels = spec.labels;
  record.created = now_rfc3339();
  write_record(record);
  return record;
}

VolumeRecord VolumeStore::create(const VolumeCreate& spec) {
  check_name("volume", spec.name);
  FileLock lock(lock_path());
  if (find(spec.name))
    throw Error("volume '" + spec.name + "' already exists",
                "use it as it is, or remove it first with 'berth volume rm " + spec.name + "'");
  return create_locked(spec);
}

VolumeRecord VolumeStore::ensure(const VolumeCreate& spec, bool* created) {
  check_name("volume", spec.name);
  FileLock lock(lock_path());
  if (auto existing = find(spec.name)) {
    if (created) *created = false;
    return *existing;
  }
  if (created) *created = true;
  return create_locked(spec);
}

void VolumeStore::remove_locked(const VolumeRecord& record) {
  auto dir = root_ / record.name;
  if (has_mounts_at_or_below(dir))
    throw Error("volume '" + record.name + "' is mounted", "stop the containers that use it first");
  // Renamed first, so that the volume is gone at once even if deleting its data takes long.
  auto doomed = root_ / (".removing-" + record.name + "-" + std::to_string(::getpid()));
  if (::rename(dir.c_str(), doomed.c_str()) != 0)
    throw Error("cannot remove volume '" + record.name + "': " + std::strerror(errno));
  std::error_code ec;
  std::filesystem::remove_all(doomed, ec);
  if (ec) throw Error("cannot remove " + doomed.string() + ": " + ec.message());
}

void VolumeStore::remove(const std::string& name, bool force) {
  check_name("volume", name);
  FileLock lock(lock_path());
  auto record = find(name);
  if (!record) throw not_found(name);
  if (!record->users.empty() && !force) {
    std::string users;
    for (const auto& u : record->users) users += (users.empty() ? "" : ", ") + u;
    throw Error("volume '" + name + "' is in use by " + users,
                "remove those containers first, or use --force");
  }
  remove_locked(*record);
}

std::vector<std::string> VolumeStore::remove_project_volumes(const std::string& project) {
  FileLock lock(lock_path());
  std::vector<VolumeRecord> doomed;
  for (auto& record : list()) {
    auto label = record.labels.find(kProjectLabel);
    if (label == record.labels.end() || label->second != project) continue;
    if (!record.users.empty())
      throw Error("volume '" + record.name + "' of project " + project + " is still in use",
                  "remove the project's containers first");
    doomed.push_back(std::move(record));
  }
  std::vector<std::string> removed;
  for (const auto& record : doomed) {
    remove_locked(record);
    removed.push_back(record.name);
  }
  return removed;
}

std::vector<std::string> VolumeStore::prune(bool all) {
  FileLock lock(lock_path());
  std::vector<std::string> removed;
  for (const auto& record : list()) {
    if (!record.users.empty()) continue;
    if (!all && !record.anonymous()) continue;
    remove_locked(record);
    removed.push_back(record.name);
  }
  return removed;
}

void VolumeStore::add_user(const std::string& name, const std::string& container) {
  FileLock lock(lock_path());
  auto record = inspect(name);
  if (std::find(record.users.begin(), record.users.end(), container) != record.users.end()) return;
  record.users.push_back(container);
  write_record(record);
}

void VolumeStore::remove_user(const std::string& name, const std::string& container) {
  FileLock lock(lock_path());
  auto record = find(name);
  if (!record) return;
  auto it = std::remove(record->users.begin(), record->users.end(), container);
  if (it == record->users.end()) return;
  record->users.erase(it, record->users.end());
  write_record(*record);
}

std::map<std::string, std::string> VolumeStore::anonymous_volumes_of(
    const std::string& container) const {
  std::map<std::string, std::string> out;
  for (const auto& record : list()) {
    auto owner = record.labels.find(kContainerLabel);
    auto target = record.labels.find(kTargetLabel);
    if (record.anonymous() && owner != record.labels.end() && owner->second == container &&
        target != record.labels.end())
      out[target->second] = record.name;
  }
  return out;
}

bool VolumeStore::deactivate_if_unused(const std::string& name) {
  FileLock lock(lock_path());
  auto record = find(name);
  if (!record || record->driver_opts.empty() || !record->users.empty()) return false;
  auto data = data_dir(name);
  if (!is_mount_point(data)) return false;
  MountHandle(data).unmount();
  return true;
}

MountHandle VolumeStore::activate(const std::string& name,
                                  const std::optional<ImageContent>& copy_up) {
  FileLock lock(lock_path());
  auto record = inspect(name);
  auto data = data_dir(name);
  MountHandle mount;
  // Already mounted: another container uses it, and shares that mount.
  if (!record.driver_opts.empty() && !is_mount_point(data))
    mount = mount_driver_opts(record.driver_opts, data);
  if (!copy_up) return mount;

  UniqueFd image = open_root(copy_up->image_root);
  UniqueFd source = open_in_root_if_exists(image.get(), copy_up->container_path, O_PATH,
                                           copy_up->container_path);
  struct stat st {};
  if (!source.valid() || ::fstat(source.get(), &st) != 0 || !S_ISDIR(st.st_mode))
    return mount;  // the image has no directory there: nothing to copy, as with Docker
  UniqueFd target = open_root(data);
  if (!directory_is_empty(target.get())) return mount;
  log::debug("copy-up: " + copy_up->container_path + " of the image into volume " + name);
  try {
    copy_tree(source.get(), target.get());
  } catch (...) {
    // Half a copy would look like user data next time: leave the volume empty, as it was.
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(data, ec))
      std::filesystem::remove_all(entry.path(), ec);
    throw;
  }
  return mount;
}

}  // namespace berth::volumes
