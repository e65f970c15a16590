#include "runtime/supervisor/config.h"

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace berth::runtime {

using nlohmann::json;

std::string supervisor_config_to_json(const SupervisorConfig& c) {
  const HealthcheckSpec& h = c.healthcheck;
  json health = {{"kind", static_cast<int>(h.kind)},
                 {"test", h.test},
                 {"interval_ms", h.interval.count()},
                 {"timeout_ms", h.timeout.count()},
                 {"start_period_ms", h.start_period.count()},
                 {"start_interval_ms", h.start_interval.count()},
                 {"retries", h.retries}};
  json j = {{"id", c.id},
            {"runc_binary", c.runc_binary},
            {"runc_root", c.runc_root},
            {"state_root", c.state_root},
            {"run_root", c.run_root},
            {"tty", c.tty},
            {"stdin_open", c.stdin_open},
            {"restart", c.restart.str()},
            {"healthcheck", health},
            {"log_max_size", c.log.max_size},
            {"log_max_file", c.log.max_file},
            {"stop_signal", c.stop_signal},
            {"stop_grace_period_ms", c.stop_grace_period.count()}};
  return j.dump(2);
}

SupervisorConfig supervisor_config_from_json(const std::string& text) {
  try {
    json j = json::parse(text);
    SupervisorConfig c;
    c.id = j.at("id").get<std::string>();
    c.runc_binary = j.at("runc_binary").get<std::string>();
    c.runc_root = j.at("runc_root").get<std::string>();
    c.state_root = j.at("state_root").get<std::string>();
    c.run_root = j.at("run_root").get<std::string>();
    c.tty = j.value("tty", false);
    c.stdin_open = j.value("stdin_open", false);
    c.restart = RestartPolicy::parse(j.value("restart", "no"));
    const json& h = j.at("healthcheck");
    c.healthcheck.kind = static_cast<HealthcheckSpec::Kind>(h.value("kind", 0));
    c.healthcheck.test = h.value("test", std::vector<std::string>{});
    c.healthcheck.interval = Duration(h.value("interval_ms", 30000));
    c.healthcheck.timeout = Duration(h.value("timeout_ms", 30000));
    c.healthcheck.start_period = Duration(h.value("start_period_ms", 0));
    c.healthcheck.start_interval = Duration(h.value("start_interval_ms", 5000));
    c.healthcheck.retries = h.value("retries", 3);
    c.log.max_size = j.value("log_max_size", 0ULL);
    c.log.max_file = j.value("log_max_file", 1);
    c.stop_signal = j.value("stop_signal", "SIGTERM");
    c.stop_grace_period = Duration(j.value("stop_grace_period_ms", 10000));
    return c;
  } catch (const json::exception& e) {
    throw Error(std::string("the supervisor's settings are damaged: ") + e.what());
  }
}

}  // namespace berth::runtime
