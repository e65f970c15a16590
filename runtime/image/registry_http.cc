#include "runtime/image/registry_http.h"

#include <curl/curl.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

#include "util/error.h"

namespace berth::image::registry {

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct FileCloser {
  void operator()(FILE* f) const {
    if (f) std::fclose(f);
  }
};

struct Transfer {
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  std::unique_ptr<FILE, FileCloser> out;
  std::string write_error;
  bool failed_open = false;
};

size_t on_header(char* data, size_t size, size_t count, void* opaque) {
  auto* t = static_cast<Transfer*>(opaque);
  std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (after a redirect or a 100)
    t->response->headers.clear();
    auto sp = line.find(' ');
    if (sp != std::string::npos) t->response->status = std::atol(line.c_str() + sp + 1);
  }
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    auto b = value.find_first_not_of(" \t");
    auto e = value.find_last_not_of(" \t\r\n");
    value = b == std::string::npos ? "" : value.substr(b, e - b + 1);
    t->response->headers.emplace(name, value);
  }
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* opaque) {
  auto* t = static_cast<Transfer*>(opaque);
  size_t n = size * count;
  // Bodies of errors and redirects go to memory, only a successful body to the file.
  auto code = t->response->status;
  if (!t->request->download_file.empty() && code >= 200 && code < 300) {
    if (!t->out) {
      t->out.reset(std::fopen(t->request->download_file.c_str(), t->request->append ? "ab" : "wb"));
      if (!t->out) {
        t->write_error = "cannot write " + t->request->download_file.string() + ": " + std::strerror(errno);
        return 0;
      }
    }
    if (std::fwrite(data, 1, n, t->out.get()) != n) {
      t->write_error = "cannot write " + t->request->download_file.string() + ": " + std::strerror(errno);
      return 0;
    }
    if (t->request->on_data) t->request->on_data(data, n);
    return n;
  }
  if (t->response->body.size() < (64u << 20)) t->response->body.append(data, n);
  return n;
}

struct UploadPart {
  FILE* file = nullptr;
  int64_t left = 0;
};

size_t read_part(char* buffer, size_t size, size_t count, void* opaque) {
  auto* part = static_cast<UploadPart*>(opaque);
  size_t want = std::min<size_t>(size * count, static_cast<size_t>(part->left));
  size_t got = want ? std::fread(buffer, 1, want, part->file) : 0;
  part->left -= static_cast<int64_t>(got);
  return got;
}

int on_progress(void* opaque, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow) {
  auto* t = static_cast<Transfer*>(opaque);
  if (!t->request->on_progress) return 0;
  if (ultotal > 0 || ulnow > 0)
    t->request->on_progress(ulnow, ultotal);
  else
    t->request->on_progress(dlnow, dltotal);
  return 0;
}

}  // namespace

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

long stall_seconds() {
  const char* v = std::getenv("BERTH_REGISTRY_STALL_SECONDS");
  long s = v ? std::atol(v) : 0;
  return s > 0 ? s : 30;
}

HttpResponse perform(const HttpRequest& request) {
  global_init();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw Error("cannot initialise libcurl");
  HttpResponse response;
  Transfer t;
  t.request = &request;
  t.response = &response;
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);  // blob GETs redirect to storage; curl drops
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);      // Authorization on other hosts by itself
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, stall_seconds());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "berth");
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, request.on_progress ? 0L : 1L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);

  curl_slist* headers = nullptr;
  for (const auto& h : request.headers) headers = curl_slist_append(headers, h.c_str());
  std::unique_ptr<FILE, FileCloser> upload;
  UploadPart part;
  if (request.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (!request.upload_file.empty()) {
    upload.reset(std::fopen(request.upload_file.c_str(), "rb"));
    if (!upload || std::fseek(upload.get(), static_cast<long>(request.upload_offset), SEEK_SET) != 0)
      throw Error("cannot read " + request.upload_file.string() + ": " + std::strerror(errno));
    auto size = static_cast<int64_t>(std::filesystem::file_size(request.upload_file));
    part = {upload.get(), request.upload_length >= 0 ? request.upload_length : size - request.upload_offset};
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    if (request.method != "PUT") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_part);
    curl_easy_setopt(c, CURLOPT_READDATA, &part);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(part.left));
    headers = curl_slist_append(headers, "Expect:");
  } else if (request.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);

  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (!t.write_error.empty()) throw Error(t.write_error);
  if (rc != CURLE_OK) {
    std::string what = curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT)
      throw Error(request.method + " " + request.url + " stalled: no data for " +
                      std::to_string(stall_seconds()) + "s",
                  "the registry is not answering; try again later");
    throw Error("cannot reach " + request.url + ": " + what,
                "check the registry address, that it is running, and (for plain http) that it is "
                "an insecure registry (BERTH_INSECURE_REGISTRIES)");
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  char* url = nullptr;
  curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &url);
  if (url) response.effective_url = url;
  return response;
}

}  // namespace berth::image::registry
