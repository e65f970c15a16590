// A real Docker registry (Debian's docker-registry) on 127.0.0.1 and a free port, with its storage
// in a temporary dir, optionally behind htpasswd basic auth. Started by the test, stopped (and its
// storage removed) when the object goes.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "tests/support/temp_dir.h"

namespace berth::test {

class LocalRegistry {
 public:
  // With a user, the registry asks for basic auth (htpasswd -B). `auth_yaml` replaces that with
  // another `auth:` section (a TokenServer's).
  explicit LocalRegistry(const std::string& user = {}, const std::string& password = {},
                         const std::string& auth_yaml = {});
  ~LocalRegistry();
  LocalRegistry(const LocalRegistry&) = delete;
  LocalRegistry& operator=(const LocalRegistry&) = delete;

  // "127.0.0.1:PORT"
  const std::string& address() const { return address_; }
  // The registry's storage, for tests that damage what it serves.
  std::filesystem::path storage() const { return dir_.path() / "storage"; }
  std::string log() const;

 private:
  TempDir dir_;
  std::string address_;
  pid_t pid_ = -1;
  int log_fd_ = -1;
  std::thread drain_;
  mutable std::mutex log_mutex_;
  std::string log_;
};

// A free TCP port on 127.0.0.1 (bound and released: good enough for a test's own server).
int free_port();

}  // namespace berth::test
