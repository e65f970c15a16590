// What a container's supervisor needs to know, written by `berth` beside the bundle
// (supervise.json) and read once by the supervisor when it starts.
#pragma once

#include <string>

#include "runtime/container/spec.h"

namespace berth::runtime {

struct SupervisorConfig {
  std::string id;
  std::string runc_binary;
  std::string runc_root;
  std::string state_root;  // paths::state_root() of the berth that made the container
  std::string run_root;    // paths::run_root() of the same
  bool tty = false;
  bool stdin_open = false;
  RestartPolicy restart;
  HealthcheckSpec healthcheck;
  LogOptions log;
  std::string stop_signal = "SIGTERM";
  Duration stop_grace_period = std::chrono::seconds(10);
};

std::string supervisor_config_to_json(const SupervisorConfig& config);
SupervisorConfig supervisor_config_from_json(const std::string& text);

}  // namespace berth::runtime
