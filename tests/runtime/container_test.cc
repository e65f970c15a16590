// Real containers under runc, supervised: exit codes, logs, restarts, healthchecks, stop, exec,
// limits, the default confinement, and bad input.
#include "runtime/container/container.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "runtime/container/log_reader.h"
#include "runtime/container/process.h"
#include "runtime/container/runc.h"
#include "runtime/container/watch.h"
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


TEST_F(ContainerTest, LogsKeepBothStreamsInOrderWithTimestamps) {
  auto id = run(shell_spec(
      "echo out1; usleep 50000; echo err1 >&2; usleep 50000; echo out2; usleep 50000; "
      "echo err2 >&2; usleep 50000; printf 'no newline'"));
  EXPECT_EQ(runtime::wait_container(id), 0);
  auto entries = logs(id);
  ASSERT_EQ(entries.size(), 5u);
  std::vector<std::pair<std::string, std::string>> expected = {{"stdout", "out1\n"},
                                                               {"stderr", "err1\n"},
                                                               {"stdout", "out2\n"},
                                                               {"stderr", "err2\n"},
                                                               {"stdout", "no newline"}};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(entries[i].stream, expected[i].first) << i;
    EXPECT_EQ(entries[i].log, expected[i].second) << i;
    // RFC 3339 in UTC with nanoseconds: 2026-11-27T23:58:05.123456789Z
    EXPECT_EQ(entries[i].time.size(), 30u) << entries[i].time;
    EXPECT_EQ(entries[i].time.back(), 'Z');
    if (i > 0) {
      EXPECT_LE(entries[i - 1].time, entries[i].time);
    }
  }
}

TEST_F(ContainerTest, OutlivesTheProcessThatStartedIt) {
  auto spec = shell_spec("echo first; read line < /dev/stdin; while true; do echo tick; sleep 0.2; done");
  runtime::create_container(spec);
  ids_.push_back(spec.id);
  // A child plays the berth command: it starts the container, then is killed.
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t parent = ::fork();
  ASSERT_GE(parent, 0);
  if (parent == 0) {
    try {
      runtime::start_container(spec.id);
    } catch (...) {
      ::_exit(1);
    }
    [[maybe_unused]] auto n = ::write(ready[1], "x", 1);
    ::pause();
    ::_exit(0);
  }
  ::close(ready[1]);
  char c;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ::close(ready[0]);
  ASSERT_EQ(::kill(parent, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(parent, &status, 0), parent);
  // The container still runs and its log still grows, written by its supervisor.
  auto entries = wait_logs(spec.id, [](const std::vector<LogEntry>& e) { return e.size() >= 4; });
  ASSERT_GE(entries.size(), 4u);
  EXPECT_EQ(entries[0].log, "first\n");
  EXPECT_EQ(entries[3].log, "tick\n");
  auto state = runtime::Runc::locate().state(spec.id);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->status, "running");
  EXPECT_EQ(record(spec.id).status, "running");
}

TEST_F(ContainerTest, OnFailureStopsAfterItsRetries) {
  auto spec = shell_spec("echo run; exit 3");
  spec.restart = runtime::RestartPolicy::parse("on-failure:3");
  auto id = run(spec);
  EXPECT_EQ(runtime::wait_container(id), 3);
  auto r = record(id);
  EXPECT_EQ(r.status, "exited");
  EXPECT_EQ(r.restart_count, 3);
  EXPECT_EQ(logs(id).size(), 4u);  // the first run and three restarts
}

TEST_F(ContainerTest, AlwaysRestartsUntilStopped) {
  auto spec = shell_spec("echo run; exit 0");
  spec.restart = runtime::RestartPolicy::parse("always");
  auto id = run(spec);
  wait_record(id, [](const ContainerRecord& r) { return r.restart_count >= 2; });
  runtime::stop_container(id);
  auto r = record(id);
  EXPECT_EQ(r.status, "exited");
  EXPECT_TRUE(r.stopped_by_user);
  EXPECT_FALSE(runtime::supervisor_alive(id));
}

TEST_F(ContainerTest, HealthcheckTurnsHealthyThenUnhealthy) {
  auto spec = shell_spec("touch /tmp/healthy; exec sleep 1000");
  spec.healthcheck.kind = runtime::HealthcheckSpec::Kind::cmd_shell;
  spec.healthcheck.test = {"test -e /tmp/healthy && echo fine"};
  spec.healthcheck.interval = 200ms;
  spec.healthcheck.timeout = 5s;
  spec.healthcheck.retries = 2;
  auto id = run(spec);
  EXPECT_EQ(record(id).health.status, "starting");
  auto healthy = wait_record(id, [](const ContainerRecord& r) { return r.health.status == "healthy"; });
  ASSERT_FALSE(healthy.health.log.empty());
  EXPECT_EQ(healthy.health.log.back().exit_code, 0);
  EXPECT_EQ(healthy.health.log.back().output, "fine\n");

  auto removed = runtime::exec_captured(id, {{"rm", "/tmp/healthy"}, {}, "", "", false, {}});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  auto unhealthy =
      wait_record(id, [](const ContainerRecord& r) { return r.health.status == "unhealthy"; });
  EXPECT_GE(unhealthy.health.failing_streak, 2);
  EXPECT_NE(unhealthy.health.log.back().exit_code, 0);
}

TEST_F(ContainerTest, HealthcheckTimeoutCountsAsFailure) {
  auto spec = shell_spec("exec sleep 1000");
  spec.healthcheck.kind = runtime::HealthcheckSpec::Kind::cmd;
  spec.healthcheck.test = {"sleep", "100"};
  spec.healthcheck.interval = 100ms;
  spec.healthcheck.timeout = 300ms;
  spec.healthcheck.retries = 1;
  auto id = run(spec);
  auto r = wait_record(id, [](const ContainerRecord& rec) { return rec.health.status == "unhealthy"; });
  ASSERT_FALSE(r.health.log.empty());
  EXPECT_EQ(r.health.log.back().exit_code, -1);
}

TEST_F(ContainerTest, StopUsesTheStopSignal) {
  auto spec = shell_spec("trap 'echo got-usr1; exit 42' USR1; echo ready; while true; do sleep 0.1; done");
  spec.stop_signal = "SIGUSR1";
  auto id = run(spec);
  wait_logs(id, [](const std::vector<LogEntry>& e) { return !e.empty(); });
  EXPECT_EQ(runtime::stop_container(id), 42);
  auto entries = logs(id);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].log, "got-usr1\n");
}

TEST_F(ContainerTest, StopKillsAfterTheGracePeriod) {
  // PID 1 of a namespace without a handler ignores SIGTERM: only SIGKILL ends it.
  auto spec = shell_spec("exec sleep 1000");
  spec.stop_grace_period = 700ms;
  auto id = run(spec);
  auto begin = std::chrono::steady_clock::now();
  EXPECT_EQ(runtime::stop_container(id), 128 + SIGKILL);
  auto took = std::chrono::steady_clock::now() - begin;
  EXPECT_GE(took, 700ms);
  EXPECT_EQ(record(id).status, "exited");
}

TEST_F(ContainerTest, ExecRunsAsAnotherUserInAnotherDirectory) {
  auto id = run(shell_spec("exec sleep 1000"));
  auto result = runtime::exec_captured(id, {{"sh", "-c", "id -u; id -g; pwd; echo oops >&2; exit 5"},
                                            {"EXTRA=1"}, "/home/app", "app", false, {}});
  EXPECT_EQ(result.exit_code, 5);
  EXPECT_EQ(result.out, "1000\n1000\n/home/app\n");
  EXPECT_EQ(result.err, "oops\n");
  EXPECT_THROW(runtime::exec_captured(id, {{"true"}, {}, "", "nosuchuser", false, {}}), Error);
}

TEST_F(ContainerTest, MemoryLimitHolds) {
  auto spec = shell_spec("exec dd if=/dev/zero of=/dev/null bs=64M count=1");
  spec.resources.memory = 24LL * 1024 * 1024;
  spec.resources.memory_swap = 24LL * 1024 * 1024;
  auto id = run(spec);
  EXPECT_EQ(runtime::wait_container(id), 128 + SIGKILL);  // the OOM killer
}

TEST_F(ContainerTest, ForkBombStaysWithinThePidsLimit) {
  // The bomb runs in a child shell: PID 1 only waits for it to begin, then sleeps (without
  // forking, so the bomb cannot take it down).
  auto spec = shell_spec("sh -c 'bomb() { bomb | bomb & }; bomb'; exec sleep 1000");
  spec.resources.pids_limit = 24;
  auto id = run(spec);
  wait_logs(id, [](const std::vector<LogEntry>& e) {
    for (const auto& entry : e)
      if (entry.log.find("can't fork") != std::string::npos) return true;
    return false;
  });
  auto dirs = cgroup_dirs(id);
  bool checked = false;
  for (const auto& d : dirs) {
    if (!std::filesystem::exists(d / "pids.max")) continue;
    std::ifstream max(d / "pids.max"), current(d / "pids.current");
    std::string max_text;
    long count = 0;
    max >> max_text;
    current >> count;
    EXPECT_EQ(max_text, "24");
    EXPECT_LE(count, 24);
    checked = true;
  }
  EXPECT_TRUE(checked) << "no pids cgroup found for the container";
  EXPECT_EQ(runtime::stop_container(id, "SIGKILL", 0ms), 128 + SIGKILL);
}

TEST_F(ContainerTest, DefaultConfinementHolds) {
  // No CAP_SYS_ADMIN: mount fails; no CAP_NET_RAW: a raw socket (ping) fails; seccomp is on.
  auto id = run(shell_spec(
      "mkdir -p /mnt/t; mount -t tmpfs none /mnt/t 2>/dev/null && echo mount-ok || echo mount-denied;"
      "ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1 && echo ping-ok || echo ping-denied;"
      "grep -E '^Seccomp:' /proc/self/status"));
  EXPECT_EQ(runtime::wait_container(id), 0);
  std::string out;
  for (const auto& e : logs(id)) out += e.log;
  EXPECT_NE(out.find("mount-denied"), std::string::npos) << out;
  EXPECT_NE(out.find("ping-denied"), std::string::npos) << out;
  EXPECT_NE(out.find("Seccomp:\t2"), std::string::npos) << out;
}

TEST_F(ContainerTest, CapAddAllowsMountAndRawSockets) {
  auto spec = shell_spec(
      "mkdir -p /mnt/t; mount -t tmpfs none /mnt/t 2>/dev/null && echo mount-ok || echo mount-denied;"
      "ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1 && echo ping-ok || echo ping-denied");
  spec.capabilities.add = {"SYS_ADMIN", "NET_RAW"};
  auto id = run(spec);
  EXPECT_EQ(runtime::wait_container(id), 0);
  std::string out;
  for (const auto& e : logs(id)) out += e.log;
  EXPECT_NE(out.find("mount-ok"), std::string::npos) << out;
  EXPECT_NE(out.find("ping-ok"), std::string::npos) << out;
}

TEST_F(ContainerTest, InitRunsAsPid1AndReapsTheCommand) {
  auto spec = shell_spec("echo pid=$$; cat /proc/1/cmdline | tr '\\0' ' '; echo");
  spec.init = true;
  auto id = run(spec);
  EXPECT_EQ(runtime::wait_container(id), 0);
  auto entries = logs(id);
  ASSERT_GE(entries.size(), 2u);
  EXPECT_NE(entries[0].log, "pid=1\n");
  EXPECT_EQ(entries[1].log.rfind("/sbin/berth-init -- /bin/sh", 0), 0u) << entries[1].log;
}

TEST_F(ContainerTest, EtcFilesAndHostnameAreBerths) {
  auto spec = shell_spec("hostname; cat /etc/hosts /etc/resolv.conf");
  spec.etc.hosts = "127.0.0.1 localhost\n";
  spec.etc.resolv_conf = "nameserver 10.0.0.53\n";
  auto id = run(spec);
  EXPECT_EQ(runtime::wait_container(id), 0);
  std::string out;
  for (const auto& e : logs(id)) out += e.log;
  EXPECT_EQ(out, "testhost\n127.0.0.1 localhost\nnameserver 10.0.0.53\n");
}

TEST_F(ContainerTest, TtyOutputIsLogged) {
  auto spec = shell_spec("test -t 1 && echo on-a-tty");
  spec.process.tty = true;
  auto id = run(spec);
  EXPECT_EQ(runtime::wait_container(id), 0);
  auto entries = logs(id);
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0].log, "on-a-tty\r\n");
}

TEST_F(ContainerTest, PauseAndResume) {
  auto id = run(shell_spec("exec sleep 1000"));
  auto runc = runtime::Runc::locate();
  runtime::pause_container(id);
  EXPECT_EQ(runc.state(id)->status, "paused");
  EXPECT_EQ(record(id).status, "paused");
  runtime::resume_container(id);
  EXPECT_EQ(runc.state(id)->status, "running");
  EXPECT_EQ(record(id).status, "running");
  // A paused container still stops (it is resumed to take its signal).
  runtime::pause_container(id);
  EXPECT_EQ(runtime::stop_container(id, "SIGKILL", 0ms), 128 + SIGKILL);
}

TEST_F(ContainerTest, ReadOnlyRootfsUlimitsAndSysctls) {
  auto spec = shell_spec(
      "touch /made 2>/dev/null && echo rw || echo ro; ulimit -n; ulimit -Hn; "
      "cat /proc/sys/net/ipv4/ip_unprivileged_port_start");
  spec.readonly_rootfs = true;
  spec.ulimits = {{"nofile", 1000, 2000}};
  spec.sysctls = {{"net.ipv4.ip_unprivileged_port_start", "80"}};
  auto id = run(spec);
  EXPECT_EQ(runtime::wait_container(id), 0);
  std::string out;
  for (const auto& e : logs(id)) out += e.log;
  EXPECT_EQ(out, "ro\n1000\n2000\n80\n");
  EXPECT_FALSE(std::filesystem::exists(rootfs_ / "made"));
}

TEST_F(ContainerTest, KillSendsASignalWithoutStopping) {
  auto id = run(shell_spec("trap 'echo hup' HUP; echo ready; while true; do sleep 0.1; done"));
  wait_logs(id, [](const std::vector<LogEntry>& e) { return !e.empty(); });
  runtime::kill_container(id, "SIGHUP");
  wait_logs(id, [](const std::vector<LogEntry>& e) { return e.size() >= 2; });
  EXPECT_EQ(logs(id)[1].log, "hup\n");
  EXPECT_EQ(record(id).status, "running");
  EXPECT_THROW(runtime::remove_container(id, false), Error);  // running: needs force
}

TEST_F(ContainerTest, HealthcheckOfATtyContainer) {
  auto spec = shell_spec("exec sleep 1000");
  spec.process.tty = true;
  spec.healthcheck.kind = runtime::HealthcheckSpec::Kind::cmd;
  spec.healthcheck.test = {"true"};
  spec.healthcheck.interval = 100ms;
  auto id = run(spec);
  wait_record(id, [](const ContainerRecord& r) { return r.health.status == "healthy"; });
}

TEST_F(ContainerTest, AContainerWhoseSupervisorDiedCanStillBeStopped) {
  auto spec = shell_spec("exec sleep 1000");
  spec.stop_grace_period = 300ms;
  auto id = run(spec);
  int supervisor = record(id).supervisor_pid;
  ASSERT_GT(supervisor, 0);
  ASSERT_EQ(::kill(supervisor, SIGKILL), 0);
  ASSERT_EQ(::waitpid(supervisor, nullptr, 0), supervisor);  // this test adopted it
  auto r = runtime::inspect_container(id);
  EXPECT_EQ(r.status, "running");
  EXPECT_NE(r.error.find("unsupervised"), std::string::npos);
  EXPECT_EQ(runtime::stop_container(id), 128 + SIGKILL);
  EXPECT_EQ(record(id).status, "exited");
  EXPECT_FALSE(runtime::Runc::locate().state(id));
}

TEST_F(ContainerTest, LogsFollowUntilTheContainerStops) {
  auto spec = shell_spec("for i in 1 2 3 4 5 6; do echo line$i; usleep 100000; done; echo bye >&2");
  spec.log = {200, 3};  // rotation while following
  auto id = run(spec);
  std::vector<runtime::LogLine> seen;
  runtime::LogQuery follow;
  follow.follow = true;
  runtime::read_logs(id, follow, [&](const runtime::LogLine& l) {
    seen.push_back(l);
    return true;
  });
  // Returned by itself once the container ended, with every line.
  ASSERT_EQ(seen.size(), 7u);
  EXPECT_EQ(seen[0].text, "line1\n");
  EXPECT_EQ(seen[5].text, "line6\n");
  EXPECT_EQ(seen[6].stream, "stderr");
  EXPECT_TRUE(std::filesystem::exists(runtime::container_log_path(id).string() + ".1"));

  std::vector<std::string> tail;
  runtime::LogQuery last_two;
  last_two.tail = 2;
  runtime::read_logs(id, last_two, [&](const runtime::LogLine& l) {
    tail.push_back(l.text);
    return true;
  });
  EXPECT_EQ(tail, (std::vector<std::string>{"line6\n", "bye\n"}));
  std::vector<std::string> since;
  runtime::LogQuery from;
  from.since = seen[4].time;
  from.until = seen[5].time;
  runtime::read_logs(id, from, [&](const runtime::LogLine& l) {
    since.push_back(l.text);
    return true;
  });
  EXPECT_EQ(since, (std::vector<std::string>{"line5\n", "line6\n"}));
}

TEST_F(ContainerTest, WaitForRecordWakesOnChange) {
  auto spec = shell_spec("exec sleep 1000");
  spec.healthcheck.kind = runtime::HealthcheckSpec::Kind::cmd;
  spec.healthcheck.test = {"true"};
  spec.healthcheck.interval = 100ms;
  auto id = run(spec);
  auto healthy = runtime::wait_for_record(
      id, [](const ContainerRecord& r) { return r.health.status == "healthy"; }, 30s);
  ASSERT_TRUE(healthy);
  auto never = runtime::wait_for_record(
      id, [](const ContainerRecord& r) { return r.status == "exited"; }, 200ms);
  EXPECT_FALSE(never);
}

TEST_F(ContainerTest, StdinOpenKeepsStdinOpen) {
  auto closed = run(shell_spec("cat; echo eof"));
  EXPECT_EQ(runtime::wait_container(closed), 0);  // stdin is /dev/null: cat ends at once
  auto spec = shell_spec("cat; echo eof");
  spec.process.stdin_open = true;
  auto open = run(spec);
  // Held open by the supervisor, stdin never ends: cat is still reading.
  EXPECT_FALSE(runtime::wait_for_record(
      open, [](const ContainerRecord& r) { return r.status == "exited"; }, 500ms));
  EXPECT_EQ(runtime::Runc::locate().state(open)->status, "running");
}

TEST_F(ContainerTest, RemovalNeverEntersAMountedFilesystem) {
  auto spec = shell_spec("true");
  runtime::create_container(spec);
  ids_.push_back(spec.id);
  // Something (an overlay rootfs, say) still mounted inside the container's state dir.
  auto mounted = runtime::container_state_dir(spec.id) / "rootfs";
  std::filesystem::create_directories(mounted);
  ASSERT_EQ(runtime::run_captured({"/bin/mount", "-t", "tmpfs", "berth-test", mounted.string()})
                .exit_code,
            0);
  std::ofstream(mounted / "precious") << "keep";
  EXPECT_THROW(runtime::remove_container(spec.id, true), Error);
  EXPECT_TRUE(std::filesystem::exists(mounted / "precious"));
  ASSERT_EQ(runtime::run_captured({"/bin/umount", mounted.string()}).exit_code, 0);
  runtime::remove_container(spec.id, true);
  EXPECT_FALSE(std::filesystem::exists(runtime::container_state_dir(spec.id)));
}

std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

TEST_F(ContainerTest, CpuAndMemoryResourcesReachTheCgroup) {
  auto spec = shell_spec("cat /proc/self/oom_score_adj; exec sleep 1000");
  spec.resources.cpus = 1.5;
  spec.resources.cpu_shares = 512;
  spec.resources.memory = 64LL << 20;
  spec.resources.memory_reservation = 32LL << 20;
  spec.resources.oom_score_adj = 300;
  auto id = run(spec);
  auto entries = wait_logs(id, [](const std::vector<LogEntry>& e) { return !e.empty(); });
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0].log, "300\n");
  bool cpu = false, memory = false;
  for (const auto& dir : cgroup_dirs(id)) {
    if (std::filesystem::exists(dir / "cpu.cfs_quota_us")) {  // v1
      EXPECT_EQ(file_text(dir / "cpu.cfs_quota_us"), "150000");
      EXPECT_EQ(file_text(dir / "cpu.cfs_period_us"), "100000");
      EXPECT_EQ(file_text(dir / "cpu.shares"), "512");
      cpu = true;
    }
    if (std::filesystem::exists(dir / "cpu.max")) {  // v2
      EXPECT_EQ(file_text(dir / "cpu.max"), "150000 100000");
      cpu = true;
    }
    if (std::filesystem::exists(dir / "memory.limit_in_bytes")) {
      EXPECT_EQ(file_text(dir / "memory.limit_in_bytes"), std::to_string(64LL << 20));
      EXPECT_EQ(file_text(dir / "memory.soft_limit_in_bytes"), std::to_string(32LL << 20));
      memory = true;
    }
    if (std::filesystem::exists(dir / "memory.max")) {
      EXPECT_EQ(file_text(dir / "memory.max"), std::to_string(64LL << 20));
      memory = true;
    }
  }
  EXPECT_TRUE(cpu && memory) << "the container's cgroups were not found";
}

std::string inode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "?";
  return std::to_string(st.st_ino);
}

TEST_F(ContainerTest, NetworkNamespaceHostJoinedOrItsOwn) {
  // A namespace made beforehand (as berth's network module will), joined by path.
  std::string name = "berth-test-" + std::to_string(::getpid());
  ASSERT_EQ(runtime::run_captured({"/usr/sbin/ip", "netns", "add", name}).exit_code, 0);
  std::string netns = "/run/netns/" + name;
  struct Cleanup {
    std::string name;
    ~Cleanup() { runtime::run_captured({"/usr/sbin/ip", "netns", "del", name}); }
  } cleanup{name};

  auto net_inode = [&](runtime::NetworkSpec network) {
    auto spec = shell_spec("stat -L -c %i /proc/self/ns/net; cat /sys/class/net/lo/operstate");
    spec.network = network;
    auto id = run(spec);
    EXPECT_EQ(runtime::wait_container(id), 0);
    std::string out;
    for (const auto& e : logs(id)) out += e.log;
    return out;
  };
  using Mode = runtime::NetworkSpec::Mode;
  std::string joined = net_inode({Mode::join, netns});
  EXPECT_EQ(joined.substr(0, joined.find('\n')), inode_of(netns));
  std::string host = net_inode({Mode::host, ""});
  EXPECT_EQ(host.substr(0, host.find('\n')), inode_of("/proc/self/ns/net"));
  std::string own = net_inode({});
  EXPECT_NE(own.substr(0, own.find('\n')), inode_of("/proc/self/ns/net"));
  EXPECT_NE(own.substr(0, own.find('\n')), inode_of(netns));
  EXPECT_NE(own.find("unknown"), std::string::npos);  // lo is up (operstate of lo is "unknown")
}

// Bad input: a clear error, and nothing made.
void expect_nothing_left(const std::string& id) {
  EXPECT_FALSE(std::filesystem::exists(runtime::container_run_dir(id)));
  EXPECT_FALSE(std::filesystem::exists(runtime::container_state_dir(id)));
  EXPECT_TRUE(ContainerTest::cgroup_dirs(id).empty());
}

TEST_F(ContainerTest, EntrypointThatIsNotExecutableIsRefused) {
  std::ofstream(rootfs_ / "entry.sh") << "#!/bin/sh\necho hi\n";
  auto spec = shell_spec("");
  spec.process.args = {"/entry.sh"};
  try {
    runtime::create_container(spec);
    FAIL() << "created";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("not an executable file"), std::string::npos) << e.render();
  }
  spec.process.args = {"nosuchprogram"};
  EXPECT_THROW(runtime::create_container(spec), Error);
  expect_nothing_left(spec.id);
}

TEST_F(ContainerTest, NoCommandIsRefused) {
  auto spec = shell_spec("");
  spec.process.args.clear();
  try {
    runtime::create_container(spec);
    FAIL() << "created";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("no command"), std::string::npos) << e.render();
    EXPECT_FALSE(e.hint().empty());
  }
  expect_nothing_left(spec.id);
}

TEST_F(ContainerTest, UnknownStopSignalIsRefused) {
  auto spec = shell_spec("true");
  spec.stop_signal = "SIGNOPE";
  EXPECT_THROW(runtime::create_container(spec), Error);
  expect_nothing_left(spec.id);
}

TEST_F(ContainerTest, UnknownUserIsRefused) {
  try {
    runtime::resolve_user(rootfs_, "ghost");
    FAIL() << "resolved";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("'ghost' does not exist"), std::string::npos) << e.render();
  }
  EXPECT_THROW(runtime::resolve_user(rootfs_, "app:ghosts"), Error);
}

TEST_F(ContainerTest, MissingRuncIsAClearError) {
  auto spec = shell_spec("true");
  std::string path = std::getenv("PATH");
  ::setenv("PATH", "/nonexistent", 1);
  try {
    runtime::create_container(spec);
    ::setenv("PATH", path.c_str(), 1);
    FAIL() << "created";
  } catch (const Error& e) {
    ::setenv("PATH", path.c_str(), 1);
    EXPECT_NE(e.message().find("runc was not found"), std::string::npos) << e.render();
    EXPECT_NE(e.hint().find("apt-get install runc"), std::string::npos);
  }
  expect_nothing_left(spec.id);
}

TEST_F(ContainerTest, RuncFailureAtStartLeavesTheContainerCreated) {
  auto spec = shell_spec("true");
  spec.sysctls = {{"kernel.no_such_setting", "1"}};  // runc refuses it
  runtime::create_container(spec);
  ids_.push_back(spec.id);
  EXPECT_THROW(runtime::start_container(spec.id), Error);
  auto r = record(spec.id);
  EXPECT_EQ(r.status, "created");
  EXPECT_FALSE(r.error.empty());
  EXPECT_TRUE(runtime::Runc::locate().list().empty());
  EXPECT_TRUE(cgroup_dirs(spec.id).empty());
}

}  // namespace
}  // namespace berth::test
