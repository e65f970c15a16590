#include "runtime/container/runc.h"

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "runtime/container/host.h"
#include "runtime/container/process.h"
#include "util/error.h"
#include "util/paths.h"

namespace berth::runtime {

namespace {
std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// runc logs errors as `time="..." level=error msg="..."` or as JSON; keep the message.
std::string runc_message(const std::string& err) {
  std::string text = trim(err);
  auto msg = text.rfind("msg=\"");
  if (msg != std::string::npos) {
    auto end = text.find('"', msg + 5);
    while (end != std::string::npos && text[end - 1] == '\\') end = text.find('"', end + 1);
    return text.substr(msg + 5, end == std::string::npos ? std::string::npos : end - msg - 5);
  }
  return text;
}
}  // namespace

Runc::Runc(std::filesystem::path binary, std::filesystem::path root)
    : binary_(std::move(binary)), root_(std::move(root)) {}

Runc Runc::locate() {
  std::string binary;
  if (const char* configured = std::getenv("BERTH_RUNC"); configured && *configured) {
    binary = configured;
    if (::access(binary.c_str(), X_OK) != 0)
      throw Error("BERTH_RUNC is " + binary + ", which is not an executable file",
                  "point BERTH_RUNC at runc or crun, or unset it to search PATH");
  } else {
    binary = detect_host().runtime;
    if (binary.empty()) {
      const char* path = std::getenv("PATH");
      throw Error(std::string("the OCI runtime runc was not found in PATH (") +
                      (path ? path : "") + ")",
                  "install it (apt-get install runc), or set BERTH_RUNC to its path");
    }
  }
  return Runc(binary, paths::run_root() / "runc");
}

std::vector<std::string> Runc::base() const {
  return {binary_.string(), "--root", root_.string()};
}

void Runc::run(const std::vector<std::string>& args, const std::string& what) const {
  auto argv = base();
  argv.insert(argv.end(), args.begin(), args.end());
  Captured result = run_captured(argv);
  if (result.exit_code != 0)
    throw Error(what + " failed: " + runc_message(result.err + result.out),
                "runc said so (" + binary_.string() + " exit code " +
                    std::to_string(result.exit_code) + ")");
}

std::vector<std::string> Runc::create_argv(const std::string& id,
                                           const std::filesystem::path& bundle,
                                           const std::filesystem::path& pid_file,
                                           const std::string& console_socket) const {
  auto argv = base();
  argv.insert(argv.end(), {"create", "--bundle", bundle.string(), "--pid-file", pid_file.string()});
  if (!console_socket.empty()) argv.insert(argv.end(), {"--console-socket", console_socket});
  argv.push_back(id);
  return argv;
}

std::vector<std::string> Runc::run_detached_argv(const std::string& id,
                                                const std::filesystem::path& bundle,
                                                const std::filesystem::path& pid_file,
                                                const std::string& console_socket) const {
  auto argv = base();
  argv.insert(argv.end(),
              {"run", "--detach", "--bundle", bundle.string(), "--pid-file", pid_file.string()});
  if (!console_socket.empty()) argv.insert(argv.end(), {"--console-socket", console_socket});
  argv.push_back(id);
  return argv;
}

std::vector<std::string> Runc::exec_argv(const std::string& id, const ExecOptions& o) const {
  auto argv = base();
  argv.push_back("exec");
  if (!o.process_file.empty()) {
    argv.insert(argv.end(), {"--process", o.process_file});
    if (!o.pid_file.empty()) argv.insert(argv.end(), {"--pid-file", o.pid_file});
    argv.push_back(id);
    return argv;
  }
  if (o.tty) argv.push_back("--tty");
  if (!o.cwd.empty()) argv.insert(argv.end(), {"--cwd", o.cwd});
  if (!o.user.empty()) argv.insert(argv.end(), {"--user", o.user});
  for (const auto& e : o.env) argv.insert(argv.end(), {"--env", e});
  if (!o.pid_file.empty()) argv.insert(argv.end(), {"--pid-file", o.pid_file});
  argv.push_back(id);
  argv.insert(argv.end(), o.args.begin(), o.args.end());
  return argv;
}

void Runc::start(const std::string& id) const { run({"start", id}, "starting container " + id); }

void Runc::kill(const std::string& id, const std::string& signal, bool all) const {
  if (all)
    run({"kill", "--all", id, signal}, "signalling container " + id);
  else
    run({"kill", id, signal}, "signalling container " + id);
}

void Runc::remove(const std::string& id, bool force) const {
  if (force)
    run({"delete", "--force", id}, "deleting container " + id);
  else
    run({"delete", id}, "deleting container " + id);
}

void Runc::pause(const std::string& id) const { run({"pause", id}, "pausing container " + id); }
void Runc::resume(const std::string& id) const { run({"resume", id}, "resuming container " + id); }

std::optional<RuncState> Runc::state(const std::string& id) const {
  auto argv = base();
  argv.insert(argv.end(), {"state", id});
  Captured result = run_captured(argv);
  if (result.exit_code != 0) return std::nullopt;
  try {
    auto j = nlohmann::json::parse(result.out);
    return RuncState{j.value("status", ""), j.value("pid", 0)};
  } catch (const nlohmann::json::exception& e) {
    throw Error("cannot read runc's state of " + id + ": " + e.what());
  }
}

std::vector<std::string> Runc::list() const {
  std::error_code ec;
  if (!std::filesystem::exists(root_, ec)) return {};
  auto argv = base();
  argv.insert(argv.end(), {"list", "--format", "json"});
  Captured result = run_captured(argv);
  if (result.exit_code != 0)
    throw Error("listing containers failed: " + runc_message(result.err));
  std::vector<std::string> ids;
  auto j = nlohmann::json::parse(trim(result.out).empty() ? "[]" : result.out);
  if (j.is_array())
    for (const auto& c : j) ids.push_back(c.value("id", ""));
  return ids;
}

}  // namespace berth::runtime
