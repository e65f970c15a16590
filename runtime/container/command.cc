#include "runtime/container/command.h"

#include <algorithm>

#include "util/error.h"

namespace berth::runtime {

std::vector<std::string> merge_command(const ImageProcessConfig& image,
                                       const std::optional<std::vector<std::string>>& entrypoint,
                                       const std::optional<std::vector<std::string>>& command) {
  std::vector<std::string> argv;
  if (entrypoint) {
    for (const auto& part : *entrypoint)
      if (!(entrypoint->size() == 1 && part.empty())) argv.push_back(part);
    if (command) argv.insert(argv.end(), command->begin(), command->end());
  } else {
    argv = image.entrypoint;
    const auto& cmd = command ? *command : image.cmd;
    argv.insert(argv.end(), cmd.begin(), cmd.end());
  }
  if (argv.empty())
    throw Error("no command to run: neither the image nor the service sets a command or entrypoint",
                "set `command:` (or `entrypoint:`) on the service");
  return argv;
}

namespace {
std::string key_of(const std::string& entry) { return entry.substr(0, entry.find('=')); }

void set_env(std::vector<std::string>& env, const std::string& entry) {
  std::string key = key_of(entry);
  auto it = std::find_if(env.begin(), env.end(),
                         [&](const std::string& e) { return key_of(e) == key; });
  if (it != env.end())
    *it = entry;
  else
    env.push_back(entry);
}

bool has_key(const std::vector<std::string>& env, const std::string& key) {
  return std::any_of(env.begin(), env.end(),
                     [&](const std::string& e) { return key_of(e) == key; });
}
}  // namespace

std::vector<std::string> container_env(const std::vector<std::string>& image_env,
                                       const std::vector<std::string>& service_env,
                                       const std::string& hostname, bool tty) {
  std::vector<std::string> env;
  if (!has_key(image_env, "PATH") && !has_key(service_env, "PATH"))
    env.push_back(std::string("PATH=") + kDefaultPath);
  if (!hostname.empty()) env.push_back("HOSTNAME=" + hostname);
  if (tty) env.push_back("TERM=xterm");
  for (const auto& entry : image_env) set_env(env, entry);
  for (const auto& entry : service_env) set_env(env, entry);
  return env;
}

}  // namespace berth::runtime
