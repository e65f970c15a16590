// The loopback proxy's routes: which published ports get one, and to which address.
#include "network/proxy/routes.h"

#include <gtest/gtest.h>

#include "util/error.h"

using namespace berth::network;
using berth::network::proxy::Route;

namespace {
NetworkRecord record_with(const std::string& ipv4, const std::string& ipv6, std::vector<PublishedPort> ports) {
  NetworkRecord r;
  r.spec.name = "n";
  Attachment a;
  a.container = "c1";
  a.ipv4 = ipv4;
  a.ipv6 = ipv6;
  a.ports = std::move(ports);
  r.attachments["c1"] = a;
  return r;
}
}  // namespace

TEST(ProxyRoutes, PortsOnEveryAddressGoToTheContainersIpv4WhenItHasNoIpv6) {
  auto r = record_with("172.20.0.2", "", {{"", 8080, 80, "tcp"}, {"0.0.0.0", 5353, 53, "udp"}, {"127.0.0.1", 9000, 90, "tcp"}});
  auto routes = proxy::routes_from_records({r});
  ASSERT_EQ(routes.size(), 2u);  // not the one published on 127.0.0.1 only
  EXPECT_EQ(routes[0], (Route{8080, "tcp", "172.20.0.2", 80}));
  EXPECT_EQ(routes[1], (Route{5353, "udp", "172.20.0.2", 53}));
}

TEST(ProxyRoutes, ToTheContainersIpv6WhenItHasOne) {
  auto r = record_with("172.20.0.2", "fd00::2", {{"", 8080, 80, "tcp"}, {"::1", 8081, 81, "tcp"}});
  auto routes = proxy::routes_from_records({r});
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0], (Route{8080, "tcp", "fd00::2", 80}));
  EXPECT_EQ(routes[1], (Route{8081, "tcp", "fd00::2", 81}));
}

TEST(ProxyRoutes, JsonRoundTrip) {
  std::vector<Route> routes{{8080, "tcp", "172.20.0.2", 80}, {53, "udp", "fd00::2", 5353}};
  EXPECT_EQ(proxy::routes_from_json(proxy::to_json(routes)), routes);
  EXPECT_TRUE(proxy::routes_from_json(proxy::to_json({})).empty());
  EXPECT_THROW(proxy::routes_from_json("{\"routes\": [{\"port\": \"x\"}]}"), berth::Error);
}
