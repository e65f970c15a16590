#include "runtime/container/record.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "runtime/supervisor/config.h"
#include "tests/support/temp_dir.h"
#include "util/error.h"

namespace berth::runtime {
namespace {

TEST(Record, RoundTripsThroughJson) {
  ContainerRecord r;
  r.id = std::string(64, 'b');
  r.name = "proj-web-1";
  r.labels = {{"com.docker.compose.project", "proj"}};
  r.status = "running";
  r.pid = 42;
  r.created = "2026-01-01T00:00:00.000000000Z";
  r.exit_code = 3;
  r.restart_count = 2;
  r.stopped_by_user = true;
  r.health = {"unhealthy", 3, {{"s", "e", 1, "bad\n"}}};
  auto back = record_from_json(record_to_json(r), "x");
  EXPECT_EQ(record_to_json(back), record_to_json(r));
  EXPECT_EQ(back.health.log[0].output, "bad\n");
  EXPECT_THROW(record_from_json("{", "x"), Error);
}

TEST(Record, WrittenUnderTheStateRoot) {
  test::TempDir dir;
  ::setenv("BERTH_ROOT", dir.path().c_str(), 1);
  ContainerRecord r;
  r.id = std::string(64, 'c');
  write_record(r);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "containers" / r.id / "record.json"));
  ASSERT_TRUE(read_record(r.id));
  EXPECT_EQ(read_record(r.id)->status, "created");
  EXPECT_FALSE(read_record(std::string(64, 'd')));
  EXPECT_EQ(list_records().size(), 1u);
  ::unsetenv("BERTH_ROOT");
}

TEST(Record, TimesAreRfc3339InUtc) {
  auto t = now_rfc3339();
  EXPECT_EQ(t.size(), 30u);
  EXPECT_EQ(t[4], '-');
  EXPECT_EQ(t[10], 'T');
  EXPECT_EQ(t[19], '.');
  EXPECT_EQ(t.back(), 'Z');
}

TEST(SupervisorConfig, RoundTripsThroughJson) {
  SupervisorConfig c;
  c.id = "x";
  c.runc_binary = "/usr/sbin/runc";
  c.runc_root = "/run/berth/runc";
  c.state_root = "/var/lib/berth";
  c.run_root = "/run/berth";
  c.tty = true;
  c.restart = RestartPolicy::parse("on-failure:5");
  c.healthcheck.kind = HealthcheckSpec::Kind::cmd_shell;
  c.healthcheck.test = {"true"};
  c.healthcheck.interval = std::chrono::milliseconds(1500);
  c.log = {1024, 4};
  c.stop_signal = "SIGQUIT";
  c.stop_grace_period = std::chrono::seconds(3);
  auto back = supervisor_config_from_json(supervisor_config_to_json(c));
  EXPECT_EQ(supervisor_config_to_json(back), supervisor_config_to_json(c));
  EXPECT_EQ(back.restart.max_retries, 5);
  EXPECT_EQ(back.healthcheck.interval.count(), 1500);
}

}  // namespace
}  // namespace berth::runtime
