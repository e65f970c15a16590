// attach() starting the responder as a process of its own (the berth binary's __dns mode), and
// the responder leaving when the last network goes (needs root and the built berth binary).
#include <signal.h>
#include <sys/file.h>

#include "network/dns/responder.h"
#include "network/dns/table.h"
#include "network/dns/wire.h"
#include "tests/network/netns_helpers.h"
#include "util/paths.h"

using namespace berth::network;
using berth::test::NetworkTest;

namespace {
// Waits (up to `seconds`) for the responder to let go of its lock, that is, to exit.
bool wait_for_responder_exit(int seconds) {
  auto path = dns::responder_lock_path();
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return true;
  struct sigaction sa {};
  sa.sa_handler = [](int) {};  // no SA_RESTART: the alarm interrupts flock
  struct sigaction old {};
  ::sigaction(SIGALRM, &sa, &old);
  ::alarm(static_cast<unsigned>(seconds));
  int rc = ::flock(fd, LOCK_EX);
  ::alarm(0);
  ::sigaction(SIGALRM, &old, nullptr);
  ::close(fd);
  return rc == 0;
}

std::optional<dns::Response> ask(const std::filesystem::path& netns, const IpAddress& server,
                                 const std::string& name) {
  int fd = berth::test::socket_in(netns, SOCK_DGRAM);
  auto to = berth::test::v4_addr(server.str(), 53);
  auto q = dns::build_query(1, name, dns::kTypeA);
  std::optional<dns::Response> out;
  // The new process needs a moment to bind: ask again until it answers (at most 3 s).
  for (int i = 0; i < 30 && !out; ++i) {
    ::sendto(fd, q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) == 1) {
      dns::Bytes buf(512);
      ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
      if (n > 0) out = dns::parse_response(buf.data(), static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return out;
}
}  // namespace

using ResponderProcess = NetworkTest;

TEST_F(ResponderProcess, StartedByAttachGoneWithTheLastNetwork) {
  dns::set_responder_command({BERTH_BINARY, "__dns"});
  auto net = create_network(spec("rp"));
  auto a = netlink::Netns::create(name("rpa"));
  auto b = netlink::Netns::create(name("rpb"));
  EXPECT_FALSE(dns::responder_running());
  auto ra = attach("a", a, net.spec.name, {"alpha"});
  EXPECT_TRUE(dns::responder_running());
  attach("b", b, net.spec.name, {"beta"});  // the running one is reused

  auto r = ask(b.path(), net.subnet_v4()->gateway, "alpha");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->addresses.size(), 1u);
  EXPECT_EQ(r->addresses[0], *ra.ipv4);

  detach("a", net.spec.name);
  detach("b", net.spec.name, /*remove_if_unused=*/true);
  EXPECT_TRUE(wait_for_responder_exit(5)) << "the responder outlived its last network";
  EXPECT_FALSE(dns::responder_running());
  dns::set_responder_command({});
}
