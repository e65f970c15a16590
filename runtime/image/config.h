// An image's configuration (the config blob) as plain data: what the containers module reads to
// build a container's process, and what `berth image import --change` edits.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace berth::image {

struct Healthcheck {
  std::vector<std::string> test;  // ["CMD", ...], ["CMD-SHELL", "..."] or ["NONE"]
  int64_t interval_ns = 0;        // 0: the default
  int64_t timeout_ns = 0;
  int64_t start_period_ns = 0;
  int64_t start_interval_ns = 0;
  int retries = 0;
};

struct ImageConfig {
  // The process.
  std::vector<std::string> entrypoint;
  std::optional<std::vector<std::string>> cmd;  // nullopt: none set (differs from [])
  std::vector<std::string> env;                 // "KEY=value"
  std::string working_dir;
  std::string user;
  std::set<std::string> exposed_ports;  // "80/tcp"
  std::map<std::string, std::string> labels;
  std::set<std::string> volumes;
  std::string stop_signal;
  std::optional<Healthcheck> healthcheck;

  // The platform and the layers' uncompressed digests (diff_ids), bottom first.
  std::string os = "linux";
  std::string architecture;
  std::string variant;
  std::vector<std::string> diff_ids;
  std::string created;  // RFC 3339, may be empty
};

// Parses a config blob. Throws berth::Error when it is not JSON or lacks rootfs.diff_ids.
ImageConfig parse_image_config(const std::string& json);
// A config blob for `config`. Round-trips through parse_image_config.
std::string image_config_json(const ImageConfig& config);

}  // namespace berth::image
