#include "tests/runtime/container_fixture.h"

#include <poll.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "runtime/container/container.h"
#include "runtime/container/command.h"
#include "runtime/container/process.h"
#include "runtime/container/runc.h"
#include "util/fs.h"
#include "util/paths.h"

namespace berth::test {

void ContainerTest::SetUp() {
  // Supervisors are orphans by design; this machine's PID 1 does not reap orphans, so the test
  // adopts them itself (and reaps them in TearDown).
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  dir_ = std::make_unique<TempDir>();
  ::setenv("BERTH_ROOT", (dir_->path() / "state").c_str(), 1);
  ::setenv("BERTH_RUN_ROOT", (dir_->path() / "run").c_str(), 1);
  ::setenv("BERTH_SUPERVISOR", BERTH_SUPERVISOR_BINARY, 1);
  rootfs_ = dir_->path() / "rootfs";
  auto made = runtime::run_captured(
      {std::string(BERTH_SOURCE_DIR) + "/scripts/make-busybox-rootfs.sh", rootfs_.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
}

void ContainerTest::TearDown() {
  for (const auto& record : runtime::list_records()) {
    try {
      runtime::remove_container(record.id, true);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "removing " << record.id << ": " << e.what();
    }
  }
  // Every supervisor ends once its container is removed: reap them (this blocks until they have).
  int status = 0;
  while (::waitpid(-1, &status, 0) > 0) {
  }
  // Nothing may be left: runc state, cgroups, supervisors.
  auto runc = runtime::Runc::locate();
  EXPECT_TRUE(runc.list().empty()) << "runc still knows containers";
  for (const auto& id : ids_) EXPECT_TRUE(cgroup_dirs(id).empty()) << "cgroup left for " << id;
  std::string marker = dir_->path().string();
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::string cmdline;
    try {  // processes come and go while we look
      cmdline = fs::read_file_if_exists(entry.path() / "cmdline").value_or("");
    } catch (const std::exception&) {
      continue;
    }
    if (entry.path().filename() != std::to_string(::getpid()) &&
        cmdline.find(marker) != std::string::npos)
      ADD_FAILURE() << "process left: " << entry.path() << " " << cmdline;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_->path() / "run" / "containers") &&
               !std::filesystem::is_empty(dir_->path() / "run" / "containers"))
      << "bundles left";
  ::unsetenv("BERTH_ROOT");
  ::unsetenv("BERTH_RUN_ROOT");
  dir_.reset();
}

runtime::ContainerSpec ContainerTest::shell_spec(const std::string& script) {
  runtime::ContainerSpec spec;
  spec.id = runtime::new_container_id();
  spec.name = "test-" + spec.id.substr(0, 8);
  spec.rootfs = rootfs_;
  spec.hostname = "testhost";
  spec.process.args = {"/bin/sh", "-c", script};
  spec.process.env = runtime::container_env({}, {}, spec.hostname, false);
  spec.stop_grace_period = std::chrono::seconds(2);
  return spec;
}

std::string ContainerTest::run(const runtime::ContainerSpec& spec) {
  runtime::create_container(spec);
  ids_.push_back(spec.id);
  runtime::start_container(spec.id);
  return spec.id;
}

runtime::ContainerRecord ContainerTest::record(const std::string& id) {
  auto r = runtime::read_record(id);
  if (!r) throw std::runtime_error("no record for " + id);
  return *r;
}

std::vector<LogEntry> ContainerTest::logs(const std::string& id) {
  std::vector<LogEntry> entries;
  std::ifstream in(runtime::container_log_path(id));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Complete lines only: the supervisor may be writing the last one while we read.
  size_t start = 0, newline;
  while ((newline = text.find('\n', start)) != std::string::npos) {
    auto j = nlohmann::json::parse(text.substr(start, newline - start));
    entries.push_back({j["stream"], j["log"], j["time"]});
    start = newline + 1;
  }
  return entries;
}

namespace {
// Waits for `check` to hold, re-checking whenever something changes in `dir`.
template <typename Check>
bool wait_in_dir(const std::filesystem::path& dir, Check check, std::chrono::seconds limit) {
  int fd = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  ::inotify_add_watch(fd, dir.c_str(), IN_MODIFY | IN_MOVED_TO | IN_CREATE | IN_CLOSE_WRITE);
  auto deadline = std::chrono::steady_clock::now() + limit;
  bool ok = false;
  while (!(ok = check())) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) > 0) {
      char buffer[4096];
      while (::read(fd, buffer, sizeof buffer) > 0) {
      }
    }
  }
  ::close(fd);
  return ok;
}
}  // namespace

runtime::ContainerRecord ContainerTest::wait_record(
    const std::string& id, const std::function<bool(const runtime::ContainerRecord&)>& done,
    std::chrono::seconds limit) {
  runtime::ContainerRecord last;
  bool ok = wait_in_dir(
      runtime::container_state_dir(id),
      [&] {
        auto r = runtime::read_record(id);
        if (r) last = *r;
        return r && done(*r);
      },
      limit);
  EXPECT_TRUE(ok) << "timed out waiting on the record; last status " << last.status
                  << ", health " << last.health.status;
  return last;
}

std::vector<LogEntry> ContainerTest::wait_logs(
    const std::string& id, const std::function<bool(const std::vector<LogEntry>&)>& done,
    std::chrono::seconds limit) {
  std::vector<LogEntry> last;
  bool ok = wait_in_dir(
      runtime::container_state_dir(id),
      [&] {
        last = logs(id);
        return done(last);
      },
      limit);
  EXPECT_TRUE(ok) << "timed out waiting on the log (" << last.size() << " entries)";
  return last;
}

std::vector<std::filesystem::path> ContainerTest::cgroup_dirs(const std::string& id) {
  std::vector<std::filesystem::path> found;
  std::error_code ec;
  for (const auto& hierarchy : std::filesystem::directory_iterator("/sys/fs/cgroup", ec)) {
    auto candidate = hierarchy.path() / "berth" / id;
    if (std::filesystem::exists(candidate)) found.push_back(candidate);
  }
  if (std::filesystem::exists(std::filesystem::path("/sys/fs/cgroup/berth") / id))
    found.push_back(std::filesystem::path("/sys/fs/cgroup/berth") / id);
  return found;
}

}  // namespace berth::test
