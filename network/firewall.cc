#include "network/firewall.h"

#include <nftables/libnftables.h>

#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include "util/error.h"
#include "util/fs.h"

namespace berth::network {

namespace {
std::string quoted(const std::string& s) { return "\"" + s + "\""; }

// One DNAT rule: packets of `family` ("ip"/"ip6") for the host port, to the container's address.
void write_dnat(std::ostream& out, const PublishedPort& p, const std::string& family,
                const std::string& container) {
  // Every address of this host; but not ::1, which the kernel never routes to a container
  // (IPv6 has no route_localnet): the loopback port proxy (proxy/) answers there instead.
  std::string match = p.host_ip.empty() || p.host_ip == "0.0.0.0" || p.host_ip == "::"
                          ? (family == "ip" ? "meta nfproto ipv4" : "ip6 daddr != ::1") +
                                std::string(" fib daddr type local")
                          : family + " daddr " + p.host_ip;
  std::string to = family == "ip" ? container : "[" + container + "]";
  out << "    " << match << " " << p.protocol << " dport " << p.host_port << " dnat " << family
      << " to " << to << ":" << p.container_port << "\n";
}

// Published ports: IPv4 to the container's IPv4 address; IPv6 (on every address, or an IPv6
// host_ip) to its IPv6 address when it has one.
void write_port_rules(std::ostream& out, const NetworkRecord& r) {
  for (const auto& [id, a] : r.attachments)
    for (const PublishedPort& p : a.ports) {
      bool v6_host = p.host_ip.find(':') != std::string::npos;
      bool any_host = p.host_ip.empty() || p.host_ip == "0.0.0.0";
      if (!v6_host && !a.ipv4.empty()) write_dnat(out, p, "ip", a.ipv4);
      // [::1] is the loopback proxy's (see write_dnat).
      if ((v6_host || any_host) && !a.ipv6.empty() && p.host_ip != "::1") write_dnat(out, p, "ip6", a.ipv6);
    }
}
}  // namespace

std::string firewall_table_name(const NetworkRecord& r) { return "berth-" + r.bridge; }

std::string render_firewall(const NetworkRecord& r) {
  const std::string table = "inet " + firewall_table_name(r);
  const std::string br = quoted(r.bridge);
  std::ostringstream out;
  // Declaring the table first makes the delete succeed when it is not there yet.
  out << "table " << table << " {}\n";
  out << "delete table " << table << "\n";
  out << "table " << table << " {\n";

  out << "  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n";
  if (!r.spec.internal) write_port_rules(out, r);
  out << "  }\n";
  // Connections the host itself opens (to 127.0.0.1 or its own addresses) pass here, not above.
  out << "  chain output {\n    type nat hook output priority -100; policy accept;\n";
  if (!r.spec.internal) write_port_rules(out, r);
  out << "  }\n";

  out << "  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n";
  if (!r.spec.internal) {
    for (const auto& s : r.subnets)
      out << "    " << (s.subnet.is_v4() ? "ip" : "ip6") << " saddr " << s.subnet.str()
          << " oifname != { " << br << ", \"lo\" } masquerade\n";  // not what stays on the host
    // A published port reached from the host's loopback: the container must answer the bridge.
    out << "    oifname " << br << " ip saddr 127.0.0.0/8 masquerade\n";
    // A container reaching another one through a published port (hairpin): without this the
    // answer would go straight back over the bridge, from an address the asker never called.
    for (const auto& s : r.subnets)
      if (s.subnet.is_v4())
        out << "    oifname " << br << " ip saddr " << s.subnet.str() << " ct status dnat masquerade\n";
  }
  out << "  }\n";

  out << "  chain forward {\n    type filter hook forward priority filter; policy accept;\n";
  if (r.spec.internal) {
    out << "    iifname " << br << " oifname != " << br << " drop\n";
    out << "    oifname " << br << " iifname != " << br << " drop\n";
  } else {
    // Into the network only replies and published ports; other networks cannot come in.
    out << "    oifname " << br << " iifname != " << br << " ct state established,related accept\n";
    out << "    oifname " << br << " iifname != " << br << " ct status dnat accept\n";
    out << "    oifname " << br << " iifname != " << br << " drop\n";
  }
  out << "  }\n";
  out << "}\n";
  return out.str();
}

std::string render_firewall_removal(const NetworkRecord& r) {
  const std::string table = "inet " + firewall_table_name(r);
  return "table " + table + " {}\ndelete table " + table + "\n";
}

void run_nft(const std::string& script) {
  // One context for the process: a fresh one pays 5-20 ms to build its caches on first use,
  // a warm one runs a table rewrite in well under a millisecond.
  static std::mutex mutex;
  static std::unique_ptr<nft_ctx, decltype(&nft_ctx_free)> ctx(nullptr, nft_ctx_free);
  std::lock_guard lock(mutex);
  if (!ctx) {
    ctx.reset(nft_ctx_new(NFT_CTX_DEFAULT));
    if (!ctx) throw Error("cannot start libnftables");
    nft_ctx_buffer_output(ctx.get());
    nft_ctx_buffer_error(ctx.get());
  }
  if (nft_run_cmd_from_buffer(ctx.get(), script.c_str()) != 0) {
    std::string err = nft_ctx_get_error_buffer(ctx.get());
    throw Error("nftables refused berth's rules: " + err,
                "is the nf_tables module available, and are you root?");
  }
  nft_ctx_get_output_buffer(ctx.get());  // reading a buffer empties it for the next command
}

void apply_firewall(const NetworkRecord& r) { run_nft(render_firewall(r)); }

void remove_firewall(const NetworkRecord& r) { run_nft(render_firewall_removal(r)); }

void enable_sysctl(const std::string& key) {
  auto path = "/proc/sys/" + key;
  auto current = fs::read_file_if_exists(path);
  if (current && current->rfind("1", 0) == 0) return;
  // /proc/sys files take a plain write; a rename onto them is impossible.
  std::ofstream out(path);
  out << "1\n";
  out.flush();
  if (!out) throw Error("cannot set " + key + " to 1", "berth needs root to configure networks");
}

}  // namespace berth::network
