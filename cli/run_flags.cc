#include "cli/run_flags.h"

#include <filesystem>
#include <vector>

#include "util/error.h"

namespace berth::cli {

compose::ServicePort parse_publish(const std::string& text) {
  compose::ServicePort port;
  std::string rest = text;
  size_t slash = rest.find('/');
  if (slash != std::string::npos) {
    port.protocol = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (port.protocol != "tcp" && port.protocol != "udp")
      throw Error("-p " + text + ": unknown protocol '" + port.protocol + "'", "use tcp or udp");
  }
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t colon = rest.find(':', start);
    parts.push_back(rest.substr(start, colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (parts.size() > 3) throw Error("-p " + text + ": too many ':'", "write [IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]");
  try {
    size_t used = 0;
    port.target = std::stoll(parts.back(), &used);
    if (used != parts.back().size() || port.target < 1 || port.target > 65535) throw std::invalid_argument("port");
  } catch (const std::exception&) {
    throw Error("-p " + text + ": '" + parts.back() + "' is not a container port",
                "write [IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL] with a port from 1 to 65535");
  }
  if (parts.size() >= 2) port.published = parts[parts.size() - 2];
  if (parts.size() == 3) port.host_ip = parts[0];
  return port;
}

compose::ServiceVolume parse_volume(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  compose::ServiceVolume v;
  v.type = "volume";
  if (parts.size() == 1) {
    v.target = parts[0];
  } else if (parts.size() <= 3) {
    v.source = parts[0];
    v.target = parts[1];
    if (parts.size() == 3) {
      if (parts[2] != "ro" && parts[2] != "rw")
        throw Error("-v " + text + ": unknown mode '" + parts[2] + "'", "use ro or rw");
      v.read_only = parts[2] == "ro";
    }
    char first = v.source.empty() ? '\0' : v.source[0];
    if (first == '/' || first == '.' || first == '~') {
      v.type = "bind";
      if (first == '.') v.source = std::filesystem::absolute(v.source).lexically_normal().string();
    }
  } else {
    throw Error("-v " + text + ": too many ':'", "write SOURCE:TARGET[:ro] or TARGET");
  }
  if (v.target.empty() || v.target[0] != '/')
    throw Error("-v " + text + ": the target '" + v.target + "' is not an absolute path", "write SOURCE:/path/in/container");
  return v;
}

}  // namespace berth::cli
