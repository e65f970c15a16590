// Prepared containers (real runc): made ahead of their start by a supervisor that holds them,
// started by a `runc start`, or stopped without their command ever running.
#include <signal.h>

#include "runtime/container/container.h"
#include "runtime/container/runc.h"
#include "tests/runtime/container_fixture.h"
#include "util/error.h"

namespace berth::test {
namespace {

using ContainerPrepare = ContainerTest;

TEST_F(ContainerPrepare, MadeAheadThenStarted) {
  auto spec = shell_spec("echo ran; exec sleep 1000");
  runtime::create_container(spec);
  ids_.push_back(spec.id);
  runtime::prepare_container(spec.id);

  // Made: runc knows it, its supervisor holds it, its command has not run.
  auto held = record(spec.id);
  EXPECT_EQ(held.status, "created");
  EXPECT_GT(held.pid, 0);
  EXPECT_TRUE(runtime::supervisor_alive(spec.id));
  auto state = runtime::Runc::locate().state(spec.id);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->status, "created");
  EXPECT_TRUE(logs(spec.id).empty());

  runtime::start_container(spec.id);
  auto running = record(spec.id);
  EXPECT_EQ(running.status, "running");
  EXPECT_FALSE(running.started.empty());
  EXPECT_EQ(running.pid, held.pid);  // the process made ahead is the one that runs
  auto out = wait_logs(spec.id, [](const std::vector<LogEntry>& l) { return !l.empty(); });
  EXPECT_EQ(out.at(0).log, "ran\n");
  EXPECT_EQ(runtime::stop_container(spec.id, std::nullopt, std::chrono::milliseconds(0)), 137);
  EXPECT_EQ(record(spec.id).status, "exited");
}

TEST_F(ContainerPrepare, StoppedBeforeItsStartItStaysCreatedAndStartsLater) {
  auto spec = shell_spec("echo ran; exec sleep 1000");
  runtime::create_container(spec);
  ids_.push_back(spec.id);
  runtime::prepare_container(spec.id);
  pid_t held = record(spec.id).pid;
  runtime::stop_container(spec.id, std::nullopt, std::chrono::milliseconds(0));

  // As docker has it: never run, so still "created", with nothing of it left running.
  auto r = record(spec.id);
  EXPECT_EQ(r.status, "created");
  EXPECT_EQ(r.pid, 0);
  EXPECT_TRUE(r.started.empty());
  EXPECT_FALSE(runtime::supervisor_alive(spec.id));
  EXPECT_FALSE(runtime::Runc::locate().state(spec.id));
  EXPECT_NE(::kill(held, 0), 0);
  EXPECT_TRUE(logs(spec.id).empty());

  // A plain start later runs it as any other.
  runtime::start_container(spec.id);
  EXPECT_EQ(record(spec.id).status, "running");
}

TEST_F(ContainerPrepare, RemovedWithoutForceSinceItNeverRan) {
  auto spec = shell_spec("exec sleep 1000");
  runtime::create_container(spec);
  ids_.push_back(spec.id);
  runtime::prepare_container(spec.id);
  runtime::remove_container(spec.id, false);
  EXPECT_FALSE(runtime::read_record(spec.id));
  EXPECT_FALSE(runtime::Runc::locate().state(spec.id));
}

TEST_F(ContainerPrepare, AStartRequestToARunningContainerIsRefused) {
  auto id = run(shell_spec("exec sleep 1000"));
  // Not prepared: start_container of a running one goes the usual way and says it runs already.
  EXPECT_THROW(runtime::start_container(id), Error);
  EXPECT_EQ(record(id).status, "running");
}

TEST_F(ContainerPrepare, AStartWhileItsSupervisorStartsItWaitsForThatStart) {
  // What a berth sees when the berth before it was killed while a supervisor ran `runc run`: the
  // record still says "created", and the supervisor answers once its start is done.
  auto id = run(shell_spec("exec sleep 1000"));
  auto r = record(id);
  pid_t pid = r.pid;
  r.status = "created";
  runtime::write_record(r);
  runtime::start_container(id);  // no error, and no second start
  EXPECT_EQ(runtime::Runc::locate().state(id)->pid, pid);
}

}  // namespace
}  // namespace berth::test
