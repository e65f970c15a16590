// A client for one repository on a registry that speaks the OCI distribution API (Docker
// registry v2): manifests, blobs, uploads, with bearer-token and basic authentication.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "runtime/image/reference.h"
#include "runtime/image/registry_credentials.h"

namespace berth::image::registry {

struct HttpRequest;
struct HttpResponse;

// A WWW-Authenticate challenge: `Bearer realm="...",service="...",scope="..."`.
struct Challenge {
  std::string scheme;  // lower case: "bearer", "basic"
  std::map<std::string, std::string> params;
};
Challenge parse_challenge(const std::string& header);

// Plain http is used only for these: localhost, 127.0.0.0/8 and ::1 (any port), and the
// registries named in $BERTH_INSECURE_REGISTRIES (comma-separated host[:port]).
bool is_insecure(const std::string& registry);

using ProgressFn = std::function<void(int64_t done, int64_t total)>;

class Client {
 public:
  Client(const Reference& ref, bool push);

  struct Fetched {
    std::string body;
    std::string media_type;
    std::string digest;  // computed from the body
  };
  // The manifest (or index) for a tag or a digest; checked against the digest it was asked by
  // and against the registry's Docker-Content-Digest header.
  Fetched get_manifest(const std::string& tag_or_digest);
  // A small blob (a config) in memory, checked against its digest.
  std::string get_blob(const std::string& digest);
  // Downloads a blob into `file`, continuing a partial download already there when the
  // registry offers ranges. Returns the digest of the whole file, computed on the way; the
  // caller compares it with what it asked for.
  std::string download_blob(const std::string& digest, const std::filesystem::path& file,
                     const ProgressFn& progress);
  bool has_blob(const std::string& digest);
  // Uploads a blob: first offering a cross-repository mount from `mount_from` (a repository on
  // the same registry that has it) when given, then in one PUT, or in PATCH chunks of
  // chunk_bytes() when the blob is larger.
  // Returns true when the registry mounted the blob.
  bool upload_blob(const std::string& digest, const std::filesystem::path& file, const ProgressFn& progress,
                   const std::string& mount_from = {});
  // $BERTH_PUSH_CHUNK_BYTES, else 64 MiB.
  static int64_t chunk_bytes();
  // Returns the digest the registry gives the manifest.
  std::string put_manifest(const std::string& tag, const std::string& body, const std::string& media_type);
  // GET /v2/ with the client's credentials; throws when they are refused.
  void check_login();

  // Credentials to use instead of the docker config's (berth login).
  void set_credentials(const Credentials& credentials) { credentials_ = credentials; }

 private:
  HttpResponse send(HttpRequest request, const std::string& scope);
  void authorize(const HttpResponse& challenge_response, const std::string& scope);
  [[noreturn]] void fail(const HttpResponse& response, const std::string& what) const;
  std::string blob_url(const std::string& digest) const;
  std::string absolute(const std::string& location) const;

  Reference ref_;
  std::string scope_;
  std::string base_;  // scheme://host
  std::optional<Credentials> credentials_;
  std::mutex mutex_;  // guards authorization_ (layers are fetched from several threads)
  std::string authorization_;
};

}  // namespace berth::image::registry
