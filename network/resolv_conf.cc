#include "network/resolv_conf.h"

#include <sstream>

#include "network/ip.h"
#include "util/error.h"

namespace berth::network {

namespace {
// The values of the host's "search"/"options" lines.
std::vector<std::string> host_values(const std::string& conf, const std::string& key) {
  std::vector<std::string> out;
  std::istringstream in(conf);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string word;
    if (!(words >> word) || word != key) continue;
    out.clear();  // the last such line wins, as in the resolver
    while (words >> word) out.push_back(word);
  }
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}
}  // namespace

std::string render_resolv_conf(const ResolverSpec& spec) {
  std::vector<std::string> servers = spec.dns;
  for (const auto& s : servers) IpAddress::parse_or_throw(s, "dns");
  if (servers.empty() && !spec.berth_nameserver.empty()) servers.push_back(spec.berth_nameserver);
  if (servers.empty()) {  // no berth network: the host's resolvers, every one of them
    std::istringstream in(spec.host_resolv_conf);
    for (std::string line; std::getline(in, line);) {
      std::istringstream words(line);
      std::string key, value;
      if (words >> key >> value && key == "nameserver") servers.push_back(value);
    }
  }
  std::ostringstream out;
  out << "# written by berth\n";
  for (const auto& s : servers) out << "nameserver " << s << "\n";
  auto search = spec.dns_search.empty() ? host_values(spec.host_resolv_conf, "search") : spec.dns_search;
  if (!search.empty()) out << "search " << join(search) << "\n";
  auto options = spec.dns_opt.empty() ? host_values(spec.host_resolv_conf, "options") : spec.dns_opt;
  if (!options.empty()) out << "options " << join(options) << "\n";
  return out.str();
}

HostsEntry parse_extra_host(const std::string& text) {
  auto sep = text.find_first_of(":=");
  if (sep == std::string::npos || sep == 0 || sep + 1 >= text.size())
    throw Error("extra_hosts: \"" + text + "\" is not host:address",
                "write it like \"db.local:10.0.0.5\" or \"db.local=10.0.0.5\"");
  std::string host = text.substr(0, sep);
  std::string address = text.substr(sep + 1);
  if (address.size() > 2 && address.front() == '[' && address.back() == ']')
    address = address.substr(1, address.size() - 2);
  if (address != "host-gateway") IpAddress::parse_or_throw(address, "extra_hosts " + host);
  return {address, {host}};
}

std::string render_hosts(const std::vector<HostsEntry>& own, const std::vector<HostsEntry>& extra) {
  std::ostringstream out;
  out << "127.0.0.1\tlocalhost\n"
      << "::1\tlocalhost ip6-localhost ip6-loopback\n";
  for (const auto* list : {&own, &extra})
    for (const auto& e : *list) out << e.address << "\t" << join(e.names) << "\n";
  return out.str();
}

}  // namespace berth::network
