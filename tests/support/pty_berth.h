// berth on a terminal of the test's own (forkpty): its stdin, stdout and stderr are the slave
// side of a pseudo-terminal the test types into and reads from, as a user at a terminal would.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace berth::test {

class PtyBerth {
 public:
  // Starts build/berth ARGS in `cwd` with `env` added, on a 24x80 terminal.
  PtyBerth(const std::vector<std::string>& args, const std::string& cwd,
           const std::map<std::string, std::string>& env);
  ~PtyBerth();  // kills it if it still runs
  PtyBerth(const PtyBerth&) = delete;
  PtyBerth& operator=(const PtyBerth&) = delete;

  void type(const std::string& keys) const;
  // Reads what the terminal shows until `text` appears after what earlier calls consumed
  // (true), or `seconds` pass (false).
  bool read_until(const std::string& text, int seconds = 30);
  // Waits for berth to end (up to `seconds`, then SIGKILL), reading its output; its exit code.
  int wait(int seconds = 30);
  // Everything the terminal showed so far.
  const std::string& screen() const { return screen_; }

 private:
  bool read_some(int timeout_ms);
  pid_t pid_ = -1;
  int master_ = -1;
  std::string screen_;
  size_t consumed_ = 0;
};

}  // namespace berth::test
