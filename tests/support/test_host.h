// Another machine, as far as this host can tell: a network namespace the test makes, joined to
// the host by a veth pair of its own, on a /30 of a private range (10.250.N.0/30, N from the
// test's pid). Made with iproute2 (the test's own tooling, not berth's); taken away when the
// object goes.
#pragma once

#include <string>

namespace berth::test {

class TestHost {
 public:
  TestHost();
  ~TestHost();
  TestHost(const TestHost&) = delete;
  TestHost& operator=(const TestHost&) = delete;

  const std::string& host_ip() const { return host_ip_; }  // this host, as the test host sees it
  const std::string& peer_ip() const { return peer_ip_; }  // the test host itself
  // Runs `command` (sh -c) inside the test host's namespace; its stdout.
  std::string run(const std::string& command) const;

 private:
  std::string netns_;
  std::string veth_;
  std::string host_ip_, peer_ip_;
};

}  // namespace berth::test
