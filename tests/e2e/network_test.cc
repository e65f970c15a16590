// `berth network ...` and `berth __dns` through the binary (needs root).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/run_berth.h"
#include "tests/support/temp_dir.h"

using berth::test::run_berth;
using berth::test::TempDir;

namespace {
class NetworkE2E : public ::testing::Test {
 protected:
  std::map<std::string, std::string> env() const {
    return {{"BERTH_ROOT", (dir_.path() / "state").string()},
            {"BERTH_RUN_ROOT", (dir_.path() / "run").string()}};
  }
  berth::test::Result berth(const std::vector<std::string>& args) const { return run_berth(args, ".", env()); }
  std::string name(const std::string& base) const { return base + std::to_string(::getpid()); }
  void TearDown() override {
    auto left = berth({"network", "ls", "-q"});
    std::istringstream in(left.out);
    for (std::string n; std::getline(in, n);)
      if (!n.empty()) berth({"network", "rm", n});
  }
  TempDir dir_;
};

// A DNS query for `name` (type A) to server:53 from this host; the rcode, or -1 without answer.
int ask_rcode(const std::string& server, const std::string& name) {
  std::vector<uint8_t> q = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  q.push_back(static_cast<uint8_t>(name.size()));
  q.insert(q.end(), name.begin(), name.end());
  q.insert(q.end(), {0, 0, 1, 0, 1});
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  // Ask from the bridge's own address: the responder serves only berth networks' addresses.
  sockaddr_in self{};
  self.sin_family = AF_INET;
  ::inet_pton(AF_INET, server.c_str(), &self.sin_addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&self), sizeof self);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(53);
  ::inet_pton(AF_INET, server.c_str(), &sa.sin_addr);
  int rcode = -1;
  for (int attempt = 0; attempt < 20 && rcode < 0; ++attempt) {
    ::sendto(fd, q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 150) == 1) {
      uint8_t buf[512];
      if (::recv(fd, buf, sizeof buf, 0) >= 12 && buf[0] == 0x12 && buf[1] == 0x34) rcode = buf[3] & 0x0f;
    }
  }
  ::close(fd);
  return rcode;
}
}  // namespace

TEST_F(NetworkE2E, CreateListInspectRemove) {
  std::string n = name("e2e");
  std::string third = std::to_string(::getpid() % 250);
  auto r = berth({"network", "create", n, "--subnet", "10.240." + third + ".0/24", "--gateway",
                  "10.240." + third + ".254", "--label", "team=a", "--internal"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.size(), 65u);  // the id and a newline

  r = berth({"network", "ls"});
  EXPECT_NE(r.out.find(n), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("10.240." + third + ".0/24"), std::string::npos) << r.out;

  r = berth({"network", "inspect", n});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j[0]["Name"], n);
  EXPECT_EQ(j[0]["Internal"], true);
  EXPECT_EQ(j[0]["Labels"]["team"], "a");
  EXPECT_EQ(j[0]["IPAM"]["Config"][0]["Gateway"], "10.240." + third + ".254");

  r = berth({"network", "create", n});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("exists already"), std::string::npos) << r.err;

  r = berth({"network", "rm", n});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(berth({"network", "ls", "-q"}).out, "");
  r = berth({"network", "inspect", n});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("not found"), std::string::npos);
}

TEST_F(NetworkE2E, BadInputAndPrune) {
  auto r = berth({"network", "create", name("bad"), "--subnet", "10.241.0.0/24", "--gateway", "10.9.0.1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("is not a host address of subnet"), std::string::npos) << r.err;
  r = berth({"network", "create", name("bad"), "--label", "novalue"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("is not key=value"), std::string::npos) << r.err;
  EXPECT_EQ(berth({"network", "ls", "-q"}).out, "");

  ASSERT_EQ(berth({"network", "create", name("p1")}).exit_code, 0);
  ASSERT_EQ(berth({"network", "create", name("p2")}).exit_code, 0);
  r = berth({"network", "prune", "-f"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(name("p1")), std::string::npos);
  EXPECT_NE(r.out.find(name("p2")), std::string::npos);
  EXPECT_EQ(berth({"network", "ls", "-q"}).out, "");
}

TEST_F(NetworkE2E, DnsResponderServesAndExitsWithTheLastNetwork) {
  std::string n = name("dns");
  ASSERT_EQ(berth({"network", "create", n}).exit_code, 0);
  auto j = nlohmann::json::parse(berth({"network", "inspect", n}).out);
  std::string gateway = j[0]["IPAM"]["Config"][0]["Gateway"];

  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    for (const auto& [k, v] : env()) ::setenv(k.c_str(), v.c_str(), 1);
    ::execl(BERTH_BINARY, BERTH_BINARY, "__dns", nullptr);
    ::_exit(127);
  }
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  // An unknown single-label name in berth's scope: NXDOMAIN, not a trip to the host's resolvers.
  EXPECT_EQ(ask_rcode(gateway, "nothing"), 3);

  ASSERT_EQ(berth({"network", "rm", n}).exit_code, 0);
  pollfd p{pidfd, POLLIN, 0};
  int ready = ::poll(&p, 1, 5000);
  EXPECT_EQ(ready, 1) << "the responder did not exit after its last network went";
  if (ready != 1) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ::close(pidfd);
}
