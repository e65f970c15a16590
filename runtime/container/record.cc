#include "runtime/container/record.h"

#include <time.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "util/error.h"
#include "util/fs.h"
#include "util/paths.h"

namespace berth::runtime {

using nlohmann::json;

std::filesystem::path container_state_dir(const std::string& id) {
  return paths::state_root() / "containers" / id;
}
std::filesystem::path container_run_dir(const std::string& id) {
  return paths::run_root() / "containers" / id;
}
std::filesystem::path container_log_path(const std::string& id) {
  return container_state_dir(id) / "container.log";
}

std::string record_to_json(const ContainerRecord& r) {
  json health = {{"status", r.health.status}, {"failing_streak", r.health.failing_streak}};
  json log = json::array();
  for (const auto& p : r.health.log)
    log.push_back({{"start", p.start}, {"end", p.end}, {"exit_code", p.exit_code},
                   {"output", p.output}});
  health["log"] = log;
  json j = {{"id", r.id},
            {"name", r.name},
            {"labels", r.labels},
            {"status", r.status},
            {"pid", r.pid},
            {"supervisor_pid", r.supervisor_pid},
            {"created", r.created},
            {"started", r.started},
            {"finished", r.finished},
            {"exit_code", r.exit_code},
            {"restart_count", r.restart_count},
            {"stopped_by_user", r.stopped_by_user},
            {"error", r.error},
            {"health", health}};
  return j.dump(2) + "\n";
}

ContainerRecord record_from_json(const std::string& text, const std::string& source) {
  try {
    json j = json::parse(text);
    ContainerRecord r;
    r.id = j.at("id").get<std::string>();
    r.name = j.value("name", "");
    r.labels = j.value("labels", std::map<std::string, std::string>{});
    r.status = j.value("status", "created");
    r.pid = j.value("pid", 0);
    r.supervisor_pid = j.value("supervisor_pid", 0);
    r.created = j.value("created", "");
    r.started = j.value("started", "");
    r.finished = j.value("finished", "");
    r.exit_code = j.value("exit_code", 0);
    r.restart_count = j.value("restart_count", 0);
    r.stopped_by_user = j.value("stopped_by_user", false);
    r.error = j.value("error", "");
    if (j.contains("health")) {
      const json& h = j["health"];
      r.health.status = h.value("status", "");
      r.health.failing_streak = h.value("failing_streak", 0);
      for (const auto& p : h.value("log", json::array()))
        r.health.log.push_back({p.value("start", ""), p.value("end", ""), p.value("exit_code", 0),
                                p.value("output", "")});
    }
    return r;
  } catch (const json::exception& e) {
    throw Error("the container record " + source + " is damaged: " + e.what(),
                "remove the container (berth rm -f) and create it again");
  }
}

void write_record(const ContainerRecord& record, bool durable) {
  auto dir = container_state_dir(record.id);
  std::filesystem::create_directories(dir);
  fs::write_file_atomic(dir / "record.json", record_to_json(record), 0644, durable);
}

std::optional<ContainerRecord> read_record(const std::string& id) {
  auto path = container_state_dir(id) / "record.json";
  auto text = fs::read_file_if_exists(path);
  if (!text) return std::nullopt;
  return record_from_json(*text, path.string());
}

std::vector<ContainerRecord> list_records() {
  std::vector<ContainerRecord> records;
  auto root = paths::state_root() / "containers";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    if (auto r = read_record(entry.path().filename().string())) records.push_back(*r);
  }
  return records;
}

std::string now_rfc3339() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  tm utc{};
  ::gmtime_r(&ts.tv_sec, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, ts.tv_nsec);
  return buffer;
}

}  // namespace berth::runtime
