#include "runtime/supervisor/policy.h"

#include <algorithm>

namespace berth::runtime {

bool should_restart(const RestartPolicy& policy, int exit_code, int restarts_so_far,
                    bool stopped_by_user) {
  switch (policy.kind) {
    case RestartPolicy::Kind::no: return false;
    case RestartPolicy::Kind::always:
    case RestartPolicy::Kind::unless_stopped: return !stopped_by_user;
    case RestartPolicy::Kind::on_failure:
      if (stopped_by_user || exit_code == 0) return false;
      return policy.max_retries == 0 || restarts_so_far < policy.max_retries;
  }
  return false;
}

Duration restart_delay(Duration previous, Duration ran_for) {
  constexpr Duration first{100};
  constexpr Duration most = std::chrono::minutes(1);
  if (ran_for >= std::chrono::seconds(10) || previous <= Duration::zero()) return first;
  return std::min(previous * 2, most);
}

void apply_probe(HealthState& state, const HealthcheckSpec& spec, HealthProbe probe,
                 bool in_start_period) {
  bool passed = probe.exit_code == 0;
  state.log.push_back(std::move(probe));
  if (state.log.size() > 5) state.log.erase(state.log.begin());
  if (passed) {
    state.status = "healthy";
    state.failing_streak = 0;
    return;
  }
  if (in_start_period && state.status == "starting") return;
  ++state.failing_streak;
  if (state.failing_streak >= std::max(spec.retries, 1)) state.status = "unhealthy";
}

Duration next_probe_delay(const HealthState& state, const HealthcheckSpec& spec,
                          bool in_start_period) {
  if (in_start_period && state.status == "starting") return spec.start_interval;
  return spec.interval;
}

}  // namespace berth::runtime
