#include "network/firewall.h"

#include <gtest/gtest.h>

using namespace berth::network;

namespace {
NetworkRecord sample(bool internal) {
  NetworkRecord r;
  r.spec.name = "front";
  r.spec.internal = internal;
  r.bridge = "berth-front";
  SubnetState s;
  s.subnet = *Cidr::parse("10.7.0.0/24");
  s.gateway = *IpAddress::parse("10.7.0.1");
  r.subnets.push_back(s);
  Attachment a;
  a.container = "web-1";
  a.ipv4 = "10.7.0.2";
  a.ports = {{"", 8080, 80, "tcp"}, {"127.0.0.1", 5353, 53, "udp"}};
  r.attachments["web-1"] = a;
  return r;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST(Firewall, TableIsReplacedAtomically) {
  auto s = render_firewall(sample(false));
  EXPECT_EQ(s.rfind("table inet berth-berth-front {}\ndelete table inet berth-berth-front\n", 0), 0u) << s;
}

TEST(Firewall, PublishedPortsMasqueradeAndIsolation) {
  auto s = render_firewall(sample(false));
  EXPECT_TRUE(has(s, "meta nfproto ipv4 fib daddr type local tcp dport 8080 dnat ip to 10.7.0.2:80")) << s;
  EXPECT_FALSE(has(s, "dnat ip6")) << s;  // the container has no IPv6 address
  EXPECT_TRUE(has(s, "ip daddr 127.0.0.1 udp dport 5353 dnat ip to 10.7.0.2:53")) << s;
  EXPECT_TRUE(has(s, "ip saddr 10.7.0.0/24 oifname != { \"berth-front\", \"lo\" } masquerade")) << s;
  EXPECT_TRUE(has(s, "oifname \"berth-front\" ip saddr 127.0.0.0/8 masquerade")) << s;
  EXPECT_TRUE(has(s, "ct status dnat accept")) << s;
  // Port rules in both the prerouting and the output hook.
  auto first = s.find("tcp dport 8080");
  EXPECT_NE(s.find("tcp dport 8080", first + 1), std::string::npos);
}

TEST(Firewall, InternalNetworksHaveNoWayOut) {
  auto s = render_firewall(sample(true));
  EXPECT_TRUE(has(s, "iifname \"berth-front\" oifname != \"berth-front\" drop")) << s;
  EXPECT_FALSE(has(s, "masquerade")) << s;
  EXPECT_FALSE(has(s, "dnat ip to")) << s;
}

TEST(Firewall, Removal) {
  EXPECT_EQ(render_firewall_removal(sample(false)),
            "table inet berth-berth-front {}\ndelete table inet berth-berth-front\n");
}

TEST(Firewall, Ipv6PublishedPorts) {
  auto r = sample(false);
  r.attachments["web-1"].ipv6 = "fd00:7::2";
  r.attachments["web-1"].ports.push_back({"fd00:99::1", 8443, 443, "tcp"});
  auto s = render_firewall(r);
  // Every address but ::1, which the loopback proxy serves (the kernel cannot DNAT it away).
  EXPECT_TRUE(has(s, "ip6 daddr != ::1 fib daddr type local tcp dport 8080 dnat ip6 to [fd00:7::2]:80")) << s;
  EXPECT_TRUE(has(s, "ip6 daddr fd00:99::1 tcp dport 8443 dnat ip6 to [fd00:7::2]:443")) << s;
  EXPECT_FALSE(has(s, "ip daddr fd00:99::1")) << s;
  r.attachments["web-1"].ports.push_back({"::1", 8444, 444, "tcp"});
  EXPECT_FALSE(has(render_firewall(r), "dport 8444")) << "[::1] goes through the loopback proxy";
  // 127.0.0.1 is IPv4 only.
  EXPECT_FALSE(has(s, "ip6 daddr 127.0.0.1")) << s;
}
