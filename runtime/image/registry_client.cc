#include "runtime/image/registry_client.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include "runtime/image/digest.h"
#include "runtime/image/manifest.h"
#include "runtime/image/registry_http.h"
#include "util/error.h"

namespace berth::image::registry {

using nlohmann::json;

namespace {

constexpr size_t kMaxManifest = 4 << 20;

std::string host_of(const std::string& registry) {
  if (!registry.empty() && registry.front() == '[') return registry.substr(0, registry.find(']') + 1);
  return registry.substr(0, registry.rfind(':') == std::string::npos ? registry.size() : registry.rfind(':'));
}

std::string url_escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' || c == ':' || c == ',') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// The registry's own words from an error body: {"errors":[{"code":..,"message":..}]}.
std::string registry_message(const std::string& body) {
  try {
    json doc = json::parse(body);
    std::string out;
    for (const auto& e : doc.at("errors")) {
      if (!out.empty()) out += "; ";
      out += e.value("code", "") + (e.contains("message") ? ": " + e.value("message", "") : "");
    }
    return out;
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace

Challenge parse_challenge(const std::string& header) {
  Challenge c;
  size_t i = header.find_first_not_of(' ');
  if (i == std::string::npos) return c;
  size_t sp = header.find(' ', i);
  c.scheme = header.substr(i, sp == std::string::npos ? std::string::npos : sp - i);
  for (auto& ch : c.scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (sp == std::string::npos) return c;
  i = sp + 1;
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ',')) ++i;
    size_t eq = header.find('=', i);
    if (eq == std::string::npos) break;
    std::string key = header.substr(i, eq - i);
    for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::string value;
    i = eq + 1;
    if (i < header.size() && header[i] == '"') {
      ++i;
      while (i < header.size() && header[i] != '"') {
        if (header[i] == '\\' && i + 1 < header.size()) ++i;
        value += header[i++];
      }
      ++i;
    } else {
      size_t end = header.find(',', i);
      value = header.substr(i, end == std::string::npos ? std::string::npos : end - i);
      i = end == std::string::npos ? header.size() : end;
    }
    c.params[key] = value;
  }
  return c;
}

bool is_insecure(const std::string& registry) {
  std::string host = host_of(registry);
  if (host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0) return true;
  const char* list = std::getenv("BERTH_INSECURE_REGISTRIES");
  if (!list) return false;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ','))
    if (item == registry || item == host) return true;
  return false;
}

Client::Client(const Reference& ref, bool push)
    : ref_(ref),
      scope_("repository:" + ref.repository + ":" + (push ? "pull,push" : "pull")),
      base_((is_insecure(ref.registry) ? "http://" : "https://") + ref.api_host()),
      credentials_(find_credentials(ref.registry)) {}

std::string Client::blob_url(const std::string& digest) const {
  return base_ + "/v2/" + ref_.repository + "/blobs/" + digest;
}

HttpResponse Client::send(HttpRequest request, const std::string& scope) {
  auto with_auth = [&] {
    HttpRequest r = request;
    std::lock_guard lock(mutex_);
    if (!authorization_.empty()) r.headers.push_back("Authorization: " + authorization_);
    return r;
  };
  HttpResponse response = perform(with_auth());
  if (response.status != 401) return response;
  authorize(response, scope);
  return perform(with_auth());
}

void Client::authorize(const HttpResponse& response, const std::string& scope) {
  Challenge ch = parse_challenge(response.header("www-authenticate"));
  auto need_login = [&](const std::string& why) {
    return Error("the registry " + ref_.registry + " refused access to " + ref_.repository + ": " + why,
                 credentials_ ? "check the user name and password (berth login " + ref_.registry + ")"
                              : "log in first: berth login " + ref_.registry);
  };
  std::string basic;
  if (credentials_) basic = "Basic " + base64_encode(credentials_->username + ":" + credentials_->password);
  if (ch.scheme == "basic") {
    if (!credentials_) throw need_login("it asks for a user name and password");
    std::lock_guard lock(mutex_);
    authorization_ = basic;
    return;
  }
  if (ch.scheme != "bearer" || ch.params["realm"].empty())
    throw need_login("it answered 401 without a usable challenge ('" + response.header("www-authenticate") + "')");
  std::string url = ch.params["realm"];
  std::string sep = url.find('?') == std::string::npos ? "?" : "&";
  if (!ch.params["service"].empty()) {
    url += sep + "service=" + url_escape(ch.params["service"]);
    sep = "&";
  }
  std::string want = scope.empty() ? ch.params["scope"] : scope;
  if (!want.empty()) url += sep + "scope=" + url_escape(want);
  HttpRequest token_request;
  token_request.url = url;
  if (!basic.empty()) token_request.headers.push_back("Authorization: " + basic);
  HttpResponse token = perform(token_request);
  if (token.status == 401 || token.status == 403) throw need_login("the token service said " + std::to_string(token.status));
  if (token.status != 200)
    throw Error("the token service of " + ref_.registry + " answered " + std::to_string(token.status));
  try {
    json doc = json::parse(token.body);
    std::string value = doc.value("token", doc.value("access_token", ""));
    if (value.empty()) throw Error("the token service of " + ref_.registry + " gave no token");
    std::lock_guard lock(mutex_);
    authorization_ = "Bearer " + value;
  } catch (const json::exception&) {
    throw Error("the token service of " + ref_.registry + " did not answer JSON");
  }
}

void Client::fail(const HttpResponse& response, const std::string& what) const {
  std::string message = registry_message(response.body);
  std::string detail = message.empty() ? "" : " (" + message + ")";
  switch (response.status) {
    case 401:
    case 403:
      throw Error(what + ": access denied by " + ref_.registry + detail,
                  "log in with berth login " + ref_.registry + ", and check that you may use " + ref_.repository);
    case 404:
      throw Error(what + ": not found on " + ref_.registry + detail,
                  "check the name and tag (" + ref_.familiar() + ")");
    default:
      throw Error(what + ": the registry " + ref_.registry + " answered " + std::to_string(response.status) + detail,
                  response.status >= 500 ? "the registry has a problem; try again later" : "");
  }
}

Client::Fetched Client::get_manifest(const std::string& tag_or_digest) {
  HttpRequest req;
  req.url = base_ + "/v2/" + ref_.repository + "/manifests/" + tag_or_digest;
  req.headers.push_back(std::string("Accept: ") + media::kOciIndex + ", " + media::kDockerList + ", " +
                        media::kOciManifest + ", " + media::kDockerManifest);
  HttpResponse r = send(req, scope_);
  std::string what = "manifest " + ref_.name() + ":" + tag_or_digest;
  if (r.status != 200) fail(r, what);
  if (r.body.size() > kMaxManifest) throw Error(what + " is larger than 4 MB; refusing it");
  Fetched f{r.body, r.header("content-type"), sha256_digest(r.body)};
  if (auto semi = f.media_type.find(';'); semi != std::string::npos) f.media_type.resize(semi);
  if (is_valid_digest(tag_or_digest)) verify_digest(tag_or_digest, f.digest, what);
  std::string claimed = r.header("docker-content-digest");
  if (!claimed.empty() && is_valid_digest(claimed)) verify_digest(claimed, f.digest, what);
  return f;
}

std::string Client::get_blob(const std::string& digest) {
  HttpRequest req;
  req.url = blob_url(digest);
  HttpResponse r = send(req, scope_);
  if (r.status != 200) fail(r, "blob " + digest);
  verify_digest(digest, sha256_digest(r.body), "blob " + digest + " from " + ref_.registry);
  return r.body;
}

namespace {
// The digest state of the first `size` bytes of a partial download, to continue from.
Sha256 hash_prefix(const std::filesystem::path& file, int64_t size) {
  Sha256 hash;
  std::ifstream in(file, std::ios::binary);
  std::vector<char> buf(1 << 20);
  while (size > 0 && in) {
    in.read(buf.data(), static_cast<std::streamsize>(std::min<int64_t>(size, static_cast<int64_t>(buf.size()))));
    auto n = in.gcount();
    hash.update(buf.data(), static_cast<size_t>(n));
    size -= n;
  }
  return hash;
}
}  // namespace

std::string Client::download_blob(const std::string& digest, const std::filesystem::path& file,
                                  const ProgressFn& progress) {
  std::error_code ec;
  auto have = std::filesystem::exists(file) ? static_cast<int64_t>(std::filesystem::file_size(file, ec)) : 0;
  Sha256 hash = hash_prefix(file, have);
  HttpRequest req;
  req.url = blob_url(digest);
  req.download_file = file;
  req.on_data = [&](const char* data, size_t n) { hash.update(data, n); };
  if (have > 0) {
    req.headers.push_back("Range: bytes=" + std::to_string(have) + "-");
    req.append = true;
  }
  if (progress) req.on_progress = [&](int64_t now, int64_t total) { progress(have + now, total > 0 ? have + total : 0); };
  HttpResponse r = send(req, scope_);
  if ((r.status == 206 || r.status == 416) && have > 0) return hash.digest();  // 416: we had it all
  if (r.status == 200 && have > 0) {
    // The registry ignored the range: the body was appended after what we had. Start over.
    std::filesystem::remove(file, ec);
    req.headers.pop_back();
    req.append = false;
    have = 0;
    hash = Sha256();
    r = send(req, scope_);
  }
  if (r.status != 200) fail(r, "blob " + digest);
  return hash.digest();
}

bool Client::has_blob(const std::string& digest) {
  HttpRequest req;
  req.method = "HEAD";
  req.url = blob_url(digest);
  HttpResponse r = send(req, scope_);
  if (r.status == 200) return true;
  if (r.status == 404) return false;
  fail(r, "blob " + digest);
}

int64_t Client::chunk_bytes() {
  const char* v = std::getenv("BERTH_PUSH_CHUNK_BYTES");
  long long n = v ? std::atoll(v) : 0;
  return n > 0 ? n : int64_t{64} << 20;
}

std::string Client::absolute(const std::string& location) const {
  if (location.empty()) throw Error("the registry " + ref_.registry + " gave no upload location");
  return location.front() == '/' ? base_ + location : location;
}

bool Client::upload_blob(const std::string& digest, const std::filesystem::path& file, const ProgressFn& progress,
                         const std::string& mount_from) {
  HttpRequest start;
  start.method = "POST";
  start.url = base_ + "/v2/" + ref_.repository + "/blobs/uploads/";
  if (!mount_from.empty()) start.url += "?mount=" + url_escape(digest) + "&from=" + url_escape(mount_from);
  HttpResponse r = send(start, scope_);
  if (r.status == 201) return true;  // mounted from the other repository: nothing to send
  if (r.status != 202) fail(r, "starting the upload of " + digest);
  std::string location = absolute(r.header("location"));
  auto size = static_cast<int64_t>(std::filesystem::file_size(file));
  int64_t chunk = chunk_bytes();
  HttpRequest put;
  put.method = "PUT";
  if (size > chunk) {
    for (int64_t offset = 0; offset < size; offset += chunk) {
      HttpRequest patch;
      patch.method = "PATCH";
      patch.url = location;
      patch.upload_file = file;
      patch.upload_offset = offset;
      patch.upload_length = std::min(chunk, size - offset);
      patch.headers.push_back("Content-Type: application/octet-stream");
      patch.headers.push_back("Content-Range: " + std::to_string(offset) + "-" +
                              std::to_string(offset + patch.upload_length - 1));
      if (progress) patch.on_progress = [&](int64_t now, int64_t) { progress(offset + now, size); };
      HttpResponse p = send(patch, scope_);
      if (p.status != 202) fail(p, "uploading " + digest + " (at byte " + std::to_string(offset) + ")");
      location = absolute(p.header("location"));
    }
  } else {
    put.upload_file = file;
    put.headers.push_back("Content-Type: application/octet-stream");
    put.on_progress = progress;
  }
  put.url = location + (location.find('?') == std::string::npos ? "?" : "&") + "digest=" + url_escape(digest);
  HttpResponse done = send(put, scope_);
  if (done.status != 201 && done.status != 204) fail(done, "uploading " + digest);
  return false;
}

std::string Client::put_manifest(const std::string& tag, const std::string& body, const std::string& media_type) {
  HttpRequest req;
  req.method = "PUT";
  req.url = base_ + "/v2/" + ref_.repository + "/manifests/" + tag;
  req.body = body;
  req.headers.push_back("Content-Type: " + media_type);
  HttpResponse r = send(req, scope_);
  if (r.status != 201 && r.status != 200) fail(r, "manifest " + ref_.name() + ":" + tag);
  std::string digest = r.header("docker-content-digest");
  return digest.empty() ? sha256_digest(body) : digest;
}

void Client::check_login() {
  HttpRequest req;
  req.url = base_ + "/v2/";
  HttpResponse r = send(req, "");
  if (r.status == 401 || r.status == 403)
    throw Error("login to " + ref_.registry + " failed: the registry refused the credentials",
                "check the user name and password");
  if (r.status != 200) fail(r, "login to " + ref_.registry);
}

}  // namespace berth::image::registry
