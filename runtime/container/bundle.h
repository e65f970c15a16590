// A container's OCI bundle under paths::run_root()/containers/<id>: config.json, the /etc files
// berth keeps for it, and the supervisor's settings. Until commit(), destroying the Bundle removes
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

// Whether the host mounts the unified cgroup v2 hierarchy at /sys/fs/cgroup.
bool host_cgroup_v2();

}  // namespace berth::runtime
