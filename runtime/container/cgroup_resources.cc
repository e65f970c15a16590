#include "runtime/container/cgroup_resources.h"

#include <algorithm>

#include "util/error.h"

namespace berth::runtime {

namespace {
constexpr uint64_t kDefaultCpuPeriod = 100000;  // microseconds, as Docker's --cpus uses
}

void check_resources(const ResourceSpec& r) {
  if (r.memory_swap && *r.memory_swap != -1) {
    if (!r.memory)
      throw Error("memswap_limit is set without mem_limit",
                  "set mem_limit too: memswap_limit is memory and swap together");
    if (*r.memory_swap < *r.memory)
      throw Error("memswap_limit (" + std::to_string(*r.memory_swap) + " bytes) is below mem_limit (" +
                      std::to_string(*r.memory) + " bytes)",
                  "memswap_limit counts memory and swap together: make it at least mem_limit, or -1 "
                  "for unlimited swap");
  }
  if (r.memory && r.memory_reservation && *r.memory > 0 && *r.memory_reservation > *r.memory)
    throw Error("mem_reservation is above mem_limit", "a reservation is a soft limit below the hard one");
}

uint64_t cpu_weight_from_shares(uint64_t shares) {
  shares = std::clamp<uint64_t>(shares, 2, 262144);
  return 1 + ((shares - 2) * 9999) / 262142;
}

std::map<std::string, std::string> cgroup_v2_resources(const ResourceSpec& r) {
  std::map<std::string, std::string> out;
  auto bytes_or_max = [](int64_t value) { return value < 0 ? std::string("max") : std::to_string(value); };
  if (r.memory && *r.memory != 0) out["memory.max"] = bytes_or_max(*r.memory);
  if (r.memory_reservation && *r.memory_reservation != 0)
    out["memory.low"] = bytes_or_max(*r.memory_reservation);
  if (r.memory_swap) {
    if (*r.memory_swap == -1) out["memory.swap.max"] = "max";
    else if (r.memory && *r.memory > 0) out["memory.swap.max"] = std::to_string(*r.memory_swap - *r.memory);
  }
  if (r.cpu_shares) out["cpu.weight"] = std::to_string(cpu_weight_from_shares(*r.cpu_shares));
  uint64_t period = r.cpu_period.value_or(kDefaultCpuPeriod);
  std::optional<int64_t> quota = r.cpu_quota;
  if (!quota && r.cpus) quota = static_cast<int64_t>(*r.cpus * static_cast<double>(period));
  if (quota || r.cpu_period)
    out["cpu.max"] = (quota && *quota > 0 ? std::to_string(*quota) : std::string("max")) + " " +
                     std::to_string(period);
  if (!r.cpuset_cpus.empty()) out["cpuset.cpus"] = r.cpuset_cpus;
  if (!r.cpuset_mems.empty()) out["cpuset.mems"] = r.cpuset_mems;
  if (r.pids_limit) out["pids.max"] = *r.pids_limit > 0 ? std::to_string(*r.pids_limit) : "max";
  return out;
}

}  // namespace berth::runtime
