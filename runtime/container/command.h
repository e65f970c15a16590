// A container's command and environment from its image's and its service's, by Docker's rules
// (the image side comes from runtime/image/config.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace berth::runtime {

struct ImageProcessConfig {
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::vector<std::string> env;  // "KEY=value"
  std::string working_dir;
  std::string user;
};

// Docker's rule: an entrypoint set by the service replaces the image's and drops the image's cmd;
// a command set by the service replaces the image's cmd. An explicitly empty entrypoint ([] or
// "") clears the image's. Throws berth::Error when nothing is left to run.
std::vector<std::string> merge_command(const ImageProcessConfig& image,
                                       const std::optional<std::vector<std::string>>& entrypoint,
                                       const std::optional<std::vector<std::string>>& command);

// The environment of the container's process: the image's, then the service's (later wins, by
// key), with PATH, HOSTNAME and (with a tty) TERM added when missing, as Docker does.
std::vector<std::string> container_env(const std::vector<std::string>& image_env,
                                       const std::vector<std::string>& service_env,
                                       const std::string& hostname, bool tty);

inline constexpr const char* kDefaultPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

}  // namespace berth::runtime
