// Real containers for runtime tests: a busybox root filesystem, per-test state roots, and a
// teardown that removes every container and then checks that nothing is left (runc state,
// cgroups, supervisor processes).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/container/record.h"
#include "runtime/container/spec.h"
#include "tests/support/temp_dir.h"

namespace berth::test {

struct LogEntry {
  std::string stream;
  std::string log;
  std::string time;
};

class ContainerTest : public ::testing::Test {
 public:
  // Every directory of the machine's cgroup hierarchies that belongs to `id`.
  static std::vector<std::filesystem::path> cgroup_dirs(const std::string& id);

 protected:
  void SetUp() override;
  void TearDown() override;

  // A spec for the busybox rootfs running `sh -c script`.
  runtime::ContainerSpec shell_spec(const std::string& script);
  // create + start; returns the id.
  std::string run(const runtime::ContainerSpec& spec);
  runtime::ContainerRecord record(const std::string& id);
  std::vector<LogEntry> logs(const std::string& id);
  // Blocks (on inotify, not a sleep loop) until `done` holds for the container's record, or fails
  // the test after `limit`.
  runtime::ContainerRecord wait_record(
      const std::string& id, const std::function<bool(const runtime::ContainerRecord&)>& done,
      std::chrono::seconds limit = std::chrono::seconds(30));
  // Same for its log.
  std::vector<LogEntry> wait_logs(const std::string& id,
                                  const std::function<bool(const std::vector<LogEntry>&)>& done,
                                  std::chrono::seconds limit = std::chrono::seconds(30));
  std::unique_ptr<TempDir> dir_;
  std::filesystem::path rootfs_;
  std::vector<std::string> ids_;  // every container the test made
};

}  // namespace berth::test
