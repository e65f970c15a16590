#include "network/dns/table.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "network/dns/wire.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/paths.h"

namespace berth::network::dns {

using nlohmann::json;

Lookup Table::lookup(const std::string& raw, const IpAddress& asker, const IpAddress& local) const {
  const std::string name = canonical_name(raw);
  // The asker is known by its address on one network; it sees every network it is on.
  std::set<std::string> askers;
  for (const auto& n : networks)
    for (const auto& e : n.entries)
      if (std::find(e.addresses.begin(), e.addresses.end(), asker) != e.addresses.end())
        askers.insert(e.container);
  std::set<const Network*> scope;
  for (const auto& n : networks)
    for (const auto& e : n.entries)
      if (askers.count(e.container)) scope.insert(&n);
  if (scope.empty())
    for (const auto& n : networks)
      if (std::find(n.listen.begin(), n.listen.end(), local) != n.listen.end()) scope.insert(&n);

  Lookup out;
  out.in_scope = name.find('.') == std::string::npos;
  for (const auto& n : networks)
    for (const auto& e : n.entries) {
      if (std::find(e.names.begin(), e.names.end(), name) == e.names.end()) continue;
      out.in_scope = true;  // a berth name, even where the asker may not see it
      if (!scope.count(&n)) continue;
      for (const auto& a : e.addresses)
        if (std::find(out.addresses.begin(), out.addresses.end(), a) == out.addresses.end())
          out.addresses.push_back(a);
    }
  return out;
}

bool Table::may_ask(const IpAddress& asker) const {
  if (asker.is_v4() ? asker.bytes()[0] == 127 : asker == *IpAddress::parse("::1")) return true;
  for (const auto& n : networks)
    for (const auto& s : n.subnets)
      if (s.contains(asker)) return true;
  return false;
}

std::vector<IpAddress> Table::listen_addresses() const {
  std::vector<IpAddress> out;
  for (const auto& n : networks) out.insert(out.end(), n.listen.begin(), n.listen.end());
  return out;
}

Table Table::only_containers(const std::set<std::string>& containers) const {
  Table out{networks};
  for (auto& n : out.networks)
    std::erase_if(n.entries, [&](const Entry& e) { return !containers.count(e.container); });
  return out;
}

Table table_from_records(const std::vector<NetworkRecord>& records) {
  Table t;
  for (const auto& r : records) {
    Network n;
    n.name = r.spec.name;
    for (const auto& s : r.subnets) {
      n.listen.push_back(s.gateway);
      n.subnets.push_back(s.subnet);
    }
    for (const auto& [id, a] : r.attachments) {
      Entry e;
      e.container = id;
      for (const auto& name : a.names) e.names.push_back(canonical_name(name));
      if (auto v4 = IpAddress::parse(a.ipv4)) e.addresses.push_back(*v4);
      if (auto v6 = IpAddress::parse(a.ipv6)) e.addresses.push_back(*v6);
      n.entries.push_back(std::move(e));
    }
    t.networks.push_back(std::move(n));
  }
  return t;
}

namespace {
std::vector<std::string> strs(const std::vector<IpAddress>& v) {
  std::vector<std::string> out;
  for (const auto& a : v) out.push_back(a.str());
  return out;
}
std::vector<IpAddress> addrs(const json& j) {
  std::vector<IpAddress> out;
  for (const auto& s : j)
    if (auto a = IpAddress::parse(s.get<std::string>())) out.push_back(*a);
  return out;
}
}  // namespace

std::string to_json(const Table& t) {
  json nets = json::array();
  for (const auto& n : t.networks) {
    json entries = json::array();
    for (const auto& e : n.entries)
      entries.push_back({{"container", e.container}, {"names", e.names}, {"addresses", strs(e.addresses)}});
    std::vector<std::string> subnets;
    for (const auto& c : n.subnets) subnets.push_back(c.str());
    nets.push_back({{"name", n.name}, {"listen", strs(n.listen)}, {"subnets", subnets}, {"entries", entries}});
  }
  return json{{"networks", nets}}.dump(1) + "\n";
}

Table table_from_json(const std::string& text) {
  Table t;
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return t;
  for (const auto& jn : j.value("networks", json::array())) {
    Network n;
    n.name = jn.value("name", "");
    n.listen = addrs(jn.value("listen", json::array()));
    for (const auto& c : jn.value("subnets", std::vector<std::string>{}))
      if (auto cidr = Cidr::parse(c)) n.subnets.push_back(*cidr);
    for (const auto& je : jn.value("entries", json::array()))
      n.entries.push_back({je.value("container", ""), je.value("names", std::vector<std::string>{}),
                           addrs(je.value("addresses", json::array()))});
    t.networks.push_back(std::move(n));
  }
  return t;
}

std::filesystem::path table_path() { return paths::run_root() / "dns" / "records.json"; }

void publish_table(const std::vector<NetworkRecord>& records) {
  // The table lives under the run root (tmpfs, rebuilt from the records after a reboot): a
  // rename is all readers need; an fsync would only add ~10 ms to every attach and detach.
  auto path = table_path();
  std::string text = to_json(table_from_records(records));
  std::error_code ec;  // a directory that cannot be made fails the write, with its path
  std::filesystem::create_directories(path.parent_path(), ec);
  fs::write_file_if_changed(path, text, 0644, false);  // the responder is not woken for nothing
}

}  // namespace berth::network::dns
