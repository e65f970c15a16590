// One HTTP exchange over libcurl, as the registry client needs it: headers in and out, bodies
// from memory or a file, responses to memory or appended to a file, and a stall timeout.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace berth::image::registry {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // sent when upload_file is empty and method is PUT/POST/PATCH
  std::filesystem::path upload_file;  // sent as the body of PUT or PATCH
  int64_t upload_offset = 0;          // the part of upload_file to send
  int64_t upload_length = -1;         // -1: to the end
  // When set, a 2xx response body is written here (appended when `append`); else kept in memory.
  std::filesystem::path download_file;
  bool append = false;
  // Sees each piece of a 2xx body written to download_file (to hash it on the way).
  std::function<void(const char*, size_t)> on_data;
  // Called with (bytes so far, total or 0) while a body moves.
  std::function<void(int64_t, int64_t)> on_progress;
};

struct HttpResponse {
  long status = 0;
  std::multimap<std::string, std::string> headers;  // names in lower case
  std::string body;                                 // unless written to download_file
  std::string effective_url;

  std::string header(const std::string& lower_name) const;
};

// Performs the request. Throws berth::Error for transport failures (refused, DNS, TLS, stall),
// never for HTTP status codes.
HttpResponse perform(const HttpRequest& request);

// Seconds without progress before a transfer counts as stalled: $BERTH_REGISTRY_STALL_SECONDS,
// else 30.
long stall_seconds();

}  // namespace berth::image::registry
