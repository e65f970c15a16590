// Network records on disk: paths::state_root()/networks/<name>.json, one file a network, written
// atomically, read and changed only under the store's lock.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "network/record.h"

namespace berth::network {

// An exclusive flock on a file, held for the object's life.
class FileLock {
 public:
  explicit FileLock(const std::filesystem::path& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

// The records of this state root. Construct one to hold the lock; use it, let it go.
class Store {
 public:
  Store();
  std::optional<NetworkRecord> find(const std::string& name) const;
  NetworkRecord get(const std::string& name) const;  // throws a clear error when missing
  std::vector<NetworkRecord> all() const;
  void save(const NetworkRecord& record) const;
  void erase(const std::string& name) const;

  static std::filesystem::path dir();

 private:
  FileLock lock_;
};

// A lock for the whole host, taken while choosing subnets and interface names: two state roots
// (tests run side by side) must not pick the same ones.
FileLock host_network_lock();

std::string to_json(const NetworkRecord& record);
NetworkRecord record_from_json(const std::string& text, const std::string& where);

}  // namespace berth::network
