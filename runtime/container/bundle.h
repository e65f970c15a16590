// A container's OCI bundle under paths::run_root()/containers/<id>: config.json, the /etc files
// berth keeps for it, and the supervisor's settings. The root filesystem lives elsewhere (the
// bundle refers to it by absolute path); the bundle directory must not exist beforehand. Until commit(), destroying the Bundle removes
// the directory, so a failure half-way leaves nothing behind.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "runtime/container/runc.h"
#include "runtime/container/spec.h"

namespace berth::runtime {

class Bundle {
 public:
  // Writes everything; throws berth::Error (and removes what it wrote). Warnings are appended.
  static Bundle write(const ContainerSpec& spec, const Runc& runc,
                      std::vector<std::string>& warnings);

  Bundle(Bundle&& other) noexcept;
  Bundle& operator=(Bundle&&) = delete;
  Bundle(const Bundle&) = delete;
  Bundle& operator=(const Bundle&) = delete;
  ~Bundle();

  const std::filesystem::path& dir() const { return dir_; }
  // The bundle is the container's now: keep it.
  void commit() { committed_ = true; }

 private:
  explicit Bundle(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
  bool committed_ = false;
};

// Removes a directory tree without crossing into mounted filesystems: a root filesystem still
// mounted inside (an overlay) is left alone, and the error names it. Throws berth::Error.
void remove_tree_on_one_filesystem(const std::filesystem::path& dir);

// Whether the host mounts the unified cgroup v2 hierarchy at /sys/fs/cgroup.
bool host_cgroup_v2();

}  // namespace berth::runtime
