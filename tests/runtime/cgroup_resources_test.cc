#include "runtime/container/cgroup_resources.h"

#include <gtest/gtest.h>

#include "util/error.h"

using namespace berth::runtime;
using Files = std::map<std::string, std::string>;

TEST(CgroupV2Resources, ComposeLimitsAsUnifiedFiles) {
  ResourceSpec r;
  r.memory = 64 << 20;
  r.memory_swap = 96 << 20;  // memory and swap together: 32 MiB of swap
  r.memory_reservation = 32 << 20;
  r.cpus = 1.5;
  r.cpu_shares = 512;
  r.cpuset_cpus = "0-1";
  r.cpuset_mems = "0";
  r.pids_limit = 100;
  EXPECT_EQ(cgroup_v2_resources(r), (Files{{"memory.max", "67108864"},
                                           {"memory.low", "33554432"},
                                           {"memory.swap.max", "33554432"},
                                           {"cpu.weight", "20"},
                                           {"cpu.max", "150000 100000"},
                                           {"cpuset.cpus", "0-1"},
                                           {"cpuset.mems", "0"},
                                           {"pids.max", "100"}}));
}

TEST(CgroupV2Resources, UnsetLimitsWriteNothing) {
  EXPECT_TRUE(cgroup_v2_resources(ResourceSpec{}).empty());
  ResourceSpec only_memory;
  only_memory.memory = 1 << 20;  // swap left as the kernel has it, as on v1
  EXPECT_EQ(cgroup_v2_resources(only_memory), (Files{{"memory.max", "1048576"}}));
}

TEST(CgroupV2Resources, UnlimitedValuesAreMax) {
  ResourceSpec r;
  r.memory = 1 << 20;
  r.memory_swap = -1;
  r.pids_limit = -1;
  r.cpu_period = 50000;  // a period alone: no quota
  EXPECT_EQ(cgroup_v2_resources(r), (Files{{"memory.max", "1048576"},
                                           {"memory.swap.max", "max"},
                                           {"pids.max", "max"},
                                           {"cpu.max", "max 50000"}}));
  r = {};
  r.cpu_quota = 25000;
  r.cpu_period = 50000;
  r.cpus = 4;  // an explicit quota wins, as with docker's flags
  EXPECT_EQ(cgroup_v2_resources(r).at("cpu.max"), "25000 50000");
}

TEST(CgroupV2Resources, CpuWeightFromShares) {
  EXPECT_EQ(cpu_weight_from_shares(1024), 39u);  // docker's default shares: weight 39
  EXPECT_EQ(cpu_weight_from_shares(2), 1u);
  EXPECT_EQ(cpu_weight_from_shares(262144), 10000u);
  EXPECT_EQ(cpu_weight_from_shares(0), 1u);        // clamped
  EXPECT_EQ(cpu_weight_from_shares(1u << 30), 10000u);
}

TEST(CgroupResources, LimitsNoVersionCanApplyAreErrors) {
  ResourceSpec r;
  r.memory_swap = 1 << 20;
  EXPECT_THROW(check_resources(r), berth::Error);  // swap without a memory limit
  r.memory = 2 << 20;
  EXPECT_THROW(check_resources(r), berth::Error);  // memory and swap below memory alone
  r.memory_swap = 4 << 20;
  EXPECT_NO_THROW(check_resources(r));
  r.memory_swap = -1;
  EXPECT_NO_THROW(check_resources(r));
  r.memory_reservation = 8 << 20;
  EXPECT_THROW(check_resources(r), berth::Error);
}
