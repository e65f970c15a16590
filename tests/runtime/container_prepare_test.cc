// Prepared containers (real runc): made ahead of their start by a supervisor that holds them,
// started by a `runc start`, or stopped without their command ever running.
#include <signal.h>
#include <sys/wait.h>

#include "runtime/container/container.h"
#include "runtime/container/runc.h"
#include "tests/runtime/container_fixture.h"
#include "util/error.h"

namespace berth::test {
namespace {

class ContainerPrepare : public ContainerTest {
 protected:
  // create + prepare (made under runc, held by its supervisor); returns the id.
  std::string prepared(const runtime::ContainerSpec& spec) {
    runtime::create_container(spec);
    ids_.push_back(spec.id);
    runtime::prepare_container(spec.id);
    return spec.id;
  }
};

TEST_F(ContainerPrepare, MadeAheadThenStarted) {
  auto spec = shell_spec("echo ran; exec sleep 1000");
  prepared(spec);

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
  prepared(spec);
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
  prepared(spec);
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

TEST_F(ContainerPrepare, StoppingItDoesNotWaitForTheStopSignal) {
  // runc's waiting init may ignore a signal like SIGWINCH (httpd's stop signal): a held container
  // is killed at once, not after the grace period (an hour here: the test would time out).
  auto spec = shell_spec("exec sleep 1000");
  spec.stop_signal = "SIGWINCH";
  prepared(spec);
  runtime::stop_container(spec.id, std::nullopt, std::chrono::hours(1));
  EXPECT_EQ(record(spec.id).status, "created");
  EXPECT_FALSE(runtime::supervisor_alive(spec.id));
}

TEST_F(ContainerPrepare, NeitherPausedNorKilledBeforeItsStart) {
  auto spec = shell_spec("exec sleep 1000");
  prepared(spec);
  EXPECT_THROW(runtime::pause_container(spec.id), Error);
  EXPECT_THROW(runtime::kill_container(spec.id, "SIGTERM"), Error);
  EXPECT_EQ(record(spec.id).status, "created");
  runtime::start_container(spec.id);
  EXPECT_EQ(record(spec.id).status, "running");
}

TEST_F(ContainerPrepare, ItsSupervisorGoneAStartMakesItAfresh) {
  auto spec = shell_spec("exec sleep 1000");
  prepared(spec);
  auto held = record(spec.id);
  ASSERT_GT(held.supervisor_pid, 0);
  ::kill(held.supervisor_pid, SIGKILL);
  // The supervisor's socket is gone with it once it is reaped (it is this test's child: the
  // fixture is a subreaper).
  ::waitpid(held.supervisor_pid, nullptr, 0);
  EXPECT_FALSE(runtime::supervisor_alive(spec.id));
  runtime::start_container(spec.id);  // runc still knew the container made ahead: not an error
  EXPECT_EQ(record(spec.id).status, "running");
  EXPECT_NE(record(spec.id).pid, held.pid);
  ::kill(held.pid, SIGKILL);  // the orphaned init of the first making, if runc left it
  ::waitpid(held.pid, nullptr, WNOHANG);
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
