#include "runtime/container/spec.h"

#include <gtest/gtest.h>
#include <signal.h>

#include "util/error.h"

namespace berth::runtime {
namespace {

TEST(RestartPolicy, ParsesDockersForms) {
  EXPECT_EQ(RestartPolicy::parse("no").kind, RestartPolicy::Kind::no);
  EXPECT_EQ(RestartPolicy::parse("").kind, RestartPolicy::Kind::no);
  EXPECT_EQ(RestartPolicy::parse("always").kind, RestartPolicy::Kind::always);
  EXPECT_EQ(RestartPolicy::parse("unless-stopped").kind, RestartPolicy::Kind::unless_stopped);
  auto on_failure = RestartPolicy::parse("on-failure:3");
  EXPECT_EQ(on_failure.kind, RestartPolicy::Kind::on_failure);
  EXPECT_EQ(on_failure.max_retries, 3);
  EXPECT_EQ(on_failure.str(), "on-failure:3");
  EXPECT_EQ(RestartPolicy::parse("on-failure").max_retries, 0);
}

TEST(RestartPolicy, RejectsOthersWithAHint) {
  for (const char* bad : {"sometimes", "on-failure:", "on-failure:x", "on-failure3", "always:2"}) {
    try {
      RestartPolicy::parse(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_FALSE(e.hint().empty()) << bad;
    }
  }
}

TEST(Healthcheck, ArgvOfEachKind) {
  HealthcheckSpec h;
  EXPECT_FALSE(h.enabled());
  h.kind = HealthcheckSpec::Kind::cmd_shell;
  h.test = {"curl -f http://localhost"};
  EXPECT_TRUE(h.enabled());
  EXPECT_EQ(h.argv(), (std::vector<std::string>{"/bin/sh", "-c", "curl -f http://localhost"}));
  h.kind = HealthcheckSpec::Kind::cmd;
  h.test = {"pg_isready", "-q"};
  EXPECT_EQ(h.argv(), h.test);
}

TEST(Healthcheck, FromDockersTestForms) {
  auto cmd = HealthcheckSpec::from_test({"CMD", "pg_isready", "-q"});
  EXPECT_EQ(cmd.kind, HealthcheckSpec::Kind::cmd);
  EXPECT_EQ(cmd.test, (std::vector<std::string>{"pg_isready", "-q"}));
  auto shell = HealthcheckSpec::from_test({"CMD-SHELL", "curl -f localhost"});
  EXPECT_EQ(shell.kind, HealthcheckSpec::Kind::cmd_shell);
  EXPECT_EQ(shell.argv(), (std::vector<std::string>{"/bin/sh", "-c", "curl -f localhost"}));
  auto bare = HealthcheckSpec::from_test({"curl -f localhost"});
  EXPECT_EQ(bare.kind, HealthcheckSpec::Kind::cmd_shell);
  EXPECT_FALSE(HealthcheckSpec::from_test({"NONE"}).enabled());
  EXPECT_THROW(HealthcheckSpec::from_test({}), Error);
  EXPECT_THROW(HealthcheckSpec::from_test({"CMD"}), Error);
  EXPECT_THROW(HealthcheckSpec::from_test({"RUN", "x"}), Error);
}

TEST(ParseSignal, DockersSpellings) {
  EXPECT_EQ(parse_signal("SIGTERM"), 15);
  EXPECT_EQ(parse_signal("term"), 15);
  EXPECT_EQ(parse_signal("9"), 9);
  EXPECT_EQ(parse_signal("SIGUSR1"), 10);
  EXPECT_EQ(parse_signal("SIGRTMIN+3"), SIGRTMIN + 3);
  for (const char* bad : {"", "SIGNOPE", "0", "99", "SIGRTMIN+99"})
    EXPECT_THROW(parse_signal(bad), Error) << bad;
}

TEST(ContainerId, IsSixtyFourHexDigitsAndFresh) {
  auto a = new_container_id(), b = new_container_id();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace berth::runtime
