#include "runtime/image/reference.h"

#include "runtime/image/digest.h"
#include "util/error.h"

namespace berth::image {

namespace {

constexpr std::string_view kDockerHub = "docker.io";

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// A path component: lower-case alphanumerics separated by ".", "_", "__" or runs of "-".
bool valid_component(std::string_view c) {
  if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back())) return false;
  for (size_t i = 0; i < c.size(); ++i) {
    char ch = c[i];
    if (is_lower_alnum(ch) || ch == '-') continue;
    if (ch == '.' && is_lower_alnum(c[i + 1])) continue;
    if (ch == '_') {
      if (c[i + 1] == '_') ++i;
      if (is_lower_alnum(c[i + 1])) continue;
    }
    return false;
  }
  return true;
}

bool valid_tag(std::string_view t) {
  if (t.empty() || t.size() > 128) return false;
  auto word = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  if (!word(t.front())) return false;
  for (char c : t)
    if (!word(c) && c != '.' && c != '-') return false;
  return true;
}

bool valid_registry(std::string_view r) {
  if (r.empty()) return false;
  for (char c : r)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '-' || c == ':' || c == '[' || c == ']'))
      return false;
  return true;
}

Error bad(std::string_view text, const std::string& why) {
  return Error("invalid image reference '" + std::string(text) + "': " + why,
               "use [registry[:port]/]name[:tag][@sha256:digest], e.g. busybox:1.36 or "
               "localhost:5000/team/app:v1");
}

}  // namespace

Reference parse_reference(std::string_view text) {
  if (text.empty()) throw bad(text, "it is empty");
  Reference ref;
  std::string_view rest = text;
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    if (!is_valid_digest(ref.digest))
      throw bad(text, "'" + ref.digest + "' is not a sha256 digest (sha256: and 64 hex digits)");
    rest = rest.substr(0, at);
  }
  // The tag is after the last ':' that follows the last '/' (a ':' before it is a port).
  size_t slash = rest.rfind('/');
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    ref.tag = std::string(rest.substr(colon + 1));
    if (!valid_tag(ref.tag)) throw bad(text, "'" + ref.tag + "' is not a valid tag");
    rest = rest.substr(0, colon);
  }
  size_t first = rest.find('/');
  std::string_view head = rest.substr(0, first);
  bool has_registry = first != std::string_view::npos &&
                      (head.find('.') != std::string_view::npos ||
                       head.find(':') != std::string_view::npos || head == "localhost" ||
                       head.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos);
  std::string_view path = rest;
  if (has_registry) {
    if (!valid_registry(head)) throw bad(text, "'" + std::string(head) + "' is not a registry host");
    ref.registry = std::string(head);
    path = rest.substr(first + 1);
  } else {
    ref.registry = std::string(kDockerHub);
  }
  if (ref.registry == "index.docker.io" || ref.registry == "registry-1.docker.io")
    ref.registry = std::string(kDockerHub);
  if (path.empty()) throw bad(text, "the repository name is missing");
  for (size_t pos = 0;;) {
    size_t end = path.find('/', pos);
    std::string_view comp = path.substr(pos, end == std::string_view::npos ? end : end - pos);
    if (!valid_component(comp))
      throw bad(text, "'" + std::string(comp) +
                          "' is not a valid name component (lower-case letters, digits, and "
                          "'.', '_', '-' between them)");
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  ref.repository = std::string(path);
  if (ref.registry == kDockerHub && ref.repository.find('/') == std::string::npos)
    ref.repository = "library/" + ref.repository;
  if (ref.repository.size() > 255) throw bad(text, "the repository name is longer than 255");
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

std::string Reference::name() const { return registry + "/" + repository; }

std::string Reference::str() const {
  std::string out = name();
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

std::string Reference::familiar() const {
  std::string out;
  if (registry != kDockerHub) {
    out = registry + "/" + repository;
  } else if (repository.rfind("library/", 0) == 0) {
    out = repository.substr(8);
  } else {
    out = repository;
  }
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

std::string Reference::api_host() const {
  return registry == kDockerHub ? "registry-1.docker.io" : registry;
}

}  // namespace berth::image
