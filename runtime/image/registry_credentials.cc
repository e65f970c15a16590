#include "runtime/image/registry_credentials.h"

#include <cstdlib>
#include <cstring>

#include <nlohmann/json.hpp>

#include "util/error.h"
#include "util/fs.h"

namespace berth::image::registry {

using nlohmann::json;

namespace {

constexpr const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

json read_config() {
  auto text = fs::read_file_if_exists(docker_config_path());
  if (!text || text->empty()) return json::object();
  try {
    json doc = json::parse(*text);
    return doc.is_object() ? doc : json::object();
  } catch (const json::exception& e) {
    throw Error(docker_config_path().string() + " is not valid JSON: " + e.what(),
                "fix or remove the file");
  }
}

}  // namespace

std::filesystem::path docker_config_path() {
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir && *dir)
    return std::filesystem::path(dir) / "config.json";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : "/root") / ".docker" / "config.json";
}

std::string auth_key(const std::string& registry) {
  return registry == "docker.io" ? "https://index.docker.io/v1/" : registry;
}

std::string base64_encode(const std::string& data) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                 static_cast<unsigned char>(data[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < data.size()) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string base64_decode(const std::string& data) {
  std::string out;
  unsigned v = 0;
  int bits = 0;
  for (char c : data) {
    if (c == '=') break;
    const char* p = std::strchr(kAlphabet, c);
    if (!p || !c) throw Error("invalid base64 in the registry credentials");
    v = (v << 6) | static_cast<unsigned>(p - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((v >> bits) & 0xff);
    }
  }
  return out;
}

std::optional<Credentials> find_credentials(const std::string& registry) {
  json doc = read_config();
  auto auths = doc.find("auths");
  if (auths == doc.end() || !auths->is_object()) return std::nullopt;
  for (const std::string& key : {auth_key(registry), registry, "https://" + registry, "http://" + registry}) {
    auto it = auths->find(key);
    if (it == auths->end() || !it->is_object()) continue;
    if (auto tok = it->find("identitytoken"); tok != it->end() && tok->is_string() && !tok->get<std::string>().empty())
      return Credentials{"<token>", tok->get<std::string>()};
    auto auth = it->find("auth");
    if (auth == it->end() || !auth->is_string()) continue;
    std::string plain = base64_decode(auth->get<std::string>());
    auto colon = plain.find(':');
    if (colon == std::string::npos)
      throw Error("the credentials for " + registry + " in " + docker_config_path().string() + " are damaged",
                  "run berth login " + registry + " again");
    return Credentials{plain.substr(0, colon), plain.substr(colon + 1)};
  }
  return std::nullopt;
}

void store_credentials(const std::string& registry, const Credentials& credentials) {
  json doc = read_config();
  if (!doc.contains("auths") || !doc["auths"].is_object()) doc["auths"] = json::object();
  doc["auths"][auth_key(registry)] = {{"auth", base64_encode(credentials.username + ":" + credentials.password)}};
  std::filesystem::create_directories(docker_config_path().parent_path());
  fs::write_file_atomic(docker_config_path(), doc.dump(1, '\t') + "\n", 0600);
}

bool remove_credentials(const std::string& registry) {
  json doc = read_config();
  auto auths = doc.find("auths");
  if (auths == doc.end() || !auths->is_object() || !auths->erase(auth_key(registry))) return false;
  fs::write_file_atomic(docker_config_path(), doc.dump(1, '\t') + "\n", 0600);
  return true;
}

}  // namespace berth::image::registry
