// The supervisor's decisions, as pure functions: whether to restart and after how long, and how a
// health probe's result moves the health state (Docker's rules for both).
#pragma once

#include "runtime/container/record.h"
#include "runtime/container/spec.h"

namespace berth::runtime {

// Whether a container that exited with `exit_code` is started again.
bool should_restart(const RestartPolicy& policy, int exit_code, int restarts_so_far,
                    bool stopped_by_user);

// The wait before the next restart: 100 ms, doubling up to a minute; back to 100 ms after a run
// of ten seconds or more.
Duration restart_delay(Duration previous, Duration ran_for);

// Applies one probe's result. in_start_period: the container started less than start_period
// ago, where failures do not count until a probe has succeeded.
void apply_probe(HealthState& state, const HealthcheckSpec& spec, HealthProbe probe,
                 bool in_start_period);

// The wait before the next probe.
Duration next_probe_delay(const HealthState& state, const HealthcheckSpec& spec,
                          bool in_start_period);

}  // namespace berth::runtime
