// What a container's /etc/resolv.conf and /etc/hosts say, from its networks and its blueprint
// (dns, dns_search, dns_opt, extra_hosts). Pure: the container code writes the files.
#pragma once

#include <string>
#include <vector>

namespace berth::network {

struct ResolverSpec {
  // berth's responder: the gateway of the container's first network. Empty for network_mode
  // host/none, where the host's resolvers are used (or none).
  std::string berth_nameserver;
  std::vector<std::string> dns;         // dns: replaces berth's responder when given
  std::vector<std::string> dns_search;  // dns_search
  std::vector<std::string> dns_opt;     // dns_opt ("ndots:2", "timeout:1", ...)
  std::string host_resolv_conf;         // the host's file, for search/options defaults
};

// The resolv.conf text. Each of dns/dns_search/dns_opt, when given, replaces what berth or the
// host would say; addresses in `dns` are checked and a bad one is a berth::Error.
std::string render_resolv_conf(const ResolverSpec& spec);

struct HostsEntry {
  std::string address;
  std::vector<std::string> names;
};

// "host:ip" or "host=ip" (compose's extra_hosts forms; IPv6 addresses may be bracketed).
HostsEntry parse_extra_host(const std::string& text);
// The hosts text: localhost lines, the container's own names on each of its addresses, then the
// extra hosts.
std::string render_hosts(const std::vector<HostsEntry>& own, const std::vector<HostsEntry>& extra);

}  // namespace berth::network
