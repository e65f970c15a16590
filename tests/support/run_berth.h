// Runs the built berth binary for end-to-end tests and captures what it printed.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace berth::test {

// The argv and envp of build/berth with `args`, the test process's environment with `env` added
// (and overriding), ready for execve after fork (nothing to allocate in the child).
class BerthCommand {
 public:
  BerthCommand(const std::vector<std::string>& args, const std::map<std::string, std::string>& env);
  BerthCommand(const BerthCommand&) = delete;
  BerthCommand& operator=(const BerthCommand&) = delete;
  char* const* argv() { return argv_.data(); }
  char* const* envp() { return envp_.data(); }

 private:
  std::vector<std::string> args_, envs_;
  std::vector<char*> argv_, envp_;
};

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs build/berth with `args` in `cwd`; `env` is added to (and overrides) the environment.
// Its stdin is /dev/null.
Result run_berth(const std::vector<std::string>& args, const std::string& cwd = ".",
                 const std::map<std::string, std::string>& env = {});
// The same with `input` as its stdin (a file, not a terminal: as `printf ... | berth ...`).
Result run_berth_with_input(const std::string& input, const std::vector<std::string>& args,
                            const std::string& cwd = ".",
                            const std::map<std::string, std::string>& env = {});

}  // namespace berth::test
