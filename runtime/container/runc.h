// The OCI runtime, driven through its command line (runc; crun takes the same commands). Each
// call runs the binary to completion; failures become berth::Error with the runtime's own words.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace berth::runtime {

struct RuncState {
  std::string status;  // creating, created, running, paused, stopped
  pid_t pid = 0;
};

struct ExecOptions {
  // A whole OCI process (runc exec --process): when set, the fields below up to tty are unused.
  std::string process_file;
  std::vector<std::string> args;
  std::vector<std::string> env;  // added to the container's
  std::string cwd;               // "" keeps the container's
  std::string user;              // "uid:gid"; "" keeps the container's
  bool tty = false;
  std::string pid_file;
};

class Runc {
 public:
  // binary: the runtime; root: its state directory (per berth state root, so tests stay apart).
  Runc(std::filesystem::path binary, std::filesystem::path root);

  // runc in $BERTH_RUNC or $PATH, with its state under paths::run_root()/runc. Throws a clear
  // berth::Error when it is missing.
  static Runc locate();

  const std::filesystem::path& binary() const { return binary_; }
  const std::filesystem::path& root() const { return root_; }

  // Command lines, for callers that run them with their own stdio (the supervisor).
  std::vector<std::string> create_argv(const std::string& id, const std::filesystem::path& bundle,
                                       const std::filesystem::path& pid_file,
                                       const std::string& console_socket = {}) const;
  // create and start in one runc invocation (`runc run --detach`): one Go process fewer.
  std::vector<std::string> run_detached_argv(const std::string& id,
                                             const std::filesystem::path& bundle,
                                             const std::filesystem::path& pid_file,
                                             const std::string& console_socket = {}) const;
  std::vector<std::string> exec_argv(const std::string& id, const ExecOptions& options) const;

  void start(const std::string& id) const;
  void kill(const std::string& id, const std::string& signal, bool all = false) const;
  void remove(const std::string& id, bool force = true) const;
  void pause(const std::string& id) const;
  void resume(const std::string& id) const;
  // nullopt when the runtime does not know the container.
  std::optional<RuncState> state(const std::string& id) const;
  // Ids of every container in this runtime root.
  std::vector<std::string> list() const;

 private:
  std::vector<std::string> base() const;
  void run(const std::vector<std::string>& args, const std::string& what) const;

  std::filesystem::path binary_;
  std::filesystem::path root_;
};

}  // namespace berth::runtime
