// Networks through `berth up`, with real containers: network_mode (service:, container:, none,
// host), static addresses and MACs, aliases and their scope, DNS of scaled services and unknown
// names, DNS following a recreated, a stopped and a started container, published ports from the
// host and from a test host.
// Every test takes the project down and checks that no bridge, veth, namespace, nftables table or
// IPAM record of it is left.
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/compose_project.h"
#include "tests/support/host_network_state.h"
#include "tests/support/test_host.h"

namespace berth::test {
namespace {

using Clock = std::chrono::steady_clock;

// A subnet of this test program's own: 10.<second>.<pid % 250>.0/24.
std::string subnet_part(int second) { return "10." + std::to_string(second) + "." + std::to_string(::getpid() % 250) + "."; }

// A container that serves `text` over HTTP on `port` (busybox httpd).
std::string http_server(const std::string& text, int port = 8000) {
  return "[\"sh\", \"-c\", \"mkdir -p /www && echo " + text + " > /www/index.html && exec httpd -f -p " +
         std::to_string(port) + " -h /www\"]";
}

const char* kSleep = "[\"sleep\", \"1000\"]";

Result in(const ComposeProject& p, const std::string& service, const std::string& command, int index = 1) {
  return p({"exec", "-T", "--index", std::to_string(index), service, "sh", "-c", command});
}

// The IPv4 address (without prefix) of `ifname` in a service's container; "" when it has none.
std::string ipv4_of(const ComposeProject& p, const std::string& service, int index = 1,
                    const std::string& ifname = "eth0") {
  std::string out = in(p, service, "ip -4 -o addr show " + ifname, index).out;
  std::smatch m;
  if (!std::regex_search(out, m, std::regex("inet ([0-9.]+)/"))) return "";
  return m[1];
}

// The IPv4 addresses busybox nslookup reports for `name` asked from `service` (not the server's).
std::set<std::string> resolve(const ComposeProject& p, const std::string& service, const std::string& name) {
  Result r = in(p, service, "nslookup " + name);
  std::set<std::string> out;
  std::istringstream lines(r.out);
  bool answers = false;  // the lines after "Name:" are the answers; before it, the server
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("Name:", 0) == 0) answers = true;
    std::smatch m;
    if (answers && std::regex_search(line, m, std::regex("^Address: ([0-9.]+)$"))) out.insert(m[1]);
  }
  return out;
}

TEST(NetworkUpE2E, NetworkModesShareNoneAndHost) {
  ComposeProject p("services: {}\n");
  p.rewrite("services:\n"
            "  a:\n    image: busybox\n    command: " + http_server("from-a") + "\n"
            "  b:\n    image: busybox\n    command: " + kSleep + "\n    init: true\n"
            "    network_mode: \"service:a\"\n    depends_on: [a]\n"
            "  c:\n    image: busybox\n    command: " + kSleep + "\n    init: true\n"
            "    network_mode: \"container:" + p.name() + "-a-1\"\n    depends_on: [a]\n"
            "  n:\n    image: busybox\n    command: " + kSleep + "\n    init: true\n    network_mode: none\n"
            "  h:\n    image: busybox\n    command: " + kSleep + "\n    init: true\n    network_mode: host\n");
  Result up = p({"up", "-d"});
  ASSERT_EQ(up.exit_code, 0) << up.err;

  std::string a_ip = ipv4_of(p, "a");
  ASSERT_NE(a_ip, "");
  EXPECT_EQ(ipv4_of(p, "b"), a_ip);
  EXPECT_EQ(ipv4_of(p, "c"), a_ip);
  // a's server, on the loopback of the namespace b and c share with it.
  EXPECT_EQ(in(p, "b", "wget -qO- http://127.0.0.1:8000/").out, "from-a\n");
  EXPECT_EQ(in(p, "c", "wget -qO- http://127.0.0.1:8000/").out, "from-a\n");

  // none: loopback only, and up.
  Result links = in(p, "n", "ip -o link show");
  ASSERT_EQ(links.exit_code, 0) << links.err;
  std::istringstream n_links(links.out);
  std::vector<std::string> names;
  for (std::string line; std::getline(n_links, line);) {
    std::smatch m;
    if (std::regex_search(line, m, std::regex("^[0-9]+: ([^:@]+)"))) names.push_back(m[1]);
  }
  EXPECT_EQ(names, std::vector<std::string>{"lo"}) << links.out;
  EXPECT_NE(in(p, "n", "ip -4 -o addr show lo").out.find("127.0.0.1"), std::string::npos);

  // host: the host's own interfaces (the loopback and every other one of this host that is
  // not come and gone with tests running beside this one).
  auto before = host_interfaces();
  std::string h_links = in(p, "h", "ip -o link show").out;
  auto after = host_interfaces();
  int seen = 0;
  for (const auto& i : before) {
    if (!after.count(i) || i.rfind("berth", 0) == 0 || i.rfind("bt-", 0) == 0 || i.rfind("vb-", 0) == 0) continue;
    bool listed = h_links.find(": " + i + ":") != std::string::npos || h_links.find(": " + i + "@") != std::string::npos;
    EXPECT_TRUE(listed) << i << " not seen from network_mode host:\n" << h_links;
    ++seen;
  }
  EXPECT_GE(seen, 2) << "the host has lo and at least one other interface";

  down_and_expect_no_network_left(p);
}

TEST(NetworkUpE2E, StaticAddressMacAndAliasesInTheirScope) {
  std::string front = subnet_part(251), back = subnet_part(252);
  ComposeProject p(
      "services:\n"
      "  a:\n    image: busybox\n    command: " + std::string(kSleep) + "\n    init: true\n"
      "    networks:\n      front:\n        ipv4_address: " + front + "10\n"
      "        mac_address: 02:42:be:7e:00:0a\n        aliases: [alpha, alpha.example]\n"
      "  same:\n    image: busybox\n    command: " + kSleep + "\n    init: true\n    networks: [front]\n"
      "  other:\n    image: busybox\n    command: " + kSleep + "\n    init: true\n    networks: [back]\n"
      "networks:\n"
      "  front:\n    ipam:\n      config:\n        - subnet: " + front + "0/24\n"
      "  back:\n    ipam:\n      config:\n        - subnet: " + back + "0/24\n");
  Result up = p({"up", "-d"});
  ASSERT_EQ(up.exit_code, 0) << up.err;

  Result addr = in(p, "a", "ip -o addr show eth0");
  EXPECT_NE(addr.out.find("inet " + front + "10/24"), std::string::npos) << addr.out;
  Result link = in(p, "a", "ip -o link show eth0");
  EXPECT_NE(link.out.find("link/ether 02:42:be:7e:00:0a"), std::string::npos) << link.out;

  // The aliases (and the service name) from the same network; not from a network a is not on.
  EXPECT_EQ(resolve(p, "same", "alpha"), std::set<std::string>{front + "10"});
  EXPECT_EQ(resolve(p, "same", "alpha.example"), std::set<std::string>{front + "10"});
  EXPECT_EQ(resolve(p, "same", "a"), std::set<std::string>{front + "10"});
  EXPECT_EQ(resolve(p, "other", "alpha"), std::set<std::string>{});
  EXPECT_NE(in(p, "other", "nslookup alpha").out.find("NXDOMAIN"), std::string::npos);
  EXPECT_EQ(resolve(p, "other", "a"), std::set<std::string>{});
  EXPECT_NE(in(p, "other", "ping -c 1 -W 1 " + front + "10").exit_code, 0) << "networks are not isolated";

  down_and_expect_no_network_left(p);
}

// Asks for `name` from `service` until the answer is `want` or a second has passed: records
// follow containers within a second. Returns the last answer.
std::set<std::string> resolve_within_a_second(const ComposeProject& p, const std::string& service,
                                              const std::string& name, const std::set<std::string>& want) {
  auto deadline = Clock::now() + std::chrono::seconds(1);
  std::set<std::string> seen;
  do {
    seen = resolve(p, service, name);
  } while (seen != want && Clock::now() < deadline);
  return seen;
}

// Two sleeping services on the default network: web (to scale) and a client to ask from.
std::string web_and_client() {
  return "services:\n"
         "  web:\n    image: busybox\n    command: " + std::string(kSleep) + "\n    init: true\n"
         "  client:\n    image: busybox\n    command: " + kSleep + "\n    init: true\n";
}

TEST(NetworkUpE2E, EveryReplicaInDnsAndUnknownNamesNxdomain) {
  ComposeProject p(web_and_client());
  Result up = p({"up", "-d", "--scale", "web=3"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  std::set<std::string> replicas;
  for (int i = 1; i <= 3; ++i) replicas.insert(ipv4_of(p, "web", i));
  ASSERT_EQ(replicas.size(), 3u);
  EXPECT_EQ(resolve(p, "client", "web"), replicas);
  // Each replica by its container name too.
  EXPECT_EQ(resolve(p, "client", p.name() + "-web-2"), std::set<std::string>{ipv4_of(p, "web", 2)});

  Result unknown = in(p, "client", "nslookup nosuchservice");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.out.find("NXDOMAIN"), std::string::npos) << unknown.out << unknown.err;

  down_and_expect_no_network_left(p);
}

TEST(NetworkUpE2E, DnsFollowsARestartedAndARecreatedContainer) {
  std::string net = subnet_part(253);
  auto yaml = [&](const std::string& last, const std::string& mode = "one") {
    return "services:\n"
           "  web:\n    image: busybox\n    command: " + std::string(kSleep) + "\n    init: true\n"
           "    environment: {MODE: " + mode + "}\n"
           "    networks:\n      default:\n        ipv4_address: " + net + last + "\n"
           "  client:\n    image: busybox\n    command: " + kSleep + "\n    init: true\n"
           "networks:\n  default:\n    ipam:\n      config:\n        - subnet: " + net + "0/24\n";
  };
  ComposeProject p(yaml("20"));
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);
  EXPECT_EQ(resolve(p, "client", "web"), std::set<std::string>{net + "20"});

  ASSERT_EQ(p({"restart", "-t", "0", "web"}).exit_code, 0);
  EXPECT_EQ(resolve(p, "client", "web"), std::set<std::string>{net + "20"});

  // Recreated keeping its static address (the old container gives it back first).
  std::string old_id = p({"ps", "-q", "web"}).out;
  p.rewrite(yaml("20", "two"));
  Result same = p({"up", "-d"});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_NE(p({"ps", "-q", "web"}).out, old_id) << "not recreated";
  EXPECT_EQ(ipv4_of(p, "web"), net + "20");
  EXPECT_EQ(resolve(p, "client", "web"), std::set<std::string>{net + "20"});

  // Recreated on another address: the name follows within a second of `up` returning.
  p.rewrite(yaml("21"));
  Result up = p({"up", "-d"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  ASSERT_EQ(ipv4_of(p, "web"), net + "21");
  EXPECT_EQ(resolve_within_a_second(p, "client", "web", {net + "21"}), std::set<std::string>{net + "21"});

  down_and_expect_no_network_left(p);
}

// berth keeps a stopped container's namespace and veth; its names leave DNS all the same, as
// Docker's do, and come back when it starts again.
TEST(NetworkUpE2E, OnlyRunningContainersAreInDns) {
  ComposeProject p(web_and_client());
  Result up = p({"up", "-d", "--scale", "web=2"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  const std::string web1 = ipv4_of(p, "web", 1), web2 = ipv4_of(p, "web", 2);
  ASSERT_FALSE(web1.empty());
  ASSERT_FALSE(web2.empty());
  EXPECT_EQ(resolve(p, "client", "web"), (std::set<std::string>{web1, web2}));

  // Replica 2 ends (its init takes the TERM and exits): only replica 1 answers for the service,
  // and replica 2's own name is gone.
  in(p, "web", "kill 1", 2);
  EXPECT_EQ(resolve_within_a_second(p, "client", "web", {web1}), std::set<std::string>{web1});
  Result gone = in(p, "client", "nslookup " + p.name() + "-web-2");
  EXPECT_NE(gone.exit_code, 0) << gone.out;
  EXPECT_NE(gone.out.find("NXDOMAIN"), std::string::npos) << gone.out << gone.err;

  // berth stop: the service's name fails within a second.
  Result stop = p({"stop", "web"});
  ASSERT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_EQ(resolve_within_a_second(p, "client", "web", {}), std::set<std::string>{});
  Result stopped = in(p, "client", "nslookup web");
  EXPECT_NE(stopped.exit_code, 0) << stopped.out;
  EXPECT_NE(stopped.out.find("NXDOMAIN"), std::string::npos) << stopped.out << stopped.err;

  // berth start: both replicas answer again, on the addresses they kept.
  Result start = p({"start", "web"});
  ASSERT_EQ(start.exit_code, 0) << start.err;
  EXPECT_EQ(resolve_within_a_second(p, "client", "web", {web1, web2}), (std::set<std::string>{web1, web2}));
  EXPECT_EQ(resolve(p, "client", p.name() + "-web-2"), std::set<std::string>{web2});

  down_and_expect_no_network_left(p);
}

}  // namespace
}  // namespace berth::test
