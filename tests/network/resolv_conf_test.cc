#include "network/resolv_conf.h"

#include <gtest/gtest.h>

#include "util/error.h"

using namespace berth::network;

namespace {
const char* kHost = "nameserver 10.255.255.53\nnameserver 10.255.255.54\nsearch corp.example\noptions edns0\n";
}

TEST(ResolvConf, PointsAtBerthsResponderKeepingHostSearchAndOptions) {
  ResolverSpec s;
  s.berth_nameserver = "172.18.0.1";
  s.host_resolv_conf = kHost;
  EXPECT_EQ(render_resolv_conf(s),
            "# written by berth\nnameserver 172.18.0.1\nsearch corp.example\noptions edns0\n");
}

TEST(ResolvConf, BlueprintSettingsReplace) {
  ResolverSpec s;
  s.berth_nameserver = "172.18.0.1";
  s.host_resolv_conf = kHost;
  s.dns = {"9.9.9.9"};
  s.dns_search = {"a.example", "b.example"};
  s.dns_opt = {"ndots:2"};
  EXPECT_EQ(render_resolv_conf(s),
            "# written by berth\nnameserver 9.9.9.9\nsearch a.example b.example\noptions ndots:2\n");
  s.dns = {"nine"};
  EXPECT_THROW(render_resolv_conf(s), berth::Error);
}

TEST(ResolvConf, WithoutANetworkTheHostsResolvers) {
  ResolverSpec s;
  s.host_resolv_conf = kHost;
  auto text = render_resolv_conf(s);
  EXPECT_NE(text.find("nameserver 10.255.255.53\nnameserver 10.255.255.54\n"), std::string::npos) << text;
}

TEST(Hosts, ExtraHostsForms) {
  auto a = parse_extra_host("db.local:10.0.0.5");
  EXPECT_EQ(a.address, "10.0.0.5");
  EXPECT_EQ(a.names, std::vector<std::string>{"db.local"});
  EXPECT_EQ(parse_extra_host("v6=[fd00::5]").address, "fd00::5");
  EXPECT_EQ(parse_extra_host("gw:host-gateway").address, "host-gateway");
  EXPECT_THROW(parse_extra_host("nothing"), berth::Error);
  EXPECT_THROW(parse_extra_host("db:notanip"), berth::Error);
}

TEST(Hosts, Render) {
  auto text = render_hosts({{"172.18.0.2", {"web-1", "web"}}}, {parse_extra_host("db:10.0.0.5")});
  EXPECT_EQ(text,
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
            "172.18.0.2\tweb-1 web\n10.0.0.5\tdb\n");
}
