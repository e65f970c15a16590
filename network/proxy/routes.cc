#include "network/proxy/routes.h"

#include <nlohmann/json.hpp>

#include "network/helper_process.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/paths.h"

namespace berth::network::proxy {

namespace {
using json = nlohmann::json;

std::vector<std::string>& command() {
  static std::vector<std::string> argv;
  return argv;
}

bool on_every_address(const std::string& host_ip) {
  return host_ip.empty() || host_ip == "0.0.0.0" || host_ip == "::" || host_ip == "::1";
}
}  // namespace

std::vector<Route> routes_from_records(const std::vector<NetworkRecord>& records) {
  std::vector<Route> out;
  for (const auto& r : records)
    for (const auto& [id, a] : r.attachments)
      for (const auto& p : a.ports) {
        if (!on_every_address(p.host_ip)) continue;
        std::string target = a.ipv6.empty() ? a.ipv4 : a.ipv6;
        if (target.empty()) continue;
        out.push_back({p.host_port, p.protocol, target, p.container_port});
      }
  return out;
}

std::string to_json(const std::vector<Route>& routes) {
  json list = json::array();
  for (const auto& r : routes)
    list.push_back({{"port", r.port}, {"protocol", r.protocol}, {"target", r.target}, {"target_port", r.target_port}});
  return json{{"routes", list}}.dump(2) + "\n";
}

std::vector<Route> routes_from_json(const std::string& text) {
  std::vector<Route> out;
  try {
    for (const auto& r : json::parse(text).value("routes", json::array()))
      out.push_back({r.at("port").get<uint16_t>(), r.at("protocol").get<std::string>(),
                     r.at("target").get<std::string>(), r.at("target_port").get<uint16_t>()});
  } catch (const json::exception& e) {
    throw Error(routes_path().string() + " is damaged: " + e.what(), "it is rewritten on the next up or down");
  }
  return out;
}

std::filesystem::path routes_path() { return paths::run_root() / "ports" / "routes.json"; }
std::filesystem::path proxy_lock_path() { return paths::run_root() / "ports" / "proxy.lock"; }
void set_proxy_command(std::vector<std::string> argv) { command() = std::move(argv); }
bool proxy_running() { return helper_running(proxy_lock_path()); }

void publish_routes(const std::vector<NetworkRecord>& records) {
  std::vector<Route> routes = routes_from_records(records);
  auto path = routes_path();
  std::string text = to_json(routes);
  // Most attaches publish no port: the routes stay as they are, and the proxy is not woken.
  std::error_code ec;  // a directory that cannot be made fails the write, with its path
  std::filesystem::create_directories(path.parent_path(), ec);
  fs::write_file_if_changed(path, text, 0644, false);  // the run root: gone at reboot anyway
  if (!routes.empty()) start_helper(command(), proxy_lock_path(), "BERTH_PROXY_READY_FD", "the loopback port proxy");
}

}  // namespace berth::network::proxy
