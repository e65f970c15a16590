// Starting berth's helper processes: one per lock, however many threads ask at once.
#include "network/helper_process.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <sstream>
#include <thread>

#include "tests/support/temp_dir.h"
#include "util/fs.h"

using namespace berth;

namespace {
// A helper that notes each start in `log` (with its pid) before it tries the lock, and serves
// (sleeps) while it holds it. It waits a moment for the lock rather than giving up at once, so
// that a caller's brief probe of the lock cannot make it fail.
constexpr const char* kHelper = R"(lock=$1 log=$2
echo $$ >> "$log"
exec flock -w 2 "$lock" sh -c 'echo ready >&3; exec sleep 30'
)";

std::vector<pid_t> pids_in(const std::string& log) {
  std::vector<pid_t> pids;
  std::istringstream in(log);
  for (pid_t pid; in >> pid;) pids.push_back(pid);
  return pids;
}
}  // namespace

TEST(HelperProcess, ThreadsAskingAtOnceStartOneHelper) {
  test::TempDir dir;
  auto script = dir.write("helper.sh", kHelper);
  auto lock = dir.path() / "helper.lock";
  auto log = dir.path() / "starts";
  std::vector<std::string> command{"/bin/sh", script.string(), lock.string(), log.string()};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] { network::start_helper(command, lock, "BERTH_TEST_READY_FD", "the test helper"); });
  for (auto& t : threads) t.join();
  EXPECT_TRUE(network::helper_running(lock));
  auto pids = pids_in(fs::read_file(log));
  EXPECT_EQ(pids.size(), 1u) << "helpers started: " << fs::read_file(log);
  // The helper's pid is flock's; its child, the sleep, is in the same session: end both.
  for (pid_t pid : pids)
    if (pid_t session = ::getsid(pid); session > 1) ::kill(-session, SIGTERM);  // -1: gone already
}
