// Published ports through `berth up`, for real: answered on the host's loopback (127.0.0.1 and
// ::1) and own addresses, from a test host (a namespace of the test's own joined by a veth), for
// an IPv4-only network and one with enable_ipv6; and a UDP flow that outlives its container goes
// to the new container once the old one's mapping is gone (its conntrack entries are flushed).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "tests/support/compose_project.h"
#include "tests/support/host_network_state.h"
#include "tests/support/test_host.h"

namespace berth::test {
namespace {

// A TCP port no one listens on now, on every address.
uint16_t free_port(int type = SOCK_STREAM) {
  int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  ::close(fd);
  return ntohs(sa.sin_port);
}

std::string http_server(const std::string& text) {
  return "[\"sh\", \"-c\", \"mkdir -p /www && echo " + text + " > /www/index.html && exec httpd -f -p 80 -h /www\"]";
}

std::string fetch(const std::string& url) { return shell_output("curl -gsS --max-time 5 " + url + " 2>&1"); }

// The server must be up before the first request; its log says nothing, so ask until it answers.
void wait_until_answers(const std::string& url, const std::string& want) {
  for (int i = 0; i < 50 && fetch(url) != want; ++i) ::usleep(100 * 1000);
}

TEST(NetworkPortsE2E, PublishedPortAnswersOnLoopbackAndFromATestHost) {
  TestHost other;
  uint16_t port = free_port();
  ComposeProject p("services:\n"
                   "  web:\n    image: busybox\n    command: " + http_server("published") + "\n"
                   "    ports: [\"" + std::to_string(port) + ":80\"]\n");
  Result up = p({"up", "-d"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  std::string at = ":" + std::to_string(port) + "/";
  wait_until_answers("http://127.0.0.1" + at, "published\n");
  EXPECT_EQ(fetch("http://127.0.0.1" + at), "published\n");
  // The host's own address (the one on the test host's link), asked from the host itself.
  EXPECT_EQ(fetch("http://" + other.host_ip() + at), "published\n");
  // From another machine, as far as the host can tell.
  EXPECT_EQ(other.run("curl -sS --max-time 5 http://" + other.host_ip() + at), "published\n");
  // The IPv6 loopback, to the container's IPv4 address (as Docker's proxy does).
  EXPECT_EQ(fetch("http://[::1]" + at), "published\n");
  down_and_expect_no_network_left(p);
  EXPECT_EQ(other.run("curl -sS --max-time 2 http://" + other.host_ip() + at), "") << "still answers after down";
}

TEST(NetworkPortsE2E, PublishedPortOfAnIpv6NetworkAnswersOnBothLoopbacks) {
  uint16_t port = free_port();
  std::string third = std::to_string(::getpid() % 250);
  ComposeProject p("services:\n"
                   "  web:\n    image: busybox\n    command: " + http_server("six") + "\n"
                   "    ports: [\"" + std::to_string(port) + ":80\"]\n"
                   "networks:\n  default:\n    enable_ipv6: true\n    ipam:\n      config:\n"
                   "        - subnet: 10.249." + third + ".0/24\n"
                   "        - subnet: fd62:6572:7468:" + third + "::/64\n");
  Result up = p({"up", "-d"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  Result addr = p({"exec", "-T", "web", "ip", "-6", "-o", "addr", "show", "eth0"});
  EXPECT_NE(addr.out.find("fd62:6572:7468:" + third + "::"), std::string::npos) << addr.out;
  std::string at = ":" + std::to_string(port) + "/";
  wait_until_answers("http://127.0.0.1" + at, "six\n");
  EXPECT_EQ(fetch("http://127.0.0.1" + at), "six\n");
  EXPECT_EQ(fetch("http://[::1]" + at), "six\n");
  down_and_expect_no_network_left(p);
}

// The conntrack table's lines for UDP flows to 127.0.0.1:host_port from source port `sport`.
std::vector<std::string> udp_flows(uint16_t host_port, uint16_t sport) {
  std::ifstream in("/proc/net/nf_conntrack");
  std::vector<std::string> out;
  std::string want_dport = "dport=" + std::to_string(host_port) + " ";
  std::string want_sport = "sport=" + std::to_string(sport) + " ";
  for (std::string line; std::getline(in, line);)
    if (line.find(" udp ") != std::string::npos && line.find(want_dport) != std::string::npos &&
        line.find(want_sport) != std::string::npos)
      out.push_back(line);
  return out;
}

// Where the flow's replies come from: the second src= of the line (the DNAT'ed container).
std::string reply_source(const std::string& line) {
  std::smatch m;
  if (!std::regex_search(line, m, std::regex("src=[^ ]+ .*?src=([^ ]+) "))) return "";
  return m[1];
}

TEST(NetworkPortsE2E, AUdpFlowGoesToTheNewContainerAfterARecreate) {
  ASSERT_TRUE(std::ifstream("/proc/net/nf_conntrack").good()) << "no /proc/net/nf_conntrack on this host";
  uint16_t port = free_port(SOCK_DGRAM);
  std::string net = "10.248." + std::to_string(::getpid() % 250) + ".";
  auto yaml = [&](const std::string& last) {
    return "services:\n"
           "  dns:\n    image: busybox\n    command: [\"sleep\", \"1000\"]\n    init: true\n"
           "    ports: [\"127.0.0.1:" + std::to_string(port) + ":5353/udp\"]\n"
           "    networks:\n      default:\n        ipv4_address: " + net + last + "\n"
           "networks:\n  default:\n    ipam:\n      config:\n        - subnet: " + net + "0/24\n";
  };
  ComposeProject p(yaml("40"));
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);

  // One client socket for the whole test: the same 5-tuple each time, as a long-lived UDP client.
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in self{};
  self.sin_family = AF_INET;
  ::inet_pton(AF_INET, "127.0.0.1", &self.sin_addr);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&self), sizeof self), 0);
  socklen_t len = sizeof self;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&self), &len);
  uint16_t sport = ntohs(self.sin_port);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  auto send = [&] { ::sendto(fd, "ping", 4, 0, reinterpret_cast<sockaddr*>(&to), sizeof to); };

  send();
  auto flows = udp_flows(port, sport);
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(reply_source(flows[0]), net + "40") << flows[0];

  // Recreated on another address: the old flow must not keep going to .40.
  p.rewrite(yaml("41"));
  Result up = p({"up", "-d"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  send();
  flows = udp_flows(port, sport);
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(reply_source(flows[0]), net + "41") << flows[0];

  // down removes the mapping: no flow of it is left in the table.
  down_and_expect_no_network_left(p);
  EXPECT_EQ(udp_flows(port, sport).size(), 0u);
  ::close(fd);
}

}  // namespace
}  // namespace berth::test
