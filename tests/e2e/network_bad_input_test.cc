// Bad network input through `berth up`: each is refused with a clear error that says where and
// how to fix it, and nothing is left of the project: no bridge, veth, namespace, nftables
// table, network record (IPAM) or container. A network name too long for an interface name is
// not bad input: it works under a derived short bridge name.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>


#include "network/ifname.h"
#include "tests/support/compose_project.h"
#include "tests/support/host_network_state.h"

namespace berth::test {
namespace {

namespace stdfs = std::filesystem;

std::string subnet_part(int second) { return "10." + std::to_string(second) + "." + std::to_string(::getpid() % 250) + "."; }

const std::string kService = "    image: busybox\n    command: [\"sleep\", \"1000\"]\n    init: true\n";

// `up -d` must fail with every one of `expected` in its message, and leave nothing: no bridge or
// nftables table of the project's `networks` (by key; berth's names for them), no namespace,
// network record, container or resources record.
void expect_refused(const ComposeProject& p, const std::vector<std::string>& networks,
                    const std::vector<std::string>& expected) {
  Result up = p({"up", "-d"});
  EXPECT_NE(up.exit_code, 0) << up.err;
  for (const auto& text : expected) EXPECT_NE(up.err.find(text), std::string::npos) << "no \"" << text << "\" in:\n" << up.err;
  EXPECT_NE(up.err.find("hint:"), std::string::npos) << up.err;

  ProjectNetworking would_be;
  for (const auto& key : networks) {
    std::string bridge = network::bridge_name_for(p.name() + "_" + key, (p.dir() / "state").string());
    would_be.interfaces.insert(bridge);
    would_be.nft_tables.insert("inet berth-" + bridge);
  }
  expect_no_network_left(would_be, p.dir() / "state", p.dir() / "run");
  Result ps = p({"ps", "-a", "-q"});
  EXPECT_EQ(ps.out, "") << "containers left: " << ps.out;
  std::error_code ec;
  for (const auto& e : stdfs::directory_iterator(p.dir() / "state" / "stack", ec))
    if (e.path().extension() == ".json") ADD_FAILURE() << "container resources left: " << e.path();
  EXPECT_EQ(p.raw({"network", "ls", "-q"}).out, "");
}

TEST(NetworkBadInputE2E, OverlappingSubnets) {
  std::string net = subnet_part(247);
  ComposeProject p("services:\n  a:\n" + kService + "    networks: [one]\n  b:\n" + kService + "    networks: [two]\n"
                   "networks:\n"
                   "  one:\n    ipam:\n      config:\n        - subnet: " + net + "0/24\n"
                   "  two:\n    ipam:\n      config:\n        - subnet: " + net + "128/25\n");
  expect_refused(p, {"one", "two"}, {"networks.", "overlaps " + net + "0/24"});
}

TEST(NetworkBadInputE2E, StaticAddressOutsideItsSubnet) {
  std::string net = subnet_part(247);
  ComposeProject p("services:\n  a:\n" + kService +
                   "    networks:\n      default:\n        ipv4_address: 10.99.99.5\n"
                   "networks:\n  default:\n    ipam:\n      config:\n        - subnet: " + net + "0/24\n");
  expect_refused(p, {"default"}, {"services.a.networks.default.ipv4_address", "10.99.99.5 is not inside subnet " + net + "0/24",
                     "compose.yaml"});
}

TEST(NetworkBadInputE2E, StaticAddressTakenTwice) {
  std::string net = subnet_part(247);
  ComposeProject p("services:\n"
                   "  a:\n" + kService + "    networks:\n      default:\n        ipv4_address: " + net + "7\n"
                   "  b:\n" + kService + "    networks:\n      default:\n        ipv4_address: " + net + "7\n"
                   "networks:\n  default:\n    ipam:\n      config:\n        - subnet: " + net + "0/24\n");
  expect_refused(p, {"default"}, {"services.b.networks.default.ipv4_address", net + "7 is already taken"});
}

TEST(NetworkBadInputE2E, StaticAddressOfTheGateway) {
  std::string net = subnet_part(247);
  ComposeProject p("services:\n  a:\n" + kService + "    networks:\n      default:\n        ipv4_address: " + net + "1\n"
                   "networks:\n  default:\n    ipam:\n      config:\n        - subnet: " + net + "0/24\n");
  expect_refused(p, {"default"}, {"services.a.networks.default.ipv4_address", "the gateway"});
}

TEST(NetworkBadInputE2E, ExternalNetworkThatDoesNotExist) {
  ComposeProject p("services:\n  a:\n" + kService + "    networks: [outside]\n"
                   "networks:\n  outside:\n    external: true\n    name: nosuchnet" + std::to_string(::getpid()) + "\n");
  expect_refused(p, {}, {"external network \"nosuchnet", "not found", "berth network create"});
}

TEST(NetworkBadInputE2E, NetworkModeOfAContainerThatDoesNotExist) {
  ComposeProject p("services:\n  a:\n" + kService + "  b:\n" + kService + "    network_mode: \"container:nosuchcontainer\"\n");
  expect_refused(p, {"default"}, {"services.b.network_mode", "container:nosuchcontainer: no such container"});
}

TEST(NetworkBadInputE2E, HostPortAlreadyInUse) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  std::string port = std::to_string(ntohs(sa.sin_port));
  // The port is the second service's, so that a check made only when its container is created
  // would leave the first one (and the network) behind.
  ComposeProject p("services:\n  a:\n" + kService + "  b:\n" + kService + "    ports: [\"" + port + ":80\"]\n");
  expect_refused(p, {"default"}, {"services.b.networks.default.ports", "host port " + port + "/tcp is already in use"});
  ::close(fd);
}

TEST(NetworkBadInputE2E, ANetworkNameTooLongForAnInterfaceWorksUnderAShortName) {
  ComposeProject p("services:\n  a:\n" + kService + "    networks: [a_network_name_far_longer_than_fifteen_characters]\n"
                   "  b:\n    image: busybox\n"
                   "    command: [\"sh\", \"-c\", \"mkdir -p /www && echo b > /www/index.html && exec httpd -f -p 80 -h /www\"]\n"
                   "    networks: [a_network_name_far_longer_than_fifteen_characters]\n"
                   "networks:\n  a_network_name_far_longer_than_fifteen_characters: {}\n");
  Result up = p({"up", "-d"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  ProjectNetworking made = networking_on_record(p.dir() / "state");
  for (const auto& i : made.interfaces) EXPECT_LE(i.size(), 15u) << i;
  // a reaches b by name over the network (the server may take a moment to listen).
  Result get;
  for (int i = 0; i < 50 && get.out != "b\n"; ++i) {
    if (i) ::usleep(100 * 1000);
    // busybox's static wget crashes resolving names itself (and with -T): its nslookup resolves.
    get = p({"exec", "-T", "a", "sh", "-c", "wget -qO- http://$(nslookup b | sed -n 's/^Address: //p' | tail -1):80/"});
  }
  EXPECT_EQ(get.out, "b\n") << get.err;
  down_and_expect_no_network_left(p);
}

}  // namespace
}  // namespace berth::test
