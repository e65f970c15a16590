// A compose project for end-to-end tests: state roots of its own, a busybox image imported as
// `busybox` (CMD sh), its compose.yaml, and the berth binary run on it. When the test ends the
// project goes down (-v, orphans and one-offs too) and its directory is removed.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/support/run_berth.h"
#include "tests/support/temp_dir.h"

namespace berth::test {

// A busybox root filesystem made once per test program by scripts/make-busybox-rootfs.sh.
const std::filesystem::path& busybox_rootfs();

class ComposeProject {
 public:
  explicit ComposeProject(const std::string& compose_yaml);
  ~ComposeProject();
  ComposeProject(const ComposeProject&) = delete;
  ComposeProject& operator=(const ComposeProject&) = delete;

  // berth -f compose.yaml -p NAME --progress plain ARGS...
  Result operator()(const std::vector<std::string>& args) const;
  // berth ARGS... with the project's state roots (for verbs that take no project).
  Result raw(const std::vector<std::string>& args) const;
  // The argument list operator() would run.
  std::vector<std::string> args(const std::vector<std::string>& args) const;

  const std::filesystem::path& dir() const { return dir_.path(); }
  const std::string& name() const { return name_; }
  std::map<std::string, std::string> env() const;
  // Replaces compose.yaml.
  void rewrite(const std::string& compose_yaml) const;
  // The JSON of `ps -a --format json`, parsed into (name, state) pairs in ps order.
  std::vector<std::pair<std::string, std::string>> states() const;

 private:
  TempDir dir_;
  std::string name_;
};

// A berth command left running in the background (events, attach, logs -f): stdout to a file,
// stderr through a pipe that can be waited on.
class Background {
 public:
  Background(const std::vector<std::string>& args, const std::string& cwd,
             const std::map<std::string, std::string>& env);
  ~Background();  // kills it if it still runs
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  // Reads stderr until `text` shows (true) or `seconds` pass (false).
  bool wait_for_stderr(const std::string& text, int seconds = 30);
  // Sends a signal; then finish() collects the result.
  void signal(int sig) const;
  // Waits for it to end (up to `seconds`, then SIGKILL) and returns what it printed.
  Result finish(int seconds = 30);

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string err_;
};

}  // namespace berth::test
