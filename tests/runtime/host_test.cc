#include "runtime/container/host.h"

#include <gtest/gtest.h>

namespace berth::runtime {
namespace {

TEST(CgroupLayout, FromMounts) {
  EXPECT_EQ(cgroup_layout_from_mounts("cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0\n"),
            CgroupLayout::unified);
  EXPECT_EQ(cgroup_layout_from_mounts(
                "tmpfs /sys/fs/cgroup tmpfs rw 0 0\n"
                "cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n"
                "cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n"),
            CgroupLayout::hybrid);
  EXPECT_EQ(cgroup_layout_from_mounts("cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\n"),
            CgroupLayout::v1);
}

TEST(Host, FindsARuntime) {
  auto facts = detect_host();
  if (facts.runc.empty() && facts.crun.empty()) GTEST_SKIP() << "no OCI runtime installed";
  EXPECT_FALSE(facts.runtime.empty());
  if (facts.cgroups != CgroupLayout::unified) {
    EXPECT_EQ(facts.runtime, facts.runc);
  }
}

}  // namespace
}  // namespace berth::runtime

TEST(HostCapabilities, BoundingSetFromStatus) {
  EXPECT_EQ(berth::runtime::bounding_set_from_status("Name:\tx\nCapPrm:\t0\nCapBnd:\t000001fffeffffff\nCapAmb:\t0\n"),
            0x1fffeffffffULL);
  EXPECT_EQ(berth::runtime::bounding_set_from_status("Name:\tx\n"), ~0ULL);
  EXPECT_EQ(berth::runtime::bounding_set_from_status("Name:\tx\nCapBnd:\tzz\n"), ~0ULL);
}
