// The check of a project's networking before anything is made (needs root: it reads the host's
// routes and berth's records under the host lock).
#include "network/preflight.h"

#include "tests/network/netns_helpers.h"

using namespace berth::network;
using berth::test::NetworkTest;

namespace {
std::string message_of(const NetworkPlan& plan) {
  try {
    check_network_plan(plan);
  } catch (const berth::Error& e) {
    return e.what();
  }
  return "";
}

NetworkSpec with_subnet(const std::string& name, const std::string& subnet) {
  NetworkSpec s;
  s.name = name;
  s.ipam.push_back({subnet, "", "", {}});
  return s;
}
}  // namespace

using Preflight = NetworkTest;

TEST_F(Preflight, NetworksOfTheProjectMustNotOverlapEachOtherOrExistingOnes) {
  std::string third = std::to_string(::getpid() % 250);
  NetworkPlan plan;
  plan.networks = {with_subnet(name("one"), "10.246." + third + ".0/24"),
                   with_subnet(name("two"), "10.246." + third + ".128/25")};
  EXPECT_NE(message_of(plan).find("overlaps 10.246." + third + ".0/24"), std::string::npos) << message_of(plan);

  create_network(with_subnet(name("old"), "10.246." + third + ".0/24"));
  plan.networks = {with_subnet(name("new"), "10.246." + third + ".0/25")};
  EXPECT_NE(message_of(plan).find("overlaps"), std::string::npos) << message_of(plan);
  // The existing network itself is fine: it is used as it is.
  plan.networks = {with_subnet(name("old"), "10.246." + third + ".0/24")};
  EXPECT_EQ(message_of(plan), "");
}

TEST_F(Preflight, ExternalNetworkMustExist) {
  NetworkPlan plan;
  NetworkSpec s;
  s.name = name("ext");
  s.external = true;
  plan.networks = {s};
  EXPECT_NE(message_of(plan).find("external network \"" + s.name + "\" not found"), std::string::npos);
  create_network(spec("ext"));
  EXPECT_EQ(message_of(plan), "");
}

TEST_F(Preflight, StaticAddressesInsideTheirSubnetFreeAndOnce) {
  std::string net = "10.245." + std::to_string(::getpid() % 250) + ".";
  auto existing = create_network(with_subnet(name("st"), net + "0/24"));
  auto ns = netlink::Netns::create(name("stc"));
  AttachSpec a{"running", ns.path(), existing.spec.name, "eth0", net + "5", "", "", {}, {}, true};
  berth::network::attach(a);

  NetworkPlan plan;
  plan.networks = {existing.spec};
  plan.attachments = {{"services.a.networks.default", {}, existing.spec.name, "10.9.9.9", "", {}}};
  EXPECT_NE(message_of(plan).find("is not inside subnet " + net + "0/24"), std::string::npos) << message_of(plan);
  plan.attachments = {{"services.a.networks.default", {}, existing.spec.name, net + "5", "", {}}};
  EXPECT_NE(message_of(plan).find("already taken by container running"), std::string::npos) << message_of(plan);
  // ... unless the plan removes that container first (a recreate keeping its address).
  plan.leaving = {"running"};
  EXPECT_EQ(message_of(plan), "");
  plan.attachments.push_back({"services.b.networks.default", {}, existing.spec.name, net + "5", "", {}});
  EXPECT_NE(message_of(plan).find("services.b.networks.default.ipv4_address"), std::string::npos) << message_of(plan);
  detach("running", existing.spec.name);
}
