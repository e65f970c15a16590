// Real containers under runc, supervised: exit codes, logs, restarts, healthchecks, stop, exec,
// limits, the default confinement, and bad input.
#include "runtime/container/container.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "runtime/container/runc.h"
#include "runtime/container/user.h"
#include "tests/runtime/container_fixture.h"
#include "util/error.h"

namespace berth::test {
namespace {

using runtime::ContainerRecord;
using namespace std::chrono_literals;

TEST_F(ContainerTest, ExitCodePassesThrough) {
  auto id = run(shell_spec("exit 7"));
  EXPECT_EQ(runtime::wait_container(id), 7);
  auto r = record(id);
  EXPECT_EQ(r.status, "exited");
  EXPECT_EQ(r.exit_code, 7);
  EXPECT_FALSE(r.started.empty());
  EXPECT_FALSE(r.finished.empty());
  EXPECT_EQ(r.pid, 0);
}

}  // namespace
}  // namespace berth::test
