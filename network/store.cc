#include "network/store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "util/error.h"
#include "util/fs.h"
#include "util/paths.h"

namespace berth::network {

using nlohmann::json;

FileLock::FileLock(const std::filesystem::path& path) {
  std::filesystem::create_directories(path.parent_path());
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw Error("cannot open lock " + path.string() + ": " + std::strerror(errno));
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    ::close(fd_);
    throw Error("cannot lock " + path.string() + ": " + std::strerror(err));
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

FileLock host_network_lock() { return FileLock("/run/lock/berth-network.lock"); }

std::filesystem::path Store::dir() { return paths::state_root() / "networks"; }

Store::Store() : lock_(dir() / ".lock") {}

namespace {
json subnet_json(const SubnetState& s) {
  json j{{"subnet", s.subnet.str()}, {"gateway", s.gateway.str()}};
  if (s.ip_range) j["ip_range"] = s.ip_range->str();
  json aux = json::object();
  for (const auto& [name, a] : s.aux) aux[name] = a.str();
  j["aux_addresses"] = aux;
  json alloc = json::object();
  for (const auto& [a, owner] : s.allocated) alloc[a.str()] = owner;
  j["allocated"] = alloc;
  return j;
}

SubnetState subnet_from(const json& j, const std::string& where) {
  SubnetState s;
  s.subnet = Cidr::parse_or_throw(j.at("subnet").get<std::string>(), where);
  s.gateway = IpAddress::parse_or_throw(j.at("gateway").get<std::string>(), where);
  if (j.contains("ip_range"))
    s.ip_range = Cidr::parse_or_throw(j["ip_range"].get<std::string>(), where);
  const json aux = j.value("aux_addresses", json::object());  // items() must not outlive it
  for (const auto& [name, a] : aux.items())
    s.aux[name] = IpAddress::parse_or_throw(a.get<std::string>(), where);
  const json allocated = j.value("allocated", json::object());
  for (const auto& [a, owner] : allocated.items())
    s.allocated[IpAddress::parse_or_throw(a, where)] = owner.get<std::string>();
  return s;
}

json spec_json(const NetworkSpec& s) {
  json ipam = json::array();
  for (const auto& c : s.ipam)
    ipam.push_back({{"subnet", c.subnet}, {"ip_range", c.ip_range}, {"gateway", c.gateway},
                    {"aux_addresses", c.aux_addresses}});
  return {{"name", s.name},         {"driver", s.driver},         {"driver_opts", s.driver_opts},
          {"internal", s.internal}, {"attachable", s.attachable}, {"enable_ipv6", s.enable_ipv6},
          {"external", s.external}, {"labels", s.labels},         {"ipam", ipam}};
}

NetworkSpec spec_from(const json& j) {
  NetworkSpec s;
  s.name = j.at("name").get<std::string>();
  s.driver = j.value("driver", "bridge");
  s.driver_opts = j.value("driver_opts", std::map<std::string, std::string>{});
  s.internal = j.value("internal", false);
  s.attachable = j.value("attachable", false);
  s.enable_ipv6 = j.value("enable_ipv6", false);
  s.external = j.value("external", false);
  s.labels = j.value("labels", std::map<std::string, std::string>{});
  for (const auto& c : j.value("ipam", json::array()))
    s.ipam.push_back({c.value("subnet", ""), c.value("ip_range", ""), c.value("gateway", ""),
                      c.value("aux_addresses", std::map<std::string, std::string>{})});
  return s;
}

json attachment_json(const Attachment& a) {
  json ports = json::array();
  for (const auto& p : a.ports)
    ports.push_back({{"host_ip", p.host_ip},
                     {"host_port", p.host_port},
                     {"container_port", p.container_port},
                     {"protocol", p.protocol}});
  return {{"container", a.container}, {"netns", a.netns}, {"host_veth", a.host_veth},
          {"ifname", a.ifname},       {"ipv4", a.ipv4},   {"ipv6", a.ipv6},
          {"mac", a.mac},             {"names", a.names}, {"ports", ports}};
}

Attachment attachment_from(const json& j) {
  Attachment a;
  a.container = j.at("container").get<std::string>();
  a.netns = j.value("netns", "");
  a.host_veth = j.value("host_veth", "");
  a.ifname = j.value("ifname", "");
  a.ipv4 = j.value("ipv4", "");
  a.ipv6 = j.value("ipv6", "");
  a.mac = j.value("mac", "");
  a.names = j.value("names", std::vector<std::string>{});
  for (const auto& p : j.value("ports", json::array()))
    a.ports.push_back({p.value("host_ip", ""), p.value("host_port", uint16_t{0}),
                       p.value("container_port", uint16_t{0}), p.value("protocol", "tcp")});
  return a;
}
}  // namespace

std::string to_json(const NetworkRecord& r) {
  json subnets = json::array();
  for (const auto& s : r.subnets) subnets.push_back(subnet_json(s));
  json attachments = json::object();
  for (const auto& [id, a] : r.attachments) attachments[id] = attachment_json(a);
  json j{{"spec", spec_json(r.spec)}, {"id", r.id},           {"bridge", r.bridge},
         {"mtu", r.mtu},              {"created", r.created}, {"subnets", subnets},
         {"attachments", attachments}};
  return j.dump(2) + "\n";
}

NetworkRecord record_from_json(const std::string& text, const std::string& where) {
  try {
    json j = json::parse(text);
    NetworkRecord r;
    r.spec = spec_from(j.at("spec"));
    r.id = j.value("id", "");
    r.bridge = j.value("bridge", "");
    r.mtu = j.value("mtu", 0);
    r.created = j.value("created", "");
    for (const auto& s : j.value("subnets", json::array())) r.subnets.push_back(subnet_from(s, where));
    const json attachments = j.value("attachments", json::object());
    for (const auto& [id, a] : attachments.items())
      r.attachments[id] = attachment_from(a);
    return r;
  } catch (const json::exception& e) {
    throw Error("network record " + where + " is damaged: " + e.what(),
                "remove the file to forget the network (its bridge may then need removing by hand)");
  }
}

std::optional<NetworkRecord> Store::find(const std::string& name) const {
  auto path = dir() / (name + ".json");
  auto text = fs::read_file_if_exists(path);
  if (!text) return std::nullopt;
  return record_from_json(*text, path.string());
}

NetworkRecord Store::get(const std::string& name) const {
  auto r = find(name);
  if (!r)
    throw Error("network \"" + name + "\" not found",
                "create it with `berth network create " + name + "`, or check `berth network ls`");
  return *r;
}

std::vector<NetworkRecord> Store::all() const {
  std::vector<NetworkRecord> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir(), ec)) {
    if (entry.path().extension() != ".json") continue;
    out.push_back(record_from_json(fs::read_file(entry.path()), entry.path().string()));
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.spec.name < b.spec.name; });
  return out;
}

void Store::save(const NetworkRecord& record) const {
  fs::write_file_atomic(dir() / (record.spec.name + ".json"), to_json(record), 0600);
}

void Store::erase(const std::string& name) const {
  std::error_code ec;
  std::filesystem::remove(dir() / (name + ".json"), ec);
}

}  // namespace berth::network
