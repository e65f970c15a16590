#include "network/dns/table.h"

#include <gtest/gtest.h>

using namespace berth::network;
using namespace berth::network::dns;

namespace {
IpAddress ip(const char* s) { return *IpAddress::parse(s); }

// Two networks: front (web x2, proxy) and back (db, proxy on both).
Table sample() {
  Table t;
  t.networks.push_back({"front",
                        {ip("10.1.0.1")},
                        {*Cidr::parse("10.1.0.0/24")},
                        {{"web-1", {"web", "web-1"}, {ip("10.1.0.2")}},
                         {"web-2", {"web", "web-2", "www"}, {ip("10.1.0.3")}},
                         {"proxy-1", {"proxy"}, {ip("10.1.0.4")}}}});
  t.networks.push_back({"back",
                        {ip("10.2.0.1")},
                        {*Cidr::parse("10.2.0.0/24")},
                        {{"db-1", {"db"}, {ip("10.2.0.2"), ip("fd00::2")}},
                         {"proxy-1", {"proxy"}, {ip("10.2.0.4")}}}});
  return t;
}
}  // namespace

TEST(DnsTable, EveryReplicaOfAService) {
  auto l = sample().lookup("web", ip("10.1.0.4"), ip("10.1.0.1"));
  EXPECT_TRUE(l.in_scope);
  ASSERT_EQ(l.addresses.size(), 2u);
  EXPECT_EQ(l.addresses[0].str(), "10.1.0.2");
  EXPECT_EQ(l.addresses[1].str(), "10.1.0.3");
  EXPECT_EQ(sample().lookup("WWW.", ip("10.1.0.4"), ip("10.1.0.1")).addresses.size(), 1u);
}

TEST(DnsTable, OnlyNetworksTheAskerShares) {
  // web is on front only: it cannot see db.
  auto l = sample().lookup("db", ip("10.1.0.2"), ip("10.1.0.1"));
  EXPECT_TRUE(l.in_scope);  // a berth name: NXDOMAIN, never sent to the host's resolvers
  EXPECT_TRUE(l.addresses.empty());
  // proxy is on both, asking on front: it sees db through back.
  auto p = sample().lookup("db", ip("10.1.0.4"), ip("10.1.0.1"));
  EXPECT_EQ(p.addresses.size(), 2u);
}

TEST(DnsTable, UnknownAskerGetsTheListeningNetwork) {
  EXPECT_EQ(sample().lookup("db", ip("10.2.0.99"), ip("10.2.0.1")).addresses.size(), 2u);
  EXPECT_TRUE(sample().lookup("db", ip("10.2.0.99"), ip("10.1.0.1")).addresses.empty());
}

TEST(DnsTable, ScopeOfUnknownNames) {
  EXPECT_TRUE(sample().lookup("nothing", ip("10.1.0.2"), ip("10.1.0.1")).in_scope);
  EXPECT_FALSE(sample().lookup("example.org", ip("10.1.0.2"), ip("10.1.0.1")).in_scope);
}

TEST(DnsTable, JsonRoundTrip) {
  Table t = table_from_json(to_json(sample()));
  ASSERT_EQ(t.networks.size(), 2u);
  EXPECT_EQ(t.networks[1].entries[0].addresses[1].str(), "fd00::2");
  EXPECT_EQ(t.lookup("web", ip("10.1.0.4"), ip("10.1.0.1")).addresses.size(), 2u);
  EXPECT_TRUE(table_from_json("not json").networks.empty());
}

TEST(DnsTable, FromRecords) {
  NetworkRecord r;
  r.spec.name = "n";
  SubnetState s;
  s.subnet = *Cidr::parse("10.3.0.0/24");
  s.gateway = ip("10.3.0.1");
  r.subnets.push_back(s);
  Attachment a;
  a.container = "c1";
  a.ipv4 = "10.3.0.2";
  a.names = {"Svc", "alias"};
  r.attachments["c1"] = a;
  Table t = table_from_records({r});
  ASSERT_EQ(t.networks.size(), 1u);
  EXPECT_EQ(t.networks[0].listen[0].str(), "10.3.0.1");
  EXPECT_EQ(t.lookup("svc", ip("10.3.0.9"), ip("10.3.0.1")).addresses[0].str(), "10.3.0.2");
}

TEST(DnsTable, OnlyBerthNetworksAndLoopbackMayAsk) {
  auto t = table_from_json(to_json(sample()));
  EXPECT_TRUE(t.may_ask(ip("10.1.0.77")));
  EXPECT_TRUE(t.may_ask(ip("10.2.0.3")));
  EXPECT_TRUE(t.may_ask(ip("127.0.0.1")));
  EXPECT_FALSE(t.may_ask(ip("192.0.2.10")));
  EXPECT_FALSE(t.may_ask(ip("fd00::9")));
}

TEST(DnsTable, OnlyContainersKeepsNetworksAndDropsTheOthersNames) {
  Table running = sample().only_containers({"web-1", "proxy-1"});
  ASSERT_EQ(running.networks.size(), 2u);
  EXPECT_EQ(running.networks[0].entries.size(), 2u);
  EXPECT_EQ(running.networks[1].entries.size(), 1u);
  // A scaled service answers with its running replica only.
  auto web = running.lookup("web", ip("10.1.0.4"), ip("10.1.0.1"));
  ASSERT_EQ(web.addresses.size(), 1u);
  EXPECT_EQ(web.addresses[0].str(), "10.1.0.2");
  // A name only a stopped container has: in scope, no address (NXDOMAIN).
  auto www = running.lookup("www", ip("10.1.0.4"), ip("10.1.0.1"));
  EXPECT_TRUE(www.in_scope);
  EXPECT_TRUE(www.addresses.empty());
  EXPECT_TRUE(running.lookup("db", ip("10.2.0.4"), ip("10.2.0.1")).addresses.empty());
  // Who may ask and where the responder listens do not depend on who runs.
  EXPECT_TRUE(running.may_ask(ip("10.2.0.2")));
  EXPECT_EQ(running.listen_addresses().size(), 2u);
  EXPECT_TRUE(sample().only_containers({}).lookup("web", ip("10.1.0.4"), ip("10.1.0.1")).addresses.empty());
}
