#include "runtime/supervisor/policy.h"

#include <gtest/gtest.h>

namespace berth::runtime {
namespace {

using namespace std::chrono_literals;

TEST(ShouldRestart, FollowsThePolicy) {
  auto p = [](const char* text) { return RestartPolicy::parse(text); };
  EXPECT_FALSE(should_restart(p("no"), 1, 0, false));
  EXPECT_TRUE(should_restart(p("always"), 0, 100, false));
  EXPECT_FALSE(should_restart(p("always"), 0, 0, true));
  EXPECT_TRUE(should_restart(p("unless-stopped"), 0, 0, false));
  EXPECT_FALSE(should_restart(p("unless-stopped"), 0, 0, true));
  EXPECT_FALSE(should_restart(p("on-failure"), 0, 0, false));
  EXPECT_TRUE(should_restart(p("on-failure"), 1, 1000, false));
  EXPECT_TRUE(should_restart(p("on-failure:3"), 1, 2, false));
  EXPECT_FALSE(should_restart(p("on-failure:3"), 1, 3, false));
  EXPECT_FALSE(should_restart(p("on-failure:3"), 137, 0, true));
}

TEST(RestartDelay, DoublesUpToAMinuteAndResetsAfterALongRun) {
  EXPECT_EQ(restart_delay(Duration::zero(), 1s), 100ms);
  EXPECT_EQ(restart_delay(100ms, 1s), 200ms);
  EXPECT_EQ(restart_delay(40s, 1s), 60s);
  EXPECT_EQ(restart_delay(60s, 1s), 60s);
  EXPECT_EQ(restart_delay(60s, 10s), 100ms);
}

HealthProbe probe(int code) { return HealthProbe{"a", "b", code, "out"}; }

TEST(ApplyProbe, HealthyThenUnhealthyAfterRetries) {
  HealthcheckSpec spec;
  spec.retries = 2;
  HealthState state{"starting", 0, {}};
  apply_probe(state, spec, probe(0), false);
  EXPECT_EQ(state.status, "healthy");
  apply_probe(state, spec, probe(1), false);
  EXPECT_EQ(state.status, "healthy");
  EXPECT_EQ(state.failing_streak, 1);
  apply_probe(state, spec, probe(1), false);
  EXPECT_EQ(state.status, "unhealthy");
  apply_probe(state, spec, probe(0), false);
  EXPECT_EQ(state.status, "healthy");
  EXPECT_EQ(state.failing_streak, 0);
}

TEST(ApplyProbe, StartPeriodFailuresDoNotCountUntilASuccess) {
  HealthcheckSpec spec;
  spec.retries = 1;
  HealthState state{"starting", 0, {}};
  apply_probe(state, spec, probe(1), true);
  EXPECT_EQ(state.status, "starting");
  EXPECT_EQ(state.failing_streak, 0);
  apply_probe(state, spec, probe(0), true);
  apply_probe(state, spec, probe(1), true);
  EXPECT_EQ(state.status, "unhealthy");
}

TEST(ApplyProbe, KeepsTheLastFiveResults) {
  HealthcheckSpec spec;
  HealthState state{"starting", 0, {}};
  for (int i = 0; i < 7; ++i) apply_probe(state, spec, probe(i), false);
  ASSERT_EQ(state.log.size(), 5u);
  EXPECT_EQ(state.log.front().exit_code, 2);
  EXPECT_EQ(state.log.back().exit_code, 6);
}

TEST(NextProbeDelay, StartIntervalDuringTheStartPeriod) {
  HealthcheckSpec spec;
  spec.interval = 30s;
  spec.start_interval = 2s;
  HealthState starting{"starting", 0, {}};
  HealthState healthy{"healthy", 0, {}};
  EXPECT_EQ(next_probe_delay(starting, spec, true), 2s);
  EXPECT_EQ(next_probe_delay(starting, spec, false), 30s);
  EXPECT_EQ(next_probe_delay(healthy, spec, true), 30s);
}

}  // namespace
}  // namespace berth::runtime
