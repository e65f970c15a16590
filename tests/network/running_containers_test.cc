// The set of running containers the DNS responder answers for, followed through the container
// records with inotify (no root needed: a temporary state root).
#include "network/dns/running_containers.h"

#include <poll.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <set>

#include "runtime/container/record.h"
#include "tests/support/temp_dir.h"

using berth::network::dns::resolves_while;
using berth::network::dns::RunningContainers;

namespace {

class RunningContainersTest : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv("BERTH_ROOT", (dir_.path() / "state").c_str(), 1); }

  std::filesystem::path root() const { return dir_.path() / "state" / "containers"; }

  static void write(const std::string& id, const std::string& status) {
    berth::runtime::ContainerRecord r;
    r.id = id;
    r.status = status;
    berth::runtime::write_record(r, false);
  }

  // Takes inotify's reports until the set is `want` or two seconds pass without a report.
  static std::set<std::string> wait_for(RunningContainers& running, const std::set<std::string>& want) {
    while (running.ids() != want) {
      pollfd p{running.fd(), POLLIN, 0};
      if (::poll(&p, 1, 2000) != 1) break;
      running.refresh();
    }
    return running.ids();
  }

  berth::test::TempDir dir_;
};

}  // namespace

TEST(ResolvesWhile, RunningAndPausedOnly) {
  EXPECT_TRUE(resolves_while("running"));
  EXPECT_TRUE(resolves_while("paused"));
  for (const char* s : {"created", "restarting", "exited", "dead", ""}) EXPECT_FALSE(resolves_while(s)) << s;
}

TEST_F(RunningContainersTest, ReadsTheRecordsThereAtStart) {
  write("a", "running");
  write("b", "exited");
  write("c", "paused");
  RunningContainers running(root());
  EXPECT_EQ(running.ids(), (std::set<std::string>{"a", "c"}));
}

TEST_F(RunningContainersTest, FollowsStatusChangesNewContainersAndRemovals) {
  write("a", "created");
  RunningContainers running(root());
  EXPECT_TRUE(running.ids().empty());

  write("a", "running");
  EXPECT_EQ(wait_for(running, {"a"}), std::set<std::string>{"a"});
  // A container made after the watch began.
  write("b", "running");
  EXPECT_EQ(wait_for(running, {"a", "b"}), (std::set<std::string>{"a", "b"}));
  write("a", "exited");
  EXPECT_EQ(wait_for(running, {"b"}), std::set<std::string>{"b"});
  write("a", "running");
  write("b", "restarting");
  EXPECT_EQ(wait_for(running, {"a"}), std::set<std::string>{"a"});
  // Removed with its directory (berth rm).
  std::filesystem::remove_all(root() / "a");
  EXPECT_EQ(wait_for(running, {}), std::set<std::string>{});
  // refresh() reports whether the set changed.
  write("c", "running");
  pollfd p{running.fd(), POLLIN, 0};
  bool changed = false;
  while (!changed && ::poll(&p, 1, 2000) == 1) changed = running.refresh();
  EXPECT_TRUE(changed);
  EXPECT_EQ(running.ids(), std::set<std::string>{"c"});
}

TEST_F(RunningContainersTest, AnUnreadableRecordDoesNotResolve) {
  dir_.write("state/containers/bad/record.json", "{not json");
  RunningContainers running(root());
  EXPECT_TRUE(running.ids().empty());
  write("bad", "running");  // rewritten whole: it resolves
  EXPECT_EQ(wait_for(running, {"bad"}), std::set<std::string>{"bad"});
}
