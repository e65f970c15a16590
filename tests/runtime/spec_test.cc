#include "runtime/container/spec.h"

#include <gtest/gtest.h>

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

TEST(ContainerId, IsSixtyFourHexDigitsAndFresh) {
  auto a = new_container_id(), b = new_container_id();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace berth::runtime
