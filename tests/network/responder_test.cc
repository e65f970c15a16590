// The DNS responder answering real namespaces (needs root): replicas, scopes, NXDOMAIN,
// forwarding to the host's resolvers (here a stand-in on 127.0.0.1), TCP, and live updates.
#include "network/dns/responder.h"

#include <sys/eventfd.h>

#include <chrono>

#include "network/dns/table.h"
#include "network/dns/wire.h"
#include "tests/network/netns_helpers.h"
#include "util/fs.h"

using namespace berth::network;
using berth::test::NetworkTest;

namespace {
// Sends one UDP query from `netns` to server:53; nullopt when no answer came in time.
std::optional<dns::Response> ask_udp(const std::filesystem::path& netns, const IpAddress& server,
                                     const std::string& name, uint16_t type, int timeout_ms) {
  socklen_t len = 0;
  auto to = berth::test::any_addr(server.str(), 53, len);
  int fd = berth::test::socket_in(netns, SOCK_DGRAM, to.ss_family);
  auto q = dns::build_query(0x4242, name, type);
  ::sendto(fd, q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&to), len);
  pollfd p{fd, POLLIN, 0};
  std::optional<dns::Response> out;
  if (::poll(&p, 1, timeout_ms) == 1) {
    dns::Bytes buf(4096);
    ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n > 0) out = dns::parse_response(buf.data(), static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

// Asks until `done` holds for the answer or three seconds passed: the responder picks up table
// changes through inotify, a moment after they are written. Returns the last answer received.
std::optional<dns::Response> ask_until(const std::filesystem::path& netns, const IpAddress& server,
                                       const std::string& name, uint16_t type,
                                       const std::function<bool(const dns::Response&)>& done) {
  std::optional<dns::Response> last;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (std::chrono::steady_clock::now() < deadline) {
    auto answer = ask_udp(netns, server, name, type, 250);
    if (!answer) continue;
    last = answer;
    if (done(*answer)) break;
  }
  return last;
}

std::optional<dns::Response> ask_tcp(const std::filesystem::path& netns, const IpAddress& server,
                                     const std::string& name) {
  int fd = berth::test::socket_in(netns, SOCK_STREAM);
  auto to = berth::test::v4_addr(server.str(), 53);
  std::optional<dns::Response> out;
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
    auto q = dns::build_query(7, name, dns::kTypeA);
    uint8_t len[2] = {static_cast<uint8_t>(q.size() >> 8), static_cast<uint8_t>(q.size() & 0xff)};
    (void)!::write(fd, len, 2);
    (void)!::write(fd, q.data(), q.size());
    if (::recv(fd, len, 2, MSG_WAITALL) == 2) {
      dns::Bytes buf(static_cast<size_t>((len[0] << 8) | len[1]));
      if (::recv(fd, buf.data(), buf.size(), MSG_WAITALL) == static_cast<ssize_t>(buf.size()))
        out = dns::parse_response(buf);
    }
  }
  ::close(fd);
  return out;
}

// A stand-in for the host's resolver on 127.0.0.1: answers every A question with 192.0.2.99.
class FakeUpstream {
 public:
  FakeUpstream() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    auto sa = berth::test::v4_addr("127.0.0.1", 0);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    socklen_t len = sizeof sa;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
    stop_ = ::eventfd(0, EFD_CLOEXEC);
    thread_ = std::thread([this] {
      while (true) {
        pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_, POLLIN, 0}};
        if (::poll(fds, 2, -1) <= 0 || fds[1].revents) return;
        dns::Bytes buf(512);
        sockaddr_in from{};
        socklen_t flen = sizeof from;
        ssize_t n = ::recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &flen);
        if (n <= 0) continue;
        auto q = dns::parse_query(buf.data(), static_cast<size_t>(n));
        if (!q) continue;
        auto reply = dns::build_response(*q, {*IpAddress::parse("192.0.2.99")}, dns::kNoError);
        ::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), flen);
      }
    });
  }
  ~FakeUpstream() {
    uint64_t one = 1;
    (void)!::write(stop_, &one, sizeof one);
    thread_.join();
    ::close(fd_);
    ::close(stop_);
  }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1, stop_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
};

// The responder on a thread of this test, stopped through an eventfd.
class ResponderThread {
 public:
  explicit ResponderThread(uint16_t upstream_port) : stop_(::eventfd(0, EFD_CLOEXEC)) {
    dns::ResponderOptions o;
    o.upstream = {*IpAddress::parse("127.0.0.1")};
    o.upstream_port = upstream_port;
    o.stop_fd = stop_;
    o.exit_when_empty = false;
    thread_ = std::thread([o] { dns::serve(o); });
  }
  ~ResponderThread() {
    uint64_t one = 1;
    (void)!::write(stop_, &one, sizeof one);
    thread_.join();
    ::close(stop_);
  }

 private:
  int stop_;
  std::thread thread_;
};

bool has_answers(const dns::Response& r) { return !r.addresses.empty(); }
}  // namespace

using Responder = NetworkTest;

TEST_F(Responder, AnswersReplicasScopesAndForwards) {
  auto front = create_network(spec("dfr"));
  auto back = create_network(spec("dbk"));
  auto w1 = netlink::Netns::create(name("w1"));
  auto w2 = netlink::Netns::create(name("w2"));
  auto client = netlink::Netns::create(name("cl"));
  auto db = netlink::Netns::create(name("db"));
  auto r1 = attach("w1", w1, front.spec.name, {"web", "proj-web-1", "www"});
  auto r2 = attach("w2", w2, front.spec.name, {"web", "proj-web-2"});
  auto rc = attach("cl", client, front.spec.name, {"client"});
  attach("db", db, back.spec.name, {"db"});
  EXPECT_EQ(dns::table_from_json(berth::fs::read_file(dns::table_path())).networks.size(), 2u);

  FakeUpstream upstream;
  ResponderThread responder(upstream.port());
  IpAddress gw = front.subnet_v4()->gateway;

  auto web = ask_until(client.path(), gw, "web", dns::kTypeA, has_answers);
  ASSERT_TRUE(web);
  EXPECT_EQ(web->rcode, dns::kNoError);
  ASSERT_EQ(web->addresses.size(), 2u);
  EXPECT_NE(std::find(web->addresses.begin(), web->addresses.end(), *r1.ipv4), web->addresses.end());
  EXPECT_NE(std::find(web->addresses.begin(), web->addresses.end(), *r2.ipv4), web->addresses.end());

  auto alias = ask_udp(client.path(), gw, "WWW", dns::kTypeA, 1000);
  ASSERT_TRUE(alias);
  ASSERT_EQ(alias->addresses.size(), 1u);
  EXPECT_EQ(alias->addresses[0], *r1.ipv4);

  auto unknown = ask_udp(client.path(), gw, "nothing", dns::kTypeA, 1000);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->rcode, dns::kNxDomain);
  // db is on a network the client is not on.
  auto hidden = ask_udp(client.path(), gw, "db", dns::kTypeA, 1000);
  ASSERT_TRUE(hidden);
  EXPECT_EQ(hidden->rcode, dns::kNxDomain);
  // A name with no IPv6 address: an empty answer, not an error.
  auto v6 = ask_udp(client.path(), gw, "web", dns::kTypeAAAA, 1000);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->rcode, dns::kNoError);
  EXPECT_TRUE(v6->addresses.empty());

  // Other names go to the host's resolvers.
  auto outside = ask_udp(client.path(), gw, "example.org", dns::kTypeA, 3000);
  ASSERT_TRUE(outside);
  ASSERT_EQ(outside->addresses.size(), 1u);
  EXPECT_EQ(outside->addresses[0].str(), "192.0.2.99");

  // TCP too.
  auto over_tcp = ask_tcp(client.path(), gw, "proj-web-2");
  ASSERT_TRUE(over_tcp);
  ASSERT_EQ(over_tcp->addresses.size(), 1u);
  EXPECT_EQ(over_tcp->addresses[0], *r2.ipv4);

  // A third replica appears in the answers without restarting anything; a detached one leaves.
  auto w3 = netlink::Netns::create(name("w3"));
  attach("w3", w3, front.spec.name, {"web"});
  auto three = ask_until(client.path(), gw, "web", dns::kTypeA,
                         [](const dns::Response& r) { return r.addresses.size() == 3; });
  ASSERT_TRUE(three);
  EXPECT_EQ(three->addresses.size(), 3u);
  detach("w1", front.spec.name);
  auto two = ask_until(client.path(), gw, "web", dns::kTypeA,
                       [](const dns::Response& r) { return r.addresses.size() == 2; });
  ASSERT_TRUE(two);
  EXPECT_EQ(std::find(two->addresses.begin(), two->addresses.end(), *r1.ipv4), two->addresses.end());
  (void)rc;
}

// A container keeps its attachment while stopped; its names leave DNS while it does not run.
TEST_F(Responder, AnswersOnlyForRunningContainers) {
  auto net = create_network(spec("drn"));
  auto w1 = netlink::Netns::create(name("rw1"));
  auto w2 = netlink::Netns::create(name("rw2"));
  auto client = netlink::Netns::create(name("rcl"));
  auto r1 = attach("w1", w1, net.spec.name, {"web", "proj-web-1"});
  auto r2 = attach("w2", w2, net.spec.name, {"web", "proj-web-2"});
  attach("cl", client, net.spec.name, {"client"});
  set_status("w2", "created");  // not started yet

  FakeUpstream upstream;
  ResponderThread responder(upstream.port());
  IpAddress gw = net.subnet_v4()->gateway;
  auto addresses_are = [](std::vector<IpAddress> want) {
    return [want](const dns::Response& r) { return r.addresses == want; };
  };

  auto one = ask_until(client.path(), gw, "web", dns::kTypeA, addresses_are({*r1.ipv4}));
  ASSERT_TRUE(one);
  EXPECT_EQ(one->addresses, std::vector<IpAddress>{*r1.ipv4});
  auto not_started = ask_udp(client.path(), gw, "proj-web-2", dns::kTypeA, 1000);
  ASSERT_TRUE(not_started);
  EXPECT_EQ(not_started->rcode, dns::kNxDomain);

  set_status("w2", "running");
  auto both = ask_until(client.path(), gw, "web", dns::kTypeA,
                        [](const dns::Response& r) { return r.addresses.size() == 2; });
  ASSERT_TRUE(both);
  EXPECT_EQ(both->addresses.size(), 2u);

  // Paused keeps its names; exited drops them (the scaled name keeps the other replica).
  set_status("w1", "paused");
  set_status("w2", "exited");
  auto paused = ask_until(client.path(), gw, "web", dns::kTypeA, addresses_are({*r1.ipv4}));
  ASSERT_TRUE(paused);
  EXPECT_EQ(paused->addresses, std::vector<IpAddress>{*r1.ipv4});

  set_status("w1", "exited");
  auto none = ask_until(client.path(), gw, "web", dns::kTypeA,
                        [](const dns::Response& r) { return r.rcode == dns::kNxDomain; });
  ASSERT_TRUE(none);
  EXPECT_EQ(none->rcode, dns::kNxDomain);
  EXPECT_TRUE(none->addresses.empty());

  set_status("w2", "running");
  auto back = ask_until(client.path(), gw, "web", dns::kTypeA, addresses_are({*r2.ipv4}));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->addresses, std::vector<IpAddress>{*r2.ipv4});
}

TEST_F(Responder, AAAARecordsAndListeningOnTheIpv6Gateway) {
  NetworkSpec s = spec("d6");
  s.enable_ipv6 = true;
  auto net = create_network(s);
  auto server = netlink::Netns::create(name("d6s"));
  auto client = netlink::Netns::create(name("d6c"));
  auto rs = attach("srv", server, net.spec.name, {"six"});
  attach("cli", client, net.spec.name);
  ASSERT_TRUE(rs.ipv6);
  FakeUpstream upstream;
  ResponderThread responder(upstream.port());

  auto over_v4 = ask_until(client.path(), net.subnet_v4()->gateway, "six", dns::kTypeAAAA, has_answers);
  ASSERT_TRUE(over_v4);
  ASSERT_EQ(over_v4->addresses.size(), 1u);
  EXPECT_EQ(over_v4->addresses[0], *rs.ipv6);
  auto over_v6 = ask_until(client.path(), net.subnet_v6()->gateway, "six", dns::kTypeA, has_answers);
  ASSERT_TRUE(over_v6);
  ASSERT_EQ(over_v6->addresses.size(), 1u);
  EXPECT_EQ(over_v6->addresses[0], *rs.ipv4);
}

TEST(ResponderConf, Nameservers) {
  auto ns = dns::nameservers("# comment\nnameserver 10.0.0.53\nsearch x\nnameserver fe80::1%eth0\nnameserver bad\n");
  ASSERT_EQ(ns.size(), 2u);
  EXPECT_EQ(ns[0].str(), "10.0.0.53");
  EXPECT_EQ(ns[1].str(), "fe80::1");
}
