// The token service of a registry with bearer-token auth, for docker-registry's `auth: token`:
// an HTTP server on 127.0.0.1 that checks basic credentials and answers with a JWT (RS256, the
// signing certificate in x5c) granting what the scope asks. The registry checks the token
// against the certificate bundle written by this class.
#pragma once

#include <atomic>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/temp_dir.h"

namespace berth::test {

class TokenServer {
 public:
  TokenServer(std::string user, std::string password);
  ~TokenServer();
  TokenServer(const TokenServer&) = delete;
  TokenServer& operator=(const TokenServer&) = delete;

  // The `auth:` section for the registry's config.
  std::string registry_auth_yaml() const;
  // Request lines seen ("GET /token?service=...&scope=...").
  std::vector<std::string> requests() const;

 private:
  void serve();
  std::string answer(const std::string& request);

  std::string user_, password_;
  TempDir dir_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  void* key_ = nullptr;  // EVP_PKEY*
  std::string cert_der_base64_;
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
};

}  // namespace berth::test
