#include "runtime/container/exec_process.h"

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace berth::runtime {

using nlohmann::json;

namespace {
std::string key_of(const std::string& assignment) {
  return assignment.substr(0, assignment.find('='));
}
}  // namespace

std::string exec_process_json(const std::string& container_process,
                              const ExecProcessRequest& request) {
  json process;
  try {
    process = json::parse(container_process);
  } catch (const json::exception& e) {
    throw Error(std::string("the container's process settings are damaged: ") + e.what());
  }
  if (!process.is_object()) throw Error("the container's process settings are not an object");
  process["args"] = request.args;
  process["terminal"] = request.tty;
  if (!request.cwd.empty()) process["cwd"] = request.cwd;
  std::vector<std::string> env = process.value("env", std::vector<std::string>{});
  for (const auto& e : request.env) {
    std::erase_if(env, [&](const std::string& have) { return key_of(have) == key_of(e); });
    env.push_back(e);
  }
  process["env"] = env;
  if (request.user) {
    json user = {{"uid", request.user->uid}, {"gid", request.user->gid}};
    if (!request.user->additional_gids.empty()) user["additionalGids"] = request.user->additional_gids;
    process["user"] = user;
  }
  process.erase("consoleSize");
  return process.dump();
}

}  // namespace berth::runtime
