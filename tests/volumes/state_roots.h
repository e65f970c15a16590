// Per-test state: BERTH_ROOT and BERTH_RUN_ROOT point into a temporary directory that goes away
// (with anything mounted below it unmounted first) when the test ends.
#pragma once

#include <stdlib.h>
#include <sys/mount.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace berth::test {

class StateRoots {
 public:
  StateRoots() {
    ::setenv("BERTH_ROOT", (dir_.path() / "state").c_str(), 1);
    ::setenv("BERTH_RUN_ROOT", (dir_.path() / "run").c_str(), 1);
  }
  ~StateRoots() {
    unmount_below(dir_.path().string());
    ::unsetenv("BERTH_ROOT");
    ::unsetenv("BERTH_RUN_ROOT");
  }
  StateRoots(const StateRoots&) = delete;
  StateRoots& operator=(const StateRoots&) = delete;

  const std::filesystem::path& path() const { return dir_.path(); }
  std::filesystem::path state() const { return dir_.path() / "state"; }
  std::filesystem::path run() const { return dir_.path() / "run"; }

  // Lazily unmounts everything at or below `prefix`, deepest first: a failed test must not leave
  // a mount behind.
  static void unmount_below(const std::string& prefix) {
    std::vector<std::string> points;
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    while (std::getline(in, line)) {
      size_t pos = 0;
      for (int i = 0; i < 4; ++i) pos = line.find(' ', pos) + 1;
      std::string point = line.substr(pos, line.find(' ', pos) - pos);
      if (point == prefix || point.rfind(prefix + "/", 0) == 0) points.push_back(point);
    }
    std::sort(points.rbegin(), points.rend());
    for (const auto& p : points) ::umount2(p.c_str(), MNT_DETACH);
  }

 private:
  TempDir dir_;
};

}  // namespace berth::test
