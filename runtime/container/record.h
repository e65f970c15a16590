// A container's record on disk (paths::state_root()/containers/<id>/record.json): what `ps`,
// `logs` and `inspect` read without asking any process. Written atomically; while a container's
// supervisor lives, it is the only writer.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace berth::runtime {

struct HealthProbe {
  std::string start;  // RFC 3339 times
  std::string end;
  int exit_code = 0;  // -1: timed out or could not run
  std::string output;
};

struct HealthState {
  std::string status;  // "" (no healthcheck), starting, healthy, unhealthy
  int failing_streak = 0;
  std::vector<HealthProbe> log;  // the last five probes, oldest first
};

struct ContainerRecord {
  std::string id;
  std::string name;
  std::map<std::string, std::string> labels;
  std::string status = "created";  // created, running, paused, restarting, exited, dead
  int pid = 0;
  int supervisor_pid = 0;
  std::string created;
  std::string started;
  std::string finished;
  int exit_code = 0;
  int restart_count = 0;
  bool stopped_by_user = false;  // berth stop/kill: restart policies (but unless-stopped) rest
  std::string error;             // the last failure to start, in runc's words
  HealthState health;
};

// paths::state_root()/containers/<id>
std::filesystem::path container_state_dir(const std::string& id);
// paths::run_root()/containers/<id>: the bundle, the supervisor's socket
std::filesystem::path container_run_dir(const std::string& id);
// The log (JSON lines) of a container.
std::filesystem::path container_log_path(const std::string& id);

std::string record_to_json(const ContainerRecord& record);
ContainerRecord record_from_json(const std::string& text, const std::string& source);

// durable = false skips the fsync (the rename keeps it atomic): for the frequent, volatile
// changes (running, health, paused) that a reboot makes stale anyway. Creation and exit are
// written durably.
void write_record(const ContainerRecord& record, bool durable = true);
// nullopt when there is no such container.
std::optional<ContainerRecord> read_record(const std::string& id);
std::vector<ContainerRecord> list_records();

// Now, as RFC 3339 with nanoseconds in UTC: 2026-11-27T23:58:05.123456789Z
std::string now_rfc3339();

}  // namespace berth::runtime
